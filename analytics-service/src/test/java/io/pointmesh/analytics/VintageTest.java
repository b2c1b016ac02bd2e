package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.analytics.ScoringTest.daysAgo;
import static io.pointmesh.analytics.ScoringTest.purchase;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The network's vintage cohorts (members report) against the straightforward formulation of their
 * definition, evaluated here cell by cell on the same database: each cohort's members, those with a
 * purchase in the month, and the points earned minus redeemed by the month's end. The report computes
 * them set-wise in one pass (docs/benchmarks.md, "Reports"); both must give the same figures.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class VintageTest {

    @Test
    void networkCohortsAreTheirDefinition() throws Exception {
        LocalDate asOf = LocalDate.now(ScoringTest.ZONE);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String partner = "vintage-" + run;
        try (KafkaTestClient kafka = kafka()) {
            for (int i = 0; i < 12; i++) {
                String m = run + "-v" + i;
                publish(kafka, new MemberJoined(m, "c-" + m, "V" + i, null, null, null, null));
                // history that predates the join for some (member since = the first purchase), several months for all
                publish(kafka, purchase(m, partner, "10000", daysAgo(asOf, 40 + 30 * (i % 5))));
                publish(kafka, purchase(m, partner, "25000", daysAgo(asOf, 3 + 20 * (i % 3))));
                if (i % 2 == 0) {
                    publish(kafka, purchase(m, partner, "5000", daysAgo(asOf, 1)));
                }
                if (i % 3 == 0) {
                    publish(kafka, new RedemptionCaptured(UUID.randomUUID().toString(), m, partner, "S1", 7, 0));
                }
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM purchase_fact WHERE member_id LIKE '" + run + "%'") == 30
                        && count("SELECT count(*) FROM redemption_fact WHERE member_id LIKE '" + run + "%'") == 4
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run + "%'") == 12);

        JsonPath report = given().auth()
                .oauth2(TestTokens.operator())
                .get("/analytics/v1/network/reports/members?asOf=" + asOf)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Map<String, Object>> rows = report.getList("rows.findAll { it.section == 'vintage' }");

        List<String> expected = new ArrayList<>();
        for (Object[] cell : definition(asOf)) {
            String label = cell[0] + "+" + cell[1];
            long n = (Long) cell[2];
            expected.add(label + " members " + n);
            expected.add(label + " active-share "
                    + BigDecimal.valueOf((Long) cell[3]).divide(BigDecimal.valueOf(n), 4, RoundingMode.HALF_UP));
            expected.add(label + " average-balance "
                    + ((BigDecimal) cell[4]).divide(BigDecimal.valueOf(n), 1, RoundingMode.HALF_UP));
        }
        List<String> actual = rows.stream()
                .map(r -> r.get("label") + " " + r.get("metric") + " " + plain(String.valueOf(r.get("value"))))
                .toList();
        assertTrue(expected.size() > 3 * 4, "several cohorts and months: " + expected);
        assertEquals(
                expected.stream()
                        .map(e -> e.substring(0, e.lastIndexOf(' ')) + " " + plain(e.substring(e.lastIndexOf(' ') + 1)))
                        .toList(),
                actual);
    }

    private static String plain(String number) {
        return new BigDecimal(number).stripTrailingZeros().toPlainString();
    }

    /** Every cell by its definition: a scan of the member-days and the facts per cell. */
    private static List<Object[]> definition(LocalDate asOfDate) throws Exception {
        String zone = ScoringTest.ZONE.getId();
        String asOf = "DATE '" + asOfDate + "'";
        String since = "(least(d.joined_at, f.first_purchase_at) AT TIME ZONE '" + zone + "')";
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/"
                + PointmeshTestResource.testDatabase("analytics");
        List<Object[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "analytics", "analytics");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TEMP TABLE cohort ON COMMIT DROP AS SELECT d.member_id, date_trunc('month', " + since
                    + ")::date AS cohort FROM member_dim d LEFT JOIN member_features f USING (member_id) "
                    + "WHERE d.status <> 'LEFT' AND " + since + "::date <= " + asOf);
            try (ResultSet rs =
                    s.executeQuery("WITH sizes AS (SELECT cohort, count(*) AS n FROM cohort GROUP BY cohort), "
                            + "grid AS (SELECT z.cohort, z.n, k, (z.cohort + make_interval(months => k))::date AS month FROM sizes z, "
                            + "generate_series(0, 23) AS k WHERE (z.cohort + make_interval(months => k))::date <= "
                            + asOf + "), "
                            + "act AS (SELECT DISTINCT md.member_id, date_trunc('month', md.day)::date AS month FROM member_day md "
                            + "JOIN cohort USING (member_id) WHERE md.day <= " + asOf + "), "
                            + "pts AS (SELECT member_id, date_trunc('month', day)::date AS month, sum(points) AS p FROM purchase_fact "
                            + "JOIN cohort USING (member_id) WHERE day <= " + asOf
                            + " GROUP BY 1, 2 UNION ALL SELECT member_id, "
                            + "date_trunc('month', captured_at AT TIME ZONE '" + zone
                            + "')::date, -sum(points - reversed_points) "
                            + "FROM redemption_fact JOIN cohort USING (member_id) WHERE (captured_at AT TIME ZONE '"
                            + zone
                            + "')::date <= " + asOf + " GROUP BY 1, 2) "
                            + "SELECT to_char(g.cohort, 'YYYY-MM'), g.k, g.n, "
                            + "(SELECT count(*) FROM act a JOIN cohort h USING (member_id) WHERE h.cohort = g.cohort AND a.month = g.month), "
                            + "(SELECT coalesce(sum(p.p), 0) FROM pts p JOIN cohort h USING (member_id) WHERE h.cohort = g.cohort "
                            + "AND p.month <= g.month) FROM grid g ORDER BY 1, 2")) {
                while (rs.next()) {
                    out.add(new Object[] {
                        rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5)
                    });
                }
            }
            c.rollback();
        }
        return out;
    }
}
