package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerConcurrencyTest.race;
import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.RewardsTest.decide;
import static io.pointmesh.ledger.RewardsTest.memberSees;
import static io.pointmesh.ledger.RewardsTest.order;
import static io.pointmesh.ledger.RewardsTest.publish;
import static io.pointmesh.ledger.RewardsTest.spent;
import static io.pointmesh.ledger.RewardsTest.stockLeft;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's changes (docs/rewards.md): idempotent publishing, edits (a new price for new
 * orders only), withdrawal, stock top-ups racing orders. ledger_invariant_violation (I16-I18, I21,
 * I22) is empty after each.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class RewardCatalogueTest {

    @Inject
    Transactions transactions;

    @Inject
    io.pointmesh.testing.TestClock clock;

    @AfterEach
    void invariantsHoldAndTimeIsBack() {
        clock.reset();
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }

    /** A partner retitling a reward rewrote what every member had ordered: an order keeps the title it was placed under. */
    @Test
    void anOrderKeepsTheTitleItWasOrderedUnder() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201);
        String title = "Umbrella " + UUID.randomUUID();
        String reward = publishAs(
                        TestTokens.partner(partner),
                        Map.of("title", title, "pricePoints", 400, "fulfilment", "SHIPPING", "stock", 5),
                        null)
                .statusCode(201)
                .extract()
                .path("rewardId");
        order(member, reward, UUID.randomUUID().toString(), "1 Main St, Seoul").statusCode(201);
        edit(TestTokens.partner(partner), reward, terms("A cheaper umbrella", 400))
                .statusCode(200);
        given().auth()
                .oauth2(TestTokens.member(member))
                .get("/ledger/v1/me/reward-orders")
                .then()
                .statusCode(200)
                .body("orders[0].rewardTitle", is(title));
    }

    @Test
    void aRetriedPublishMakesOneRewardAndTheKeyIsNotReusedForAnotherBody() {
        String partner = LedgerFixture.partner();
        String title = "Umbrella " + UUID.randomUUID();
        Map<String, Object> body = Map.of("title", title, "pricePoints", 400, "fulfilment", "SHIPPING", "stock", 7);
        String key = UUID.randomUUID().toString();
        String id = publishAs(TestTokens.partner(partner), body, key)
                .statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .extract()
                .path("rewardId");
        publishAs(TestTokens.partner(partner), body, key)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("rewardId", is(id), "stockLeft", is(7));
        assertEquals(1, rewardsTitled(title));
        publishAs(
                        TestTokens.partner(partner),
                        Map.of("title", title, "pricePoints", 401, "fulfilment", "SHIPPING"),
                        key)
                .statusCode(409)
                .body("code", is("idempotency-key-reused"));
        assertEquals(1, rewardsTitled(title));
        // the key is the caller's: another partner's same key is its own publication
        String another = LedgerFixture.partner();
        String theirs = publishAs(TestTokens.partner(another), body, key)
                .statusCode(201)
                .extract()
                .path("rewardId");
        assertFalse(theirs.equals(id));
        // without a key every publication is new, as before
        publishAs(TestTokens.partner(partner), body, null).statusCode(201);
        assertEquals(3, rewardsTitled(title));
    }

    @Test
    void twentySamePublishesAtOnceMakeOneReward() throws Exception {
        String partner = LedgerFixture.partner();
        String title = "Mug " + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("title", title, "pricePoints", 250, "fulfilment", "PARTNER_VOUCHER");
        List<ExtractableResponse<Response>> answers =
                race(20, i -> publishAs(TestTokens.partner(partner), body, key).extract());
        assertEquals(1, answers.stream().filter(a -> a.statusCode() == 201).count(), statuses(answers));
        assertEquals(19, answers.stream().filter(a -> a.statusCode() == 200).count(), statuses(answers));
        assertEquals(
                1,
                answers.stream().map(a -> a.<String>path("rewardId")).distinct().count());
        assertEquals(1, rewardsTitled(title));
    }

    @Test
    void anotherPartnerCannotEditWithdrawOrTopUpAndChangesNothing() {
        String partner = LedgerFixture.partner();
        String another = LedgerFixture.partner();
        String reward =
                publish(partner, Map.of("title", "Kettle", "pricePoints", 300, "fulfilment", "SHIPPING", "stock", 4));
        Map<String, Object> before = rewardRow(reward);
        Map<String, Object> terms = terms("Kettle (hijacked)", 1);
        // another partner's reward is "not found", as for its codes and its orders
        edit(TestTokens.partner(another), reward, terms).statusCode(404).body("code", is("not-found"));
        withdraw(TestTokens.partner(another), reward).statusCode(404);
        topUp(TestTokens.partner(another), reward, 100, UUID.randomUUID().toString())
                .statusCode(404);
        // staff sign-ins are read-only; a member changes no reward
        edit(TestTokens.partnerStaff(partner), reward, terms).statusCode(403).body("code", is("read-only-credentials"));
        withdraw(TestTokens.partnerStaff(partner), reward).statusCode(403);
        topUp(TestTokens.partnerStaff(partner), reward, 100, null).statusCode(403);
        edit(TestTokens.member(LedgerFixture.member()), reward, terms).statusCode(403);
        // a network reward is the operators' alone
        String network = publishAs(
                        TestTokens.operator(),
                        Map.of("title", "Network cap", "pricePoints", 90, "fulfilment", "SHIPPING", "stock", 2),
                        null)
                .statusCode(201)
                .extract()
                .path("rewardId");
        edit(TestTokens.partner(partner), network, terms).statusCode(404);
        withdraw(TestTokens.partner(partner), network).statusCode(404);
        assertEquals(before, rewardRow(reward), "nothing changed");
        assertEquals(0L, count("SELECT count(*) FROM reward_stock_topup WHERE reward_id = ?", reward));
        // the owner and an operator can
        edit(TestTokens.partner(partner), reward, terms("Kettle, steel", 350))
                .statusCode(200)
                .body("title", is("Kettle, steel"), "pricePoints", is(350), "updatedAt", notNullValue());
        edit(TestTokens.operator(), reward, terms("Kettle, steel", 360))
                .statusCode(200)
                .body("pricePoints", is(360));
        edit(TestTokens.operator(), network, terms("Network cap, blue", 95)).statusCode(200);
        // bad terms are refused and change nothing
        edit(TestTokens.partner(partner), reward, terms("Kettle", 0)).statusCode(400);
        edit(TestTokens.partner(partner), UUID.randomUUID().toString(), terms("Kettle", 10))
                .statusCode(404);
        assertEquals(360L, ((Number) rewardRow(reward).get("price_points")).longValue());
    }

    @Test
    void aNewPriceIsForNewOrdersOnlyAndOldOrdersRefundWhatTheyPaid() {
        String partner = LedgerFixture.partner();
        String early = LedgerFixture.member();
        String late = LedgerFixture.member();
        earn(partner, early, "100000").statusCode(201); // 1000 points
        earn(partner, late, "100000").statusCode(201);
        String reward = publish(
                partner,
                Map.of("title", "Headphones", "pricePoints", 300, "fulfilment", "PARTNER_VOUCHER", "stock", 5));
        String first = order(early, reward, UUID.randomUUID().toString())
                .statusCode(201)
                .body("points", is(300))
                .extract()
                .path("orderId");
        edit(TestTokens.partner(partner), reward, terms("Headphones", 550))
                .statusCode(200)
                .body("pricePoints", is(550));
        // a member shown the old price is never charged the new one; without a stated price, not within 15 minutes
        // of the raise either: nothing is taken
        order(late, reward, UUID.randomUUID().toString(), null, 300L)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("price-changed"));
        order(late, reward, UUID.randomUUID().toString()).statusCode(409).body("code", is("price-changed"));
        balance(late).body("available", is(1000), "spent", is(0));
        assertEquals(5L, stockLeft(partner, reward) + 1);
        String second = order(late, reward, UUID.randomUUID().toString(), null, 550L)
                .statusCode(201)
                .body("points", is(550))
                .extract()
                .path("orderId");
        balance(early).body("available", is(700), "spent", is(300));
        balance(late).body("available", is(450), "spent", is(550));
        // the old order gives back exactly the 300 it paid, not the new price
        given().auth()
                .oauth2(TestTokens.member(early))
                .post("/ledger/v1/me/reward-orders/" + first + "/cancellation")
                .then()
                .statusCode(200)
                .body("status", is("CANCELLED"), "points", is(300));
        balance(early).body("available", is(1000), "spent", is(0));
        decide(partner, second, "FAILED", "out of this model").statusCode(200).body("points", is(550));
        balance(late).body("available", is(1000), "spent", is(0));
        long net = transactions.run(c -> Sql.scalarLong(
                c,
                "SELECT coalesce(sum(CASE kind WHEN 'REWARD_ORDER' THEN amount ELSE -amount END), 0) FROM transfer "
                        + "WHERE kind IN ('REWARD_ORDER', 'REWARD_ORDER_REVERSAL') AND ref IN "
                        + "(SELECT id FROM reward_order WHERE reward_id = ?)",
                UUID.fromString(reward)));
        assertEquals(0, net);
        assertEquals(5L, stockLeft(partner, reward));
        // a price that cannot be afforded any more is refused to a new order
        edit(TestTokens.partner(partner), reward, terms("Headphones", 5000)).statusCode(200);
        order(early, reward, UUID.randomUUID().toString(), null, 5000L)
                .statusCode(422)
                .body("code", is("insufficient-points"));
        // a lower price than shown is paid as it is now; 15 minutes after a raise, an order without a price is taken
        edit(TestTokens.partner(partner), reward, terms("Headphones", 200)).statusCode(200);
        order(early, reward, UUID.randomUUID().toString(), null, 300L)
                .statusCode(201)
                .body("points", is(200));
        edit(TestTokens.partner(partner), reward, terms("Headphones", 250)).statusCode(200);
        order(early, reward, UUID.randomUUID().toString()).statusCode(409).body("code", is("price-changed"));
        clock.advance(java.time.Duration.ofMinutes(16));
        order(early, reward, UUID.randomUUID().toString()).statusCode(201).body("points", is(250));
        // a raise corrected back down is no raise: orders without a price are taken at once
        edit(TestTokens.partner(partner), reward, terms("Headphones", 2500)).statusCode(200);
        edit(TestTokens.partner(partner), reward, terms("Headphones", 250)).statusCode(200);
        order(early, reward, UUID.randomUUID().toString()).statusCode(201).body("points", is(250));
    }

    @Test
    void aWithdrawnRewardTakesNoOrderButItsOrdersStand() {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(3);
        for (String m : members) {
            earn(partner, m, "100000").statusCode(201);
        }
        String reward = publish(
                partner, Map.of("title", "Lamp", "pricePoints", 200, "fulfilment", "PARTNER_VOUCHER", "stock", 5));
        String a = order(members.get(0), reward, UUID.randomUUID().toString())
                .statusCode(201)
                .extract()
                .path("orderId");
        String b = order(members.get(1), reward, UUID.randomUUID().toString())
                .statusCode(201)
                .extract()
                .path("orderId");
        assertTrue(memberSees(members.get(2), true).contains(reward));
        withdraw(TestTokens.partner(partner), reward)
                .statusCode(200)
                .header("Idempotent-Replayed", nullValue())
                .body("withdrawnAt", notNullValue());
        withdraw(TestTokens.partner(partner), reward).statusCode(200).header("Idempotent-Replayed", "true");
        order(members.get(2), reward, UUID.randomUUID().toString())
                .statusCode(409)
                .body("code", is("reward-withdrawn"));
        assertFalse(memberSees(members.get(2), false).contains(reward), "a withdrawn reward is not listed");
        balance(members.get(2)).body("available", is(1000), "spent", is(0));
        // its orders stand: one is fulfilled, one cancelled (points and stock back)
        decide(partner, a, "FULFILLED", null).statusCode(200).body("status", is("FULFILLED"));
        given().auth()
                .oauth2(TestTokens.member(members.get(1)))
                .post("/ledger/v1/me/reward-orders/" + b + "/cancellation")
                .then()
                .statusCode(200)
                .body("status", is("CANCELLED"));
        assertEquals(0, spent(members.get(1)));
        assertEquals(4L, stockLeft(partner, reward));
        // nothing more to change on it
        edit(TestTokens.partner(partner), reward, terms("Lamp", 100))
                .statusCode(409)
                .body("code", is("reward-withdrawn"));
        topUp(TestTokens.partner(partner), reward, 5, null).statusCode(409).body("code", is("reward-withdrawn"));
        assertEquals(
                1L, count("SELECT count(*) FROM reward_order WHERE reward_id = ? AND status <> 'CANCELLED'", reward));
        // a withdrawn coupon takes no more codes: they would show as stock nobody can order
        String coupon = publish(partner, Map.of("title", "Voucher", "pricePoints", 100, "fulfilment", "COUPON_CODE"));
        RewardsTest.uploadCodes(partner, coupon, "A1\nA2\n").statusCode(200);
        withdraw(TestTokens.partner(partner), coupon).statusCode(200);
        RewardsTest.uploadCodes(partner, coupon, "B1\nB2\n").statusCode(409).body("code", is("reward-withdrawn"));
        assertEquals(2L, count("SELECT count(*) FROM reward_code WHERE reward_id = ?", coupon));
    }

    @Test
    void topUpsRacingOrdersNeverOversellAndNoneIsLost() throws Exception {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(50);
        race(50, i -> earn(partner, members.get(i), "100000").statusCode(201)).size();
        String reward = publish(
                partner, Map.of("title", "Scarf", "pricePoints", 100, "fulfilment", "PARTNER_VOUCHER", "stock", 5));
        // 50 orders and five top-ups of one unit, all at once
        List<String> topUpKeys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            topUpKeys.add(UUID.randomUUID().toString());
        }
        List<ExtractableResponse<Response>> answers = race(
                55,
                i -> i < 50
                        ? order(members.get(i), reward, UUID.randomUUID().toString())
                                .extract()
                        : topUp(TestTokens.partner(partner), reward, 1, topUpKeys.get(i - 50))
                                .extract());
        for (int i = 50; i < 55; i++) {
            assertEquals(201, answers.get(i).statusCode(), answers.get(i).asString());
        }
        List<String> refused = new ArrayList<>();
        int ordered = 0;
        for (int i = 0; i < 50; i++) {
            int status = answers.get(i).statusCode();
            if (status == 201) {
                ordered++;
            } else {
                assertEquals(409, status, answers.get(i).asString());
                assertEquals("out-of-stock", answers.get(i).path("code"));
                refused.add(members.get(i));
            }
        }
        // whoever was refused orders again: the units the top-ups added are all there, and no more
        List<Integer> again = race(
                refused.size(),
                i -> order(refused.get(i), reward, UUID.randomUUID().toString())
                        .extract()
                        .statusCode());
        ordered += (int) again.stream().filter(s -> s == 201).count();
        assertEquals(10, ordered, "5 published + 5 topped up");
        assertEquals(
                refused.size() - (10 - (50 - refused.size())),
                again.stream().filter(s -> s == 409).count());
        assertEquals(0L, stockLeft(partner, reward));
        assertEquals(10, members.stream().filter(m -> spent(m) == 100).count());
        // a top-up retried adds nothing; the same key for another number of units is refused
        topUp(TestTokens.partner(partner), reward, 1, topUpKeys.get(0))
                .statusCode(200)
                .header("Idempotent-Replayed", "true");
        topUp(TestTokens.partner(partner), reward, 2, topUpKeys.get(0))
                .statusCode(409)
                .body("code", is("idempotency-key-reused"));
        assertEquals(0L, stockLeft(partner, reward));
        String key = UUID.randomUUID().toString();
        topUp(TestTokens.partner(partner), reward, 3, key).statusCode(201).body("units", is(3), "stockLeft", is(3));
        List<Integer> twins = race(
                10,
                i -> topUp(TestTokens.partner(partner), reward, 3, key)
                        .extract()
                        .statusCode());
        assertTrue(twins.stream().allMatch(s -> s == 200), twins.toString());
        assertEquals(3L, stockLeft(partner, reward));
        // not a coupon (its stock is its codes), not an unlimited reward, never zero or fewer units
        String coupon = publish(partner, Map.of("pricePoints", 100, "fulfilment", "COUPON_CODE"));
        topUp(TestTokens.partner(partner), coupon, 5, null).statusCode(422).body("code", is("coupon-stock-is-codes"));
        assertEquals(0L, stockLeft(partner, coupon));
        String unlimited = publish(partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER"));
        topUp(TestTokens.partner(partner), unlimited, 5, null).statusCode(422).body("code", is("unlimited-stock"));
        topUp(TestTokens.partner(partner), reward, 0, null).statusCode(400);
        topUp(TestTokens.partner(partner), reward, -4, null).statusCode(400);
        assertEquals(3L, stockLeft(partner, reward));
        // an operator tops up any partner's reward
        topUp(TestTokens.operator(), reward, 2, null).statusCode(201).body("stockLeft", is(5));
    }

    @Test
    void ordersRacingAPriceRaiseAndAWithdrawalPayTheOldPriceAndNoneComesAfterTheWithdrawal() throws Exception {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(40);
        race(40, i -> earn(partner, members.get(i), "100000").statusCode(201)).size();
        String reward = publish(
                partner, Map.of("title", "Tote", "pricePoints", 100, "fulfilment", "PARTNER_VOUCHER", "stock", 100));
        // 40 orders, a price change to 150 and a withdrawal, all at once
        List<ExtractableResponse<Response>> answers = race(
                42,
                i -> i < 40
                        ? order(members.get(i), reward, UUID.randomUUID().toString())
                                .extract()
                        : i == 40
                                ? edit(TestTokens.partner(partner), reward, terms("Tote", 150))
                                        .extract()
                                : withdraw(TestTokens.partner(partner), reward).extract());
        assertEquals(200, answers.get(41).statusCode(), answers.get(41).asString());
        int edit = answers.get(40).statusCode();
        assertTrue(
                edit == 200
                        || (edit == 409
                                && "reward-withdrawn".equals(answers.get(40).path("code"))),
                edit + "");
        int ordered = 0;
        for (int i = 0; i < 40; i++) {
            ExtractableResponse<Response> a = answers.get(i);
            if (a.statusCode() == 201) {
                ordered++;
                int points = a.path("points");
                // the orders state no price: none pays the raised one (refused as price-changed after the raise)
                assertEquals(100, points, "the price its member was shown");
                assertEquals(points, spent(members.get(i)));
            } else {
                assertEquals(409, a.statusCode(), a.asString());
                assertTrue(Set.of("reward-withdrawn", "price-changed").contains(a.path("code")), a.asString());
                assertEquals(0, spent(members.get(i)));
            }
        }
        assertEquals(100L - ordered, stockLeft(partner, reward));
        // no order is dated after the withdrawal (I22, also in ledger_invariant_violation); every later one refused
        assertEquals(
                0L,
                count(
                        "SELECT count(*) FROM reward_order o JOIN reward r ON r.id = o.reward_id WHERE r.id = ? "
                                + "AND o.created_at > r.withdrawn_at",
                        reward));
        order(members.get(0), reward, UUID.randomUUID().toString())
                .statusCode(409)
                .body("code", is("reward-withdrawn"));
    }

    @Test
    void theDatabaseRefusesAnOrderOfAWithdrawnRewardAndATopUpOfACoupon() {
        String partner = LedgerFixture.partner();
        String reward = publish(partner, Map.of("pricePoints", 10, "fulfilment", "PARTNER_VOUCHER", "stock", 1));
        String coupon = publish(partner, Map.of("pricePoints", 10, "fulfilment", "COUPON_CODE"));
        withdraw(TestTokens.partner(partner), reward).statusCode(200);
        // straight to the tables, past the service's checks: the triggers of V12 refuse both
        java.sql.SQLException order = org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class,
                () -> rawUpdate(
                        "INSERT INTO reward_order (id, reward_id, member_id, partner_id, idempotency_key, request_hash, "
                                + "points, status, created_at, updated_at) VALUES (gen_random_uuid(), ?::uuid, 'm', ?, "
                                + "'k', 'h', 10, 'ORDERED', now(), now())",
                        reward,
                        partner));
        assertTrue(order.getMessage().contains("withdrawn"), order.getMessage());
        java.sql.SQLException topUp = org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class,
                () -> rawUpdate(
                        "INSERT INTO reward_stock_topup (id, reward_id, units, stock_left_after, idempotency_scope, "
                                + "idempotency_key, request_hash, created_by, created_at) VALUES (gen_random_uuid(), "
                                + "?::uuid, 5, 5, 'x', 'k', 'h', 'test', now())",
                        coupon,
                        null));
        assertTrue(topUp.getMessage().contains("no stock to top up"), topUp.getMessage());
    }

    /** A statement on the test database outside the service (its own connection, autocommit). */
    private static void rawUpdate(String sql, String first, String second) throws java.sql.SQLException {
        String url = "jdbc:postgresql://" + io.pointmesh.testing.LocalInfra.HOST + ":"
                + io.pointmesh.testing.LocalInfra.pgPort() + "/" + LedgerScenariosTest.DB;
        try (var c = java.sql.DriverManager.getConnection(url, "ledger", "ledger");
                var s = c.prepareStatement(sql)) {
            s.setString(1, first);
            if (second != null) {
                s.setString(2, second);
            }
            s.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ helpers

    static ValidatableResponse publishAs(String token, Map<String, Object> body, String key) {
        var request =
                given().auth().oauth2(token).contentType("application/json").body(body);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/ledger/v1/rewards").then();
    }

    static Map<String, Object> terms(String title, long price) {
        Map<String, Object> t = new HashMap<>();
        t.put("title", title);
        t.put("pricePoints", price);
        return t;
    }

    static ValidatableResponse edit(String token, String reward, Map<String, Object> terms) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(terms)
                .put("/ledger/v1/rewards/" + reward)
                .then();
    }

    static ValidatableResponse withdraw(String token, String reward) {
        return given().auth()
                .oauth2(token)
                .post("/ledger/v1/rewards/" + reward + "/withdrawal")
                .then();
    }

    static ValidatableResponse topUp(String token, String reward, long units, String key) {
        var request =
                given().auth().oauth2(token).contentType("application/json").body(Map.of("units", units));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/ledger/v1/rewards/" + reward + "/stock-topups").then();
    }

    private long rewardsTitled(String title) {
        return transactions.run(c -> Sql.scalarLong(c, "SELECT count(*) FROM reward WHERE title = ?", title));
    }

    private long count(String sql, String reward) {
        return transactions.run(c -> Sql.scalarLong(c, sql, UUID.fromString(reward)));
    }

    /** The reward's row as stored, every column. */
    private Map<String, Object> rewardRow(String reward) {
        return transactions.run(c -> Sql.one(
                        c,
                        "SELECT * FROM reward WHERE id = ?",
                        rs -> {
                            Map<String, Object> row = new HashMap<>();
                            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                Object v = rs.getObject(i);
                                row.put(
                                        rs.getMetaData().getColumnName(i),
                                        v instanceof java.sql.Array a ? List.of((Object[]) a.getArray()) : v);
                            }
                            return row;
                        },
                        UUID.fromString(reward))
                .orElseThrow());
    }

    private static String statuses(List<ExtractableResponse<Response>> answers) {
        return answers.stream()
                .collect(Collectors.groupingBy(ExtractableResponse::statusCode, Collectors.counting()))
                .toString();
    }

    @SuppressWarnings("unused")
    private static HashSet<String> ids(List<ExtractableResponse<Response>> answers) {
        return answers.stream().map(a -> a.<String>path("rewardId")).collect(Collectors.toCollection(HashSet::new));
    }
}
