package io.pointmesh.analytics;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * From ledger and member events to grades, segments and churn scores, against the real database
 * and broker: each purchase counted once, refunds reducing spend, the grade cut-offs exactly as
 * defined, every segment rule, and the changes published.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class ScoringTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Seoul");

    static Instant daysAgo(LocalDate asOf, int days) {
        return asOf.minusDays(days).atTime(12, 0).atZone(ZONE).toInstant();
    }

    static PointsEarned purchase(String member, String partner, String amount, Instant at) {
        return new PointsEarned(
                UUID.randomUUID().toString(),
                member,
                partner,
                "S1",
                UUID.randomUUID().toString(),
                new BigDecimal(amount),
                "KRW",
                at,
                10,
                10,
                List.of(),
                BigDecimal.ONE,
                at,
                at.plusSeconds(86400L * 1800),
                0);
    }

    static long count(String sql) throws SQLException {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/"
                + io.pointmesh.testing.PointmeshTestResource.testDatabase("analytics");
        try (Connection c = DriverManager.getConnection(url, "analytics", "analytics");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void purchasesBecomeGradesSegmentsAndChurnScores() throws Exception {
        LocalDate asOf = LocalDate.now(ZONE);
        String partner = "p-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> spenders = new ArrayList<>();
        try (KafkaTestClient kafka = kafka()) {
            // 20 members who spend 10,000 x i in the window; member 20 is then refunded down to 15,000
            for (int i = 1; i <= 20; i++) {
                String m = run + "-spender-" + String.format("%02d", i);
                spenders.add(m);
                publish(kafka, new MemberJoined(m, "card-" + m, "R" + i, null, 1980 + i, "F", "Seoul"));
                publish(kafka, new ConsentChanged(m, false, false, false, true, true, List.of()));
                PointsEarned p = purchase(m, partner, String.valueOf(10_000 * i), daysAgo(asOf, 30));
                String value = publish(kafka, p);
                TestEvents.redeliver(kafka, p, value); // counted once
                if (i == 20) {
                    publish(
                            kafka,
                            new EarningReversed(
                                    UUID.randomUUID().toString(),
                                    p.earningId(),
                                    m,
                                    partner,
                                    "refund",
                                    new BigDecimal("185000"),
                                    9,
                                    0,
                                    0));
                }
            }
            // segment cases (each joined long ago)
            Map<String, int[]> cases = Map.of(
                    "churned",
                    new int[] {200},
                    "dormant",
                    new int[] {100},
                    "new",
                    new int[] {10},
                    "reactivated",
                    new int[] {300, 5},
                    "active",
                    new int[] {150, 30},
                    "prospective",
                    new int[] {});
            for (Map.Entry<String, int[]> e : cases.entrySet()) {
                String m = run + "-" + e.getKey();
                publish(kafka, new MemberJoined(m, "card-" + m, "R" + m, null, null, null, null));
                for (int days : e.getValue()) {
                    publish(kafka, purchase(m, partner, "5000", daysAgo(asOf, days)));
                }
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM purchase_fact WHERE partner_id = '" + partner + "'") == 27
                        && count("SELECT count(*) FROM purchase_fact WHERE refunded > 0 AND partner_id = '" + partner
                                        + "'")
                                == 1
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run + "%'") == 26);
        assertEquals(15_000, count("SELECT net_spend FROM member_features WHERE member_id = '" + run + "-spender-20'"));
        assertEquals(1, count("SELECT purchases FROM member_features WHERE member_id = '" + run + "-spender-19'"));

        var result = given().auth()
                .oauth2(TestTokens.operator())
                .post("/analytics/v1/scores/recompute?asOf=" + asOf)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // everyone who purchased in the window is ranked (this run's 25, and any other test's)
        long ranked = result.getLong("grades.ranked");
        assertEquals(
                ranked,
                count("SELECT count(DISTINCT member_id) FROM member_day WHERE day > DATE '" + asOf.minusMonths(12)
                        + "' AND day <= DATE '" + asOf + "'"));
        assertEquals((long) Math.ceil(ranked * 0.05), result.getLong("grades.counts.VVIP"));
        assertEquals(
                (long) Math.ceil(ranked * 0.20) - (long) Math.ceil(ranked * 0.05), result.getLong("grades.counts.VIP"));

        // the biggest spender after refunds: member 19 (190,000), not 20 (15,000)
        String op = TestTokens.operator();
        given().auth()
                .oauth2(op)
                .get("/analytics/v1/members/" + run + "-spender-19/scores")
                .then()
                .statusCode(200)
                .body("grade", is("VVIP"));
        given().auth()
                .oauth2(op)
                .get("/analytics/v1/members/" + run + "-spender-20/scores")
                .then()
                .statusCode(200)
                .body("grade", is("GENERAL"));
        for (Map.Entry<String, String> e : Map.of(
                        "churned",
                        "CHURNED",
                        "dormant",
                        "DORMANT",
                        "new",
                        "NEW",
                        "reactivated",
                        "REACTIVATED",
                        "active",
                        "ACTIVE",
                        "prospective",
                        "PROSPECTIVE")
                .entrySet()) {
            given().auth()
                    .oauth2(op)
                    .get("/analytics/v1/members/" + run + "-" + e.getKey() + "/scores")
                    .then()
                    .statusCode(200)
                    .body("segment", is(e.getValue()));
        }
        double pAlive = given().auth()
                .oauth2(op)
                .get("/analytics/v1/members/" + run + "-reactivated/scores")
                .then()
                .extract()
                .jsonPath()
                .getDouble("pAlive");
        assertTrue(pAlive > 0 && pAlive <= 1, "P(alive) " + pAlive);

        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("analytics.events"),
                    r -> r.key().equals(run + "-spender-19")
                            && r.value().contains("analytics.grade-changed")
                            && r.value().contains("\"grade\":\"VVIP\""),
                    Duration.ofSeconds(10));
            kafka.await(
                    topic("analytics.events"),
                    r -> r.value().contains("analytics.grade-thresholds-published"),
                    Duration.ofSeconds(10));
            kafka.await(
                    topic("analytics.events"),
                    r -> r.key().equals(run + "-churned") && r.value().contains("\"segment\":\"CHURNED\""),
                    Duration.ofSeconds(10));
        }
        // a second run as of the same day changes nothing
        given().auth()
                .oauth2(op)
                .post("/analytics/v1/scores/recompute?asOf=" + asOf)
                .then()
                .statusCode(200)
                .body("grades.changed", is(0), "segments.changed", is(0));

        // a report on a past date shows that date's segments, not the stored (today's) ones: 190 days ago the
        // "churned" member had bought 10 days before (NEW) and the "reactivated" one 110 days before (DORMANT). Exact
        // figures
        // are the operator's; the partner itself sees no row about 2 customers (docs/privacy.md)
        String pastReport = "/analytics/v1/partners/" + partner + "/reports/members?from=" + asOf.minusDays(400)
                + "&asOf=" + asOf.minusDays(190);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(pastReport)
                .then()
                .statusCode(200)
                .body("rows.size()", is(0));
        var past = given().auth()
                .oauth2(op)
                .get(pastReport)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(2, past.getLong("rows.find { it.section == 'summary' && it.label == 'customers' }.value"));
        assertEquals(1, past.getLong("rows.find { it.section == 'segment' && it.label == 'NEW' }.value"));
        assertEquals(1, past.getLong("rows.find { it.section == 'segment' && it.label == 'DORMANT' }.value"));
        assertEquals(0, past.getLong("rows.find { it.section == 'risk' && it.label == 'churned' }.value"));

        // the partner's riskiest customers: only members who allow personalization and share with it, only its own
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/analytics/v1/partners/" + partner + "/churn-risk?limit=50")
                .then()
                .statusCode(200)
                .body("size()", is(20), "[0].rank", is(1));
        given().auth()
                .oauth2(TestTokens.partner("someone-else"))
                .get("/analytics/v1/partners/" + partner + "/churn-risk")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/analytics/v1/scores/recompute")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(op)
                .post("/analytics/v1/scores/recompute?asOf=yesterday")
                .then()
                .statusCode(400);
        // a future date (2062 for 2026) ranked nobody, demoted every member and froze grades until then;
        // dates beyond what Java's arithmetic or PostgreSQL read answered 500
        for (String bad : new String[] {
            LocalDate.now(ZONE).plusDays(2).toString(), "+999999999-12-31", "0001-01-01", "-0005-01-01"
        }) {
            given().auth()
                    .oauth2(op)
                    .queryParam("asOf", bad)
                    .post("/analytics/v1/scores/recompute")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", is("asOf"));
        }
        for (java.util.Map<String, String> window : java.util.List.of(
                java.util.Map.of("asOf", "+999999999-12-31"),
                java.util.Map.of("to", "-999999999-01-01"),
                java.util.Map.of("asOf", "0001-01-01"),
                java.util.Map.of("from", "0001-01-01", "to", "0001-06-01"))) {
            given().auth()
                    .oauth2(op)
                    .queryParams(window)
                    .get("/analytics/v1/network/reports/members")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
    }
}
