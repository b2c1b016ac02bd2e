package io.pointmesh.analytics;

import static io.pointmesh.analytics.ReportTest.metric;
import static io.pointmesh.analytics.ReportTest.value;
import static io.pointmesh.analytics.ScoringTest.ZONE;
import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.publishAt;
import static io.pointmesh.testing.TestEvents.redeliver;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rewards report over real ingested reward events (Kafka, PostgreSQL). In week W a shop's
 * reward A ("Cinema ticket", 500 points) is ordered by ten VIP/ACTIVE members b0..b9 (b0's order
 * fulfilled, b1's cancelled, b2's failed) and its reward B ("Mug", 300 points) by two VVIP/NEW
 * members b10 and b11; b5 orders a network reward (1,000 points) and b1 a rival's (200 points).
 * Some events are delivered twice (the same record) or published twice (a new envelope of the same
 * order): each order counts once. In week W + 2 a boutique's reward is ordered by 9 members, then
 * by a 10th: the k-anonymity threshold (k = 10) in both views.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RewardsReportTest {

    static final int K = 10;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String shop = "shop-" + run;
    final String rival = "rival-" + run;
    final String boutique = "boutique-" + run;
    final String rewardA = "ra-" + run;
    final String rewardB = "rb-" + run;
    final String network = "rn-" + run;
    final String rivals = "rr-" + run;
    final String scarf = "rs-" + run;
    final LocalDate weekW = LocalDate.now(ZONE)
            .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
            .minusWeeks(5);
    final LocalDate weekLater = weekW.plusWeeks(2);
    final Instant orderedAt = weekW.plusDays(2).atTime(12, 0).atZone(ZONE).toInstant();

    String member(int i) {
        return run + "-b" + i;
    }

    String order(String reward, int i) {
        return reward + "-o" + i;
    }

    @BeforeAll
    void orders() throws Exception {
        try (KafkaTestClient kafka = kafka()) {
            for (int i = 0; i < 12; i++) {
                publish(kafka, new MemberJoined(member(i), "c-" + member(i), "R" + i, null, 1990, "F", "Seoul"));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run + "-b%'") == 12);
            // the grades and segments analytics holds for them when they order (a regrade stores them so)
            sql("UPDATE member_dim SET grade = 'VIP', segment = 'ACTIVE' WHERE member_id LIKE '" + run
                    + "-b%' AND member_id NOT IN ('" + member(10) + "', '" + member(11) + "')");
            sql("UPDATE member_dim SET grade = 'VVIP', segment = 'NEW' WHERE member_id IN ('" + member(10) + "', '"
                    + member(11) + "')");

            String b5Order = null;
            String b1Cancel = null;
            for (int i = 0; i < 10; i++) {
                RewardOrdered o = new RewardOrdered(
                        order(rewardA, i), rewardA, member(i), shop, "Cinema ticket", "PARTNER_VOUCHER", 500);
                String json = publishAt(kafka, o, orderedAt);
                if (i == 5) {
                    b5Order = json;
                }
            }
            for (int i = 10; i < 12; i++) {
                publishAt(
                        kafka,
                        new RewardOrdered(order(rewardB, i), rewardB, member(i), shop, "Mug", "SHIPPING", 300),
                        orderedAt);
            }
            publishAt(
                    kafka,
                    new RewardOrderFulfilled(order(rewardA, 0), rewardA, member(0), shop, 500),
                    orderedAt.plusSeconds(3600));
            RewardOrderCancelled cancel = new RewardOrderCancelled(order(rewardA, 1), rewardA, member(1), shop, 500);
            b1Cancel = publishAt(kafka, cancel, orderedAt.plusSeconds(3600));
            publishAt(
                    kafka,
                    new RewardOrderFailed(order(rewardA, 2), rewardA, member(2), shop, 500, "out of print"),
                    orderedAt.plusSeconds(7200));

            // Kafka delivers the same records again; the ledger's outbox publishes the same order in a new envelope
            RewardOrdered a5 = new RewardOrdered(
                    order(rewardA, 5), rewardA, member(5), shop, "Cinema ticket", "PARTNER_VOUCHER", 500);
            redeliver(kafka, a5, b5Order);
            publishAt(kafka, a5, orderedAt);
            redeliver(kafka, cancel, b1Cancel);
            publishAt(kafka, cancel, orderedAt.plusSeconds(3600));
            // a fulfilment arriving after the cancellation does not bring the order back
            publishAt(
                    kafka,
                    new RewardOrderFulfilled(order(rewardA, 1), rewardA, member(1), shop, 500),
                    orderedAt.plusSeconds(7200));

            // later events on the same members' partitions: once they are in, so is everything before them
            publishAt(
                    kafka,
                    new RewardOrdered(order(network, 5), network, member(5), null, "Network tote", "SHIPPING", 1000),
                    orderedAt);
            publishAt(
                    kafka,
                    new RewardOrdered(order(rivals, 1), rivals, member(1), rival, "Car wash", "PARTNER_VOUCHER", 200),
                    orderedAt);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM reward_order_fact WHERE member_id LIKE '" + run + "-b%'") == 14
                        && count("SELECT count(*) FROM reward_order_fact WHERE order_id IN ('" + order(network, 5)
                                        + "', '" + order(rivals, 1) + "')")
                                == 2
                        && count("SELECT count(*) FROM reward_order_fact WHERE member_id LIKE '" + run
                                        + "-b%' AND status <> 'ORDERED'")
                                == 3);
    }

    JsonPath report(String token, String path, LocalDate from, LocalDate to) {
        return given().auth()
                .oauth2(token)
                .get(path + "?from=" + from + "&to=" + to)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    String shopReport() {
        return "/analytics/v1/partners/" + shop + "/reports/rewards";
    }

    @Test
    void countsAreExactEachOrderOnceAndCancelledOrFailedPointsAreNotSpent() {
        JsonPath r = report(TestTokens.operator(), shopReport(), weekW, weekW.plusWeeks(1));
        assertEquals("rewards", r.getString("kind"));
        assertNull(r.get("noiseEpsilon"), "operators: exact");
        assertEquals(12, value(r, "summary", "placed", "orders"), "12 orders, the redelivered ones once");
        assertEquals(9, value(r, "summary", "open", "orders"));
        assertEquals(1, value(r, "summary", "fulfilled", "orders"));
        assertEquals(
                1, value(r, "summary", "cancelled", "orders"), "cancelled once, and not revived by a late fulfilment");
        assertEquals(1, value(r, "summary", "failed", "orders"));
        // 10 x 500 + 2 x 300, less the cancelled and the failed order's 500 each
        assertEquals(4600, value(r, "summary", "points-spent", "points"));
        assertEquals(12, value(r, "summary", "members", "members"));

        // top items: A (10 members); B (2 members) is under k
        String a = rewardA + " Cinema ticket";
        assertEquals(10, value(r, "top-items", a, "orders"));
        assertEquals(4000, value(r, "top-items", a, "points"));
        assertEquals(10, value(r, "top-items", a, "members"));
        assertEquals(
                List.of(a),
                r.getList("rows.findAll { it.section == 'top-items' }.label").stream()
                        .distinct()
                        .toList());

        // by the ordering member's grade and segment when they ordered: VVIP and NEW (2 members) suppressed
        assertEquals(10, value(r, "grade", "VIP", "members"));
        assertEquals(10, value(r, "grade", "VIP", "orders"));
        assertEquals(4000, value(r, "grade", "VIP", "points"));
        assertEquals("suppressed", metric(r, "grade", "VVIP"));
        assertNull(r.get("rows.find { it.section == 'grade' && it.label == 'VVIP' }.value"));
        assertEquals(10, value(r, "segment", "ACTIVE", "members"));
        assertEquals("suppressed", metric(r, "segment", "NEW"));

        // the network: every partner's rewards and its own
        JsonPath n = report(TestTokens.operator(), "/analytics/v1/network/reports/rewards", weekW, weekW.plusWeeks(1));
        assertEquals("network", n.getString("scope"));
        assertEquals(14, value(n, "summary", "placed", "orders"));
        assertEquals(4600 + 1000 + 200, value(n, "summary", "points-spent", "points"));
        assertEquals(12, value(n, "summary", "members", "members"));
        assertEquals(10, value(n, "top-items", a, "orders"));

        // outside the window: nothing
        JsonPath before = report(TestTokens.operator(), shopReport(), weekW.minusWeeks(2), weekW);
        assertEquals(0, value(before, "summary", "placed", "orders"));

        String csv = given().auth()
                .oauth2(TestTokens.operator())
                .accept("text/csv")
                .get(shopReport() + "?from=" + weekW + "&to=" + weekW.plusWeeks(1))
                .then()
                .statusCode(200)
                .contentType(containsString("text/csv"))
                .extract()
                .asString();
        assertTrue(csv.startsWith("section,label,metric,value\r\nsummary,placed,orders,12\r\n"), csv);
    }

    @Test
    void aPartnerSeesItsOwnOrdersExactlyInRowsOfAtLeastKMembersOnly() {
        JsonPath r = report(TestTokens.partner(shop), shopReport(), weekW, weekW.plusWeeks(1));
        assertEquals(0.5, r.getDouble("noiseEpsilon"));
        assertEquals(12, value(r, "summary", "placed", "orders"), "its own orders: exact");
        assertEquals(4600, value(r, "summary", "points-spent", "points"), "10 members' standing orders");
        assertEquals(12, value(r, "summary", "members", "members"));
        // the cancelled, failed and fulfilled orders are one member's each: no row at all
        for (String label : List.of("cancelled", "failed", "fulfilled", "open")) {
            assertNull(metric(r, "summary", label), label + " is about fewer than k members");
        }
        assertEquals(10, value(r, "top-items", rewardA + " Cinema ticket", "members"));
        // nothing of B, VVIP or NEW: not even a label
        List<Map<String, Object>> rows = r.getList("rows");
        for (Map<String, Object> row : rows) {
            String label = String.valueOf(row.get("label"));
            assertTrue(!label.startsWith(rewardB) && !label.equals("VVIP") && !label.equals("NEW"), row.toString());
            assertTrue(row.get("value") != null, "a partner never sees a suppressed marker: " + row);
            // grade and segment: noisy member counts only, each at least k
            if (List.of("grade", "segment").contains(row.get("section"))) {
                assertEquals("members", row.get("metric"));
                assertTrue(((Number) row.get("value")).longValue() >= K, row.toString());
            }
        }
        // not the rival's order nor the network reward's
        assertEquals(12, value(r, "summary", "members", "members"));
    }

    @Test
    void aRewardOrderedByFewerThanKMembersIsLeftOutUntilTheKth() throws Exception {
        Instant at = weekLater.plusDays(1).atTime(10, 0).atZone(ZONE).toInstant();
        try (KafkaTestClient kafka = kafka()) {
            for (int i = 0; i < 9; i++) {
                publishAt(
                        kafka,
                        new RewardOrdered(order(scarf, i), scarf, member(i), boutique, "Silk scarf", "SHIPPING", 800),
                        at);
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM reward_order_fact WHERE reward_id = '" + scarf + "'") == 9);
        String path = "/analytics/v1/partners/" + boutique + "/reports/rewards";
        LocalDate from = weekLater;
        LocalDate to = weekLater.plusWeeks(1);
        String item = scarf + " Silk scarf";

        JsonPath ops = report(TestTokens.operator(), path, from, to);
        assertEquals(9, value(ops, "summary", "members", "members"), "operators: exact");
        assertNull(metric(ops, "top-items", item), "9 members: not a top item");
        assertEquals("suppressed", metric(ops, "grade", "VIP"));
        JsonPath own = report(TestTokens.partner(boutique), path, from, to);
        assertEquals(List.of(), own.getList("rows"), "a partner sees no row about 9 members");

        try (KafkaTestClient kafka = kafka()) {
            publishAt(
                    kafka,
                    new RewardOrdered(order(scarf, 9), scarf, member(9), boutique, "Silk scarf", "SHIPPING", 800),
                    at);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM reward_order_fact WHERE reward_id = '" + scarf + "'") == 10);
        ops = report(TestTokens.operator(), path, from, to);
        assertEquals(10, value(ops, "top-items", item, "members"));
        assertEquals(8000, value(ops, "top-items", item, "points"));
        assertEquals(10, value(ops, "grade", "VIP", "members"));
        own = report(TestTokens.partner(boutique), path, from, to);
        assertEquals(10, value(own, "summary", "placed", "orders"));
        assertEquals(10, value(own, "top-items", item, "orders"));
    }

    @Test
    void anOrdersLaterEventArrivingFirstWaitsForItAndKeepsTheFinalStatus() throws Exception {
        String outlet = "outlet-" + run;
        String reward = "ro-" + run;
        String m = run + "-late";
        Instant at = weekLater.plusDays(3).atTime(9, 0).atZone(ZONE).toInstant();
        try (KafkaTestClient kafka = kafka()) {
            // the failure first (a replayed partition, an order older than analytics), then the order itself
            publishAt(kafka, new RewardOrderFailed(m + "-o", reward, m, outlet, 700, "lost in the post"), at);
            publishAt(kafka, new RewardOrdered(m + "-o", reward, m, outlet, "Umbrella", "SHIPPING", 700), at);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM reward_order_fact WHERE member_id = '" + m
                                + "' AND ordered_at IS NOT NULL")
                        == 1);
        JsonPath r = report(
                TestTokens.operator(),
                "/analytics/v1/partners/" + outlet + "/reports/rewards",
                weekLater,
                weekLater.plusWeeks(1));
        assertEquals(1, value(r, "summary", "placed", "orders"));
        assertEquals(1, value(r, "summary", "failed", "orders"), "the order did not reopen it");
        assertEquals(0, value(r, "summary", "open", "orders"));
        assertEquals(0, value(r, "summary", "points-spent", "points"));
    }

    @Test
    void aPartnerReadsOnlyItsOwnRewardsReportAndNeverTheNetworks() {
        given().auth()
                .oauth2(TestTokens.partner(rival))
                .get(shopReport() + "?from=" + weekW + "&to=" + weekW.plusWeeks(1))
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", is("other-partner"));
        given().auth()
                .oauth2(TestTokens.partnerStaff(rival))
                .get(shopReport())
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.partner(shop))
                .get("/analytics/v1/network/reports/rewards")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.member(member(0)))
                .get(shopReport())
                .then()
                .statusCode(403);
        given().get(shopReport()).then().statusCode(401);
        // its own: yes
        given().auth()
                .oauth2(TestTokens.partner(shop))
                .get(shopReport() + "?from=" + weekW + "&to=" + weekW.plusWeeks(1))
                .then()
                .statusCode(200)
                .body("scope", is(shop));
    }

    @Test
    void aBadWindowIsAProblem() {
        String operator = TestTokens.operator();
        given().auth()
                .oauth2(operator)
                .get(shopReport() + "?from=" + weekW.plusWeeks(1) + "&to=" + weekW)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("validation-failed"))
                .body("errors[0].field", is("from"));
        given().auth()
                .oauth2(operator)
                .get("/analytics/v1/network/reports/rewards?from=2026-02-30")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("validation-failed"));
        given().auth()
                .oauth2(TestTokens.partner(shop))
                .get(shopReport() + "?from=" + weekW + "&to=" + weekW.plusDays(3))
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("window-too-short"));
    }

    static void sql(String statement) throws SQLException {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/"
                + PointmeshTestResource.testDatabase("analytics");
        try (Connection c = DriverManager.getConnection(url, "analytics", "analytics");
                Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }
}
