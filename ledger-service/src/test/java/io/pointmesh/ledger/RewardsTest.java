package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerConcurrencyTest.race;
import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rewards catalogue (docs/rewards.md) against the real schema: an order takes the points, the
 * stock and a coupon's code in one transaction, so racing members never oversell, a code goes to
 * one order, and a cancelled or failed order gives the points back into the lots they came from.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class RewardsTest {

    @Inject
    Transactions transactions;

    @AfterEach
    void invariantsHold() {
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }

    @Test
    void twoHundredMembersOrderingTheLastTenItemsGetExactlyTen() throws Exception {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(200);
        race(200, i -> earn(partner, members.get(i), "100000").statusCode(201).body("points", is(1000)))
                .size();
        String reward = publish(partner, Map.of("stock", 10, "pricePoints", 300, "fulfilment", "PARTNER_VOUCHER"));
        List<ExtractableResponse<Response>> answers = race(
                200,
                i -> order(members.get(i), reward, UUID.randomUUID().toString()).extract());
        Map<Integer, Long> byStatus =
                answers.stream().collect(Collectors.groupingBy(ExtractableResponse::statusCode, Collectors.counting()));
        assertEquals(Map.of(201, 10L, 409, 190L), byStatus, byStatus.toString());
        assertTrue(answers.stream()
                .filter(a -> a.statusCode() == 409)
                .allMatch(a -> "out-of-stock".equals(a.path("code"))));
        assertEquals(0L, stockLeft(partner, reward));
        // exactly ten members paid, each the price once; nobody else lost a point
        long paid = members.stream().filter(m -> spent(m) == 300).count();
        assertEquals(10, paid);
        assertEquals(190, members.stream().filter(m -> spent(m) == 0).count());
        long taken = transactions.run(c -> Sql.scalarLong(
                c,
                "SELECT coalesce(sum(amount), 0) FROM transfer WHERE kind = 'REWARD_ORDER' AND ref IN "
                        + "(SELECT id FROM reward_order WHERE reward_id = ?)",
                UUID.fromString(reward)));
        assertEquals(10 * 300, taken);
        LedgerFixture.partnerTotals(partner).body("pointsRedeemedRewards", is(3000), "pointsRedeemed", is(0));
    }

    @Test
    void fiftyCodesGoToFiftyOfSixtyRacingOrdersEachADifferentOneAndAReuploadAddsNothing() throws Exception {
        String partner = LedgerFixture.partner();
        String reward = publish(partner, Map.of("pricePoints", 100, "fulfilment", "COUPON_CODE"));
        StringBuilder csv = new StringBuilder("code\n");
        for (int i = 0; i < 50; i++) {
            csv.append("CODE-").append(reward, 0, 8).append('-').append(i).append("\r\n");
        }
        uploadCodes(partner, reward, csv.toString())
                .statusCode(200)
                .body("received", is(50), "added", is(50), "duplicates", is(0), "stockLeft", is(50));
        uploadCodes(partner, reward, csv.toString())
                .statusCode(200)
                .body("added", is(0), "duplicates", is(50), "stockLeft", is(50));
        List<String> members = LedgerFixture.members(60);
        race(60, i -> earn(partner, members.get(i), "100000").statusCode(201)).size();
        List<ExtractableResponse<Response>> answers = race(
                60,
                i -> order(members.get(i), reward, UUID.randomUUID().toString()).extract());
        List<ExtractableResponse<Response>> ordered =
                answers.stream().filter(a -> a.statusCode() == 201).toList();
        assertEquals(50, ordered.size());
        assertEquals(10, answers.stream().filter(a -> a.statusCode() == 409).count());
        Set<String> codes = new HashSet<>();
        for (ExtractableResponse<Response> a : ordered) {
            assertEquals("FULFILLED", a.path("status"));
            codes.add(a.path("couponCode"));
        }
        assertEquals(50, codes.size(), "each order its own code");
        assertFalse(codes.contains(null));
        assertEquals(0L, stockLeft(partner, reward));
        // the member sees their code in their orders; nobody else does
        String owner = members.get(answers.indexOf(ordered.get(0)));
        String code = ordered.get(0).path("couponCode");
        String orderId = ordered.get(0).path("orderId");
        given().auth()
                .oauth2(TestTokens.member(owner))
                .get("/ledger/v1/me/reward-orders")
                .then()
                .statusCode(200)
                .body("orders[0].orderId", is(orderId), "orders[0].couponCode", is(code));
        String other = LedgerFixture.member();
        String othersView = given().auth()
                .oauth2(TestTokens.member(other))
                .get("/ledger/v1/me/reward-orders")
                .then()
                .statusCode(200)
                .body("orders.size()", is(0))
                .extract()
                .asString();
        assertFalse(othersView.contains(code));
        given().auth()
                .oauth2(TestTokens.member(other))
                .post("/ledger/v1/me/reward-orders/" + orderId + "/cancellation")
                .then()
                .statusCode(404);
        String partnersView = given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/reward-orders")
                .then()
                .statusCode(200)
                .body("orders.size()", is(50))
                .extract()
                .asString();
        for (String c : codes) {
            assertFalse(partnersView.contains(c), "the partner's list shows no code");
        }
        // a coupon is delivered with its order: the member cannot cancel it; a code that did not work fails it
        given().auth()
                .oauth2(TestTokens.member(owner))
                .post("/ledger/v1/me/reward-orders/" + orderId + "/cancellation")
                .then()
                .statusCode(409)
                .body("code", is("order-not-cancellable"));
        decide(partner, orderId, "FAILED", "the code was refused at the cinema")
                .statusCode(200)
                .body("status", is("FAILED"), "couponCode", nullValue());
        assertEquals(0, spent(owner));
        assertEquals(0L, stockLeft(partner, reward), "a code the member saw never returns to the pool");
    }

    @Test
    void aCancelledOrderGivesThePointsBackIntoTheirLotsWithTheirExpiryAndTheStockBack() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        // two lots with different expiry dates (60 months after each purchase)
        earn(
                        partner,
                        member,
                        "50000",
                        UUID.randomUUID().toString(),
                        Instant.now().minus(20, ChronoUnit.DAYS))
                .statusCode(201);
        earn(partner, member, "50000").statusCode(201);
        List<Map<String, Object>> before = lots(member);
        assertEquals(2, before.size());
        String reward =
                publish(partner, Map.of("stock", 5, "pricePoints", 700, "fulfilment", "SHIPPING", "perMemberLimit", 1));
        // a shipped reward needs an address
        order(member, reward, UUID.randomUUID().toString()).statusCode(400);
        String orderId = order(member, reward, UUID.randomUUID().toString(), "12 Teheran-ro, Seoul")
                .statusCode(201)
                .body("status", is("ORDERED"), "points", is(700))
                .extract()
                .path("orderId");
        assertEquals(4L, stockLeft(partner, reward));
        balance(member).body("available", is(300), "spent", is(700));
        List<Map<String, Object>> drawn = lots(member);
        assertEquals(0L, drawn.get(0).get("remaining"), "the oldest expiry is drawn first");
        assertEquals(300L, drawn.get(1).get("remaining"));
        // the per-member limit counts standing orders
        order(member, reward, UUID.randomUUID().toString(), "12 Teheran-ro")
                .statusCode(422)
                .body("code", is("reward-limit-reached"));
        given().auth()
                .oauth2(TestTokens.member(member))
                .post("/ledger/v1/me/reward-orders/" + orderId + "/cancellation")
                .then()
                .statusCode(200)
                .body("status", is("CANCELLED"));
        given().auth()
                .oauth2(TestTokens.member(member))
                .post("/ledger/v1/me/reward-orders/" + orderId + "/cancellation")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true");
        assertEquals(before, lots(member), "every point back in its own lot, with its own expiry");
        balance(member).body("available", is(1000), "spent", is(0));
        assertEquals(5L, stockLeft(partner, reward));
        LedgerFixture.partnerTotals(partner)
                .body("pointsRedeemedRewards", is(700), "pointsRedeemedRewardsReversed", is(700));
        // a cancelled order no longer counts against the limit; a fulfilled one cannot be cancelled
        String second = order(member, reward, UUID.randomUUID().toString(), "12 Teheran-ro")
                .statusCode(201)
                .extract()
                .path("orderId");
        decide(partner, second, "FULFILLED", null).statusCode(200).body("status", is("FULFILLED"));
        decide(partner, second, "FULFILLED", null).statusCode(200).header("Idempotent-Replayed", "true");
        given().auth()
                .oauth2(TestTokens.member(member))
                .post("/ledger/v1/me/reward-orders/" + second + "/cancellation")
                .then()
                .statusCode(409)
                .body("code", is("order-not-cancellable"));
        decide(partner, second, "FAILED", "lost in the post").statusCode(409).body("code", is("order-not-open"));
        // a failed open order refunds like a cancellation
        String third = publish(partner, Map.of("stock", 1, "pricePoints", 100, "fulfilment", "PARTNER_VOUCHER"));
        String failed = order(member, third, UUID.randomUUID().toString())
                .statusCode(201)
                .extract()
                .path("orderId");
        assertEquals(0L, stockLeft(partner, third));
        decide(partner, failed, "FAILED", "the item is discontinued")
                .statusCode(200)
                .body("status", is("FAILED"), "reason", is("the item is discontinued"));
        assertEquals(1L, stockLeft(partner, third));
        balance(member).body("available", is(300), "spent", is(700));
    }

    /**
     * A member who leaves is forgotten by the orders its partner reads: the shipping address of an order that no
     * longer stands is erased at once, that of an order still to ship when it is shipped (or failed).
     */
    @Test
    void aMemberWhoLeftLeavesNoAddressWithThePartner() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201);
        String reward = publish(partner, Map.of("stock", 5, "pricePoints", 100, "fulfilment", "SHIPPING"));
        String address = "7 Gangnam-daero, Seoul " + UUID.randomUUID();
        String shipped = order(member, reward, UUID.randomUUID().toString(), address)
                .statusCode(201)
                .extract()
                .path("orderId");
        decide(partner, shipped, "FULFILLED", null).statusCode(200);
        String open = order(member, reward, UUID.randomUUID().toString(), address)
                .statusCode(201)
                .extract()
                .path("orderId");
        assertEquals(address, partnersAddress(partner, shipped));

        try (io.pointmesh.testing.KafkaTestClient kafka = io.pointmesh.testing.TestEvents.kafka()) {
            io.pointmesh.testing.TestEvents.publish(kafka, new io.pointmesh.events.member.MemberLeft(member));
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> partnersAddress(partner, shipped) == null);
        assertEquals(address, partnersAddress(partner, open), "the order still to ship keeps its address");
        decide(partner, open, "FULFILLED", null).statusCode(200);
        assertEquals(null, partnersAddress(partner, open), "shipped: nothing is left to ship to");
    }

    /** The shipping address the partner reads for one of its orders. */
    private static String partnersAddress(String partner, String orderId) {
        List<Map<String, Object>> orders = given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/reward-orders")
                .then()
                .statusCode(200)
                .extract()
                .path("orders");
        return (String) orders.stream()
                .filter(o -> orderId.equals(o.get("orderId")))
                .findFirst()
                .orElseThrow()
                .get("shippingAddress");
    }

    @Test
    void aRetriedOrderIsAppliedOnceAndAKeyIsNotReusedForAnotherReward() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201);
        String reward = publish(partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER"));
        String other = publish(partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER"));
        String key = UUID.randomUUID().toString();
        String id = order(member, reward, key).statusCode(201).extract().path("orderId");
        order(member, reward, key)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("orderId", is(id));
        order(member, other, key).statusCode(409).body("code", is("idempotency-key-reused"));
        // twins sent at once: one order
        String twinKey = UUID.randomUUID().toString();
        List<String> ids =
                race(20, i -> order(member, reward, twinKey).extract().<String>path("orderId"));
        assertEquals(1, new HashSet<>(ids).size(), ids.toString());
        assertNotNull(ids.get(0));
        balance(member).body("available", is(800), "spent", is(200));
    }

    /** A coupon order retried without a key took two codes the member could not cancel: the key is required. */
    @Test
    void anOrderWithoutAKeyIsRefusedAndTakesNothing() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201);
        String reward = publish(partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER", "stock", 3));
        for (String key : new String[] {null, " "}) {
            var request = given().auth().oauth2(TestTokens.member(member)).contentType("application/json");
            if (key != null) {
                request = request.header("Idempotency-Key", key);
            }
            request.body(Map.of("rewardId", reward))
                    .post("/ledger/v1/me/reward-orders")
                    .then()
                    .statusCode(400)
                    .body("code", is("validation-failed"), "errors[0].field", is("Idempotency-Key"));
        }
        balance(member).body("available", is(1000), "spent", is(0));
        assertEquals(3L, stockLeft(partner, reward));
    }

    /** Every order can be listed, a page at a time (the list was cut at the newest 200, hiding older coupon codes). */
    @Test
    void ordersAreListedAPageAtATimeAndNoneFallsOff() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201);
        String reward = publish(partner, Map.of("pricePoints", 10, "fulfilment", "PARTNER_VOUCHER"));
        List<String> placed = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(order(member, reward, UUID.randomUUID().toString())
                    .statusCode(201)
                    .extract()
                    .path("orderId"));
        }
        java.util.Collections.reverse(placed); // newest first
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth().oauth2(TestTokens.member(member)).queryParam("limit", 2);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            var page = request.get("/ledger/v1/me/reward-orders")
                    .then()
                    .statusCode(200)
                    .header("Cache-Control", "no-store")
                    .extract();
            seen.addAll(page.path("orders.orderId"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(placed, seen);
        assertEquals(3, pages);
        // the partner's list pages the same way
        List<String> partnerSeen = new java.util.ArrayList<>();
        cursor = null;
        do {
            var request = given().auth().oauth2(TestTokens.partner(partner)).queryParam("limit", 3);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            var page = request.get("/ledger/v1/reward-orders")
                    .then()
                    .statusCode(200)
                    .extract();
            partnerSeen.addAll(page.path("orders.orderId"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertEquals(placed, partnerSeen);
        for (String bad : new String[] {
            "x",
            "12_not-a-uuid",
            "_",
            "-300000000000000000_00000000-0000-0000-0000-000000000000",
            "9223372036854775807_00000000-0000-0000-0000-000000000000"
        }) {
            given().auth()
                    .oauth2(TestTokens.member(member))
                    .queryParam("cursor", bad)
                    .get("/ledger/v1/me/reward-orders")
                    .then()
                    .statusCode(400)
                    .body("errors[0].field", is("cursor"));
        }
        for (String bad : new String[] {"0", "201", "two"}) {
            given().auth()
                    .oauth2(TestTokens.member(member))
                    .queryParam("limit", bad)
                    .get("/ledger/v1/me/reward-orders")
                    .then()
                    .statusCode(400)
                    .body("errors[0].field", is("limit"));
        }
    }

    /** PostgreSQL keeps microseconds: two times a nanosecond apart are one time there, refused as such (was 500). */
    @Test
    void anAvailabilityWindowShorterThanTheStoredPrecisionIsABadRequest() {
        String partner = LedgerFixture.partner();
        String title = "Blink " + UUID.randomUUID();
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of(
                        "title",
                        title,
                        "pricePoints",
                        100,
                        "fulfilment",
                        "PARTNER_VOUCHER",
                        "availableFrom",
                        "2030-01-01T00:00:00.000000001Z",
                        "availableUntil",
                        "2030-01-01T00:00:00.000000002Z"))
                .post("/ledger/v1/rewards")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("availableUntil"));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/rewards")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(title)));
    }

    @Test
    void membersSeeWhatTheyAreEligibleForAndCanAfford() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201); // 1000 points
        String cheap = publish(partner, Map.of("pricePoints", 500, "fulfilment", "PARTNER_VOUCHER"));
        String dear = publish(partner, Map.of("pricePoints", 5000, "fulfilment", "PARTNER_VOUCHER"));
        String vip = publish(
                partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER", "grades", List.of("VIP", "VVIP")));
        String churned = publish(
                partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER", "segments", List.of("CHURNED")));
        String soldOut = publish(partner, Map.of("pricePoints", 100, "fulfilment", "PARTNER_VOUCHER", "stock", 0));
        String later = publish(
                partner,
                Map.of(
                        "pricePoints",
                        100,
                        "fulfilment",
                        "PARTNER_VOUCHER",
                        "availableFrom",
                        Instant.now().plus(1, ChronoUnit.DAYS).toString()));
        String network = given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(Map.of("title", "Network mug", "pricePoints", 200, "fulfilment", "SHIPPING", "stock", 3))
                .post("/ledger/v1/rewards")
                .then()
                .statusCode(201)
                .body("partnerId", nullValue())
                .extract()
                .path("rewardId");
        Set<String> seen = memberSees(member, true);
        assertTrue(seen.containsAll(List.of(cheap, network)), seen.toString());
        for (String hidden : List.of(dear, vip, churned, soldOut, later)) {
            assertFalse(seen.contains(hidden), hidden);
        }
        assertTrue(memberSees(member, false).contains(dear), "affordable=false lists what they cannot afford yet");
        order(member, vip, UUID.randomUUID().toString()).statusCode(422).body("code", is("not-eligible"));
        order(member, later, UUID.randomUUID().toString()).statusCode(422).body("code", is("reward-not-available"));
        order(member, dear, UUID.randomUUID().toString()).statusCode(422).body("code", is("insufficient-points"));
        transactions.run(c -> Sql.update(
                c, "UPDATE member_directory SET grade = 'VIP', segment = 'CHURNED' WHERE member_id = ?", member));
        // a partner's segment-only reward is for members who let the partner see their segment: ordered, it would
        // tell the partner the member's segment (bought across the network)
        Set<String> asVip = memberSees(member, true);
        assertTrue(asVip.contains(vip), asVip.toString());
        assertFalse(asVip.contains(churned), "a segment not shared with the partner: " + asVip);
        order(member, churned, UUID.randomUUID().toString()).statusCode(422).body("code", is("not-eligible"));
        transactions.run(c -> Sql.update(
                c,
                "UPDATE member_directory SET personalization = true, shared_partner_ids = ARRAY[?] WHERE member_id = ?",
                partner,
                member));
        asVip = memberSees(member, true);
        assertTrue(asVip.containsAll(List.of(vip, churned)), asVip.toString());
        order(member, vip, UUID.randomUUID().toString()).statusCode(201);
        // a network reward's points go to the network, not to any partner's settlement
        order(member, network, UUID.randomUUID().toString(), "1 Jongno, Seoul").statusCode(201);
        LedgerFixture.partnerTotals(partner).body("pointsRedeemedRewards", is(100));
        balance(member).body("available", is(700));
    }

    @Test
    void partnersPublishOnlyForThemselvesAndStaffOnlyRead() {
        String partner = LedgerFixture.partner();
        String another = LedgerFixture.partner();
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("partnerId", another, "title", "x", "pricePoints", 10, "fulfilment", "PARTNER_VOUCHER"))
                .post("/ledger/v1/rewards")
                .then()
                .statusCode(403)
                .body("code", is("other-partner"));
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .contentType("application/json")
                .body(Map.of("title", "x", "pricePoints", 10, "fulfilment", "PARTNER_VOUCHER"))
                .post("/ledger/v1/rewards")
                .then()
                .statusCode(403)
                .body("code", is("read-only-credentials"));
        String reward = publish(partner, Map.of("pricePoints", 10, "fulfilment", "COUPON_CODE"));
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .contentType("text/csv")
                .body("A1\nA2\n")
                .post("/ledger/v1/rewards/" + reward + "/codes")
                .then()
                .statusCode(403)
                .body("code", is("read-only-credentials"));
        uploadCodes(another, reward, "A1\n").statusCode(404);
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .contentType("application/json")
                .body("{}")
                .post("/ledger/v1/rewards/" + reward + "/codes")
                .then()
                .statusCode(403)
                .body("code", is("read-only-credentials"));
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .get("/ledger/v1/rewards")
                .then()
                .statusCode(200)
                .body("rewards.rewardId", org.hamcrest.Matchers.hasItem(reward));
        given().auth()
                .oauth2(TestTokens.partner(another))
                .get("/ledger/v1/rewards")
                .then()
                .statusCode(200)
                .body("rewards.rewardId", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(reward)));
        given().auth()
                .oauth2(TestTokens.member(LedgerFixture.member()))
                .contentType("application/json")
                .body(Map.of("title", "x", "pricePoints", 10, "fulfilment", "PARTNER_VOUCHER"))
                .post("/ledger/v1/rewards")
                .then()
                .statusCode(403);
        // another partner cannot decide an order of this partner's reward
        String member = LedgerFixture.member();
        earn(partner, member, "10000").statusCode(201);
        String voucher = publish(partner, Map.of("pricePoints", 10, "fulfilment", "PARTNER_VOUCHER"));
        String orderId = order(member, voucher, UUID.randomUUID().toString())
                .statusCode(201)
                .extract()
                .path("orderId");
        decide(another, orderId, "FULFILLED", null).statusCode(404);
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .contentType("application/json")
                .body(Map.of("outcome", "FULFILLED"))
                .post("/ledger/v1/reward-orders/" + orderId + "/fulfilment")
                .then()
                .statusCode(403)
                .body("code", is("read-only-credentials"));
    }

    // ------------------------------------------------------------------ helpers

    static String publish(String partner, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.putIfAbsent("title", "Reward " + UUID.randomUUID().toString().substring(0, 8));
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/rewards")
                .then()
                .statusCode(201)
                .extract()
                .path("rewardId");
    }

    static ValidatableResponse uploadCodes(String partner, String reward, String csv) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("text/csv")
                .body(csv)
                .post("/ledger/v1/rewards/" + reward + "/codes")
                .then();
    }

    static ValidatableResponse order(String member, String reward, String key) {
        return order(member, reward, key, null);
    }

    static ValidatableResponse order(String member, String reward, String key, String address) {
        return order(member, reward, key, address, null);
    }

    /** An order stating the price the member was shown ({@code pricePoints}), as the app sends it. */
    static ValidatableResponse order(String member, String reward, String key, String address, Long shownPrice) {
        Map<String, Object> body = new HashMap<>();
        body.put("rewardId", reward);
        if (address != null) {
            body.put("shippingAddress", address);
        }
        if (shownPrice != null) {
            body.put("pricePoints", shownPrice);
        }
        return given().auth()
                .oauth2(TestTokens.member(member))
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/me/reward-orders")
                .then();
    }

    static ValidatableResponse decide(String partner, String orderId, String outcome, String reason) {
        Map<String, Object> body = new HashMap<>();
        body.put("outcome", outcome);
        if (reason != null) {
            body.put("reason", reason);
        }
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/reward-orders/" + orderId + "/fulfilment")
                .then();
    }

    static long stockLeft(String partner, String reward) {
        List<Map<String, Object>> rewards = given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/rewards")
                .then()
                .statusCode(200)
                .extract()
                .path("rewards");
        return rewards.stream()
                .filter(r -> reward.equals(r.get("rewardId")))
                .map(r -> ((Number) r.get("stockLeft")).longValue())
                .findFirst()
                .orElseThrow();
    }

    static Set<String> memberSees(String member, boolean affordable) {
        List<String> ids = given().auth()
                .oauth2(TestTokens.member(member))
                .queryParam("affordable", affordable)
                .get("/ledger/v1/rewards")
                .then()
                .statusCode(200)
                .extract()
                .path("rewards.rewardId");
        return new HashSet<>(ids);
    }

    static long spent(String member) {
        return balance(member).extract().jsonPath().getLong("spent");
    }

    /** The member's lots in id order: id, points, remaining, expiry. */
    List<Map<String, Object>> lots(String member) {
        return transactions.run(c -> Sql.list(
                c,
                "SELECT id, points, remaining, expires_at FROM lot WHERE member_id = ? ORDER BY id",
                rs -> {
                    Map<String, Object> lot = new java.util.LinkedHashMap<>();
                    lot.put("id", rs.getLong(1));
                    lot.put("points", rs.getLong(2));
                    lot.put("remaining", rs.getLong(3));
                    lot.put("expiresAt", Sql.instant(rs, "expires_at"));
                    return lot;
                },
                member));
    }

    @SuppressWarnings("unused")
    private static List<Integer> indexes(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toCollection(ArrayList::new));
    }
}
