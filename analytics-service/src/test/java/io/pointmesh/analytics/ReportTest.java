package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.analytics.ScoringTest.daysAgo;
import static io.pointmesh.analytics.ScoringTest.purchase;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberProfileChanged;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Partner reports over real ingested events, as operators see them (exact figures): the partner's
 * own customers; demographics count consenting members only; demographic groups and other partners'
 * shared customers under 10 are suppressed; CSV on request. What the partner itself sees of the same
 * report (whole weeks, rows of at least 10, noise) is PrivacyTest's.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class ReportTest {

    @Test
    void aPartnerSeesItsCustomersAndOnlyLargeEnoughGroupsOfAnyoneElse() throws Exception {
        LocalDate asOf = LocalDate.now(ScoringTest.ZONE);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String mart = "mart-" + run;
        String cinema = "cinema-" + run;
        String fuel = "fuel-" + run;
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerRegistered(cinema, "Starlight Cinema " + run, "120-81-47521", "cinema"));
            publish(kafka, new StoreOpened(mart, "GN", "Gangnam", StoreChannel.OFFLINE, "Seoul"));
            publish(kafka, new StoreOpened(mart, "WEB", "Web shop", StoreChannel.ONLINE, "Online"));
            for (int i = 0; i < 14; i++) {
                String m = run + "-m" + i;
                publish(kafka, new MemberJoined(m, "c-" + m, "R" + i, null, 1990, "F", "Seoul"));
                if (i < 12) { // 12 allow personalization; their demographics follow
                    publish(kafka, new ConsentChanged(m, false, false, false, true, false, List.of()));
                    publish(kafka, new MemberProfileChanged(m, i < 6 ? 1990 : 1975, i % 2 == 0 ? "F" : "M", "Seoul"));
                }
                publish(kafka, purchase(m, mart, "20000", daysAgo(asOf, 20)));
                publish(kafka, purchase(m, mart, "10000", daysAgo(asOf, 5)));
                if (i < 11) {
                    publish(kafka, purchase(m, cinema, "12000", daysAgo(asOf, 3))); // 11 shared customers: shown
                }
                if (i < 3) {
                    publish(kafka, purchase(m, fuel, "50000", daysAgo(asOf, 2))); // 3 shared customers: suppressed
                }
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM purchase_fact WHERE member_id LIKE '" + run + "%'") == 42
                        // every member joined too (the two without consent have no demographics to wait for): segment
                        // flows count members by joining date, and under load member.events can trail the purchases
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run + "%'") == 14
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run
                                        + "%' AND birth_year IS NOT NULL")
                                == 12
                        && count("SELECT count(*) FROM store_dim WHERE partner_id = '" + mart + "'") == 2);
        String token = TestTokens.operator();
        String partner = TestTokens.partner(mart);
        String base = "/analytics/v1/partners/" + mart + "/reports/";

        JsonPath own = given().auth()
                .oauth2(partner)
                .get(base + "members?asOf=" + asOf)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(14, value(own, "summary", "customers", "members"), "the partner's own records: exact");
        assertEquals(0.5, own.getDouble("noiseEpsilon"));

        JsonPath members = given().auth()
                .oauth2(token)
                .get(base + "members?asOf=" + asOf)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(14, value(members, "summary", "customers", "members"));
        assertEquals(14, value(members, "summary", "active", "members"));
        // 12 consenting: 6 women and 6 men, so each group is under 10 and suppressed; one age band of 6: suppressed too
        assertEquals("suppressed", metric(members, "gender", "F"));
        assertEquals(12, value(members, "region", "Seoul", "members"));
        assertEquals(
                14,
                members.getList("rows.findAll { it.section == 'rfm-r' }.value", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        assertEquals(14, value(members, "purchase-cycle", "15-30", "intervals"));
        // segment flows: none was a member a year ago; all bought for the first time within the last month
        assertEquals(14, value(members, "segment-flow", "NONE>NEW", "members"));
        // vintage: the partner's cohorts are its customers by their first purchase with it, 20 days ago
        String cohort = java.time.YearMonth.from(asOf.minusDays(20)) + "+0";
        assertEquals(14, value(members, "vintage", cohort, "members"));
        assertEquals(
                1.0,
                members.getDouble("rows.find { it.section == 'vintage' && it.label == '" + cohort
                        + "' && it.metric == 'active-share' }.value"));

        JsonPath tx = given().auth()
                .oauth2(token)
                .get(base + "transactions?asOf=" + asOf)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(
                14 * 30000,
                tx
                        .getList(
                                "rows.findAll { it.section == 'sales-by-month' && it.metric == 'sales' }.value",
                                Integer.class)
                        .stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        assertEquals(11, value(tx, "cross-partner", "Starlight Cinema " + run, "shared-customers"));
        assertTrue(tx.getDouble("rows.find { it.section == 'cross-partner' && it.metric == 'lift' }.value") > 0);
        assertEquals("suppressed", metric(tx, "cross-partner", fuel));
        assertEquals(
                28,
                tx.getList("rows.findAll { it.section == 'day-hour' }.value", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum());

        JsonPath stores = given().auth()
                .oauth2(token)
                .get(base + "stores?asOf=" + asOf)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(14 * 30000, value(stores, "stores", mart + "/S1 S1", "sales"));

        String csv = given().auth()
                .oauth2(partner)
                .accept("text/csv")
                .get(base + "members?asOf=" + asOf)
                .then()
                .statusCode(200)
                .contentType(containsString("text/csv"))
                .extract()
                .asString();
        assertTrue(csv.startsWith("section,label,metric,value\r\nsummary,customers,members,14\r\n"), csv);

        // only its own reports; the network's are for operators
        given().auth()
                .oauth2(TestTokens.partner(cinema))
                .get(base + "members")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(partner)
                .get("/analytics/v1/network/reports/members")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/analytics/v1/network/reports/transactions?asOf=" + asOf)
                .then()
                .statusCode(200);
        given().auth().oauth2(partner).get(base + "loyalty").then().statusCode(404);
        given().auth()
                .oauth2(partner)
                .get(base + "members?from=2026-13-01")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(partner)
                .get(base + "members?from=2026-06-01&to=2026-05-01")
                .then()
                .statusCode(400);
    }

    static long value(JsonPath report, String section, String label, String metric) {
        Map<String, Object> row = report.getMap("rows.find { it.section == '" + section + "'"
                + (label == null ? "" : " && it.label == '" + label + "'") + " && it.metric == '" + metric + "' }");
        if (row == null) {
            throw new AssertionError("no " + section + "/" + label + "/" + metric + " in " + report.prettify());
        }
        return ((Number) row.get("value")).longValue();
    }

    static String metric(JsonPath report, String section, String label) {
        return report.getString("rows.find { it.section == '" + section + "' && it.label == '" + label + "' }.metric");
    }
}
