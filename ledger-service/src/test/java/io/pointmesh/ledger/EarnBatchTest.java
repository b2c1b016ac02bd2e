package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.STORE;
import static io.pointmesh.ledger.LedgerFixture.available;
import static io.pointmesh.ledger.LedgerFixture.card;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * POST /ledger/v1/earnings/batch: each purchase answered exactly as a lone earn request would be,
 * idempotent on its own partnerTxId (across batches, lone requests and racing batches), a refused
 * purchase failing alone, and the batch bounded. The invariants hold after each test.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class EarnBatchTest {

    static final Instant AT = Instant.now().minus(1, ChronoUnit.MINUTES);

    @AfterEach
    void invariantsHold() {
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }

    static Map<String, Object> purchase(String txId, String card, String amount) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("partnerTxId", txId);
        p.put("cardNumber", card);
        p.put("storeCode", STORE);
        p.put("amount", new BigDecimal(amount));
        p.put("currency", "KRW");
        p.put("occurredAt", AT.toString());
        return p;
    }

    static ValidatableResponse batch(String token, Object body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/earnings/batch")
                .then();
    }

    static ValidatableResponse batch(String partner, List<Map<String, Object>> purchases) {
        return batch(TestTokens.partner(partner), Map.of("earnings", purchases));
    }

    @Inject
    DataSource dataSource;

    long earningsOf(String memberId) throws Exception {
        try (var c = dataSource.getConnection();
                var s = c.prepareStatement("SELECT count(*) FROM earning WHERE member_id = ?")) {
            s.setString(1, memberId);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void eachPurchaseIsEarnedOrRefusedAloneAndTheSameBatchAgainEarnsNothingTwice() throws Exception {
        String partner = LedgerFixture.partner();
        String a = LedgerFixture.member();
        String b = LedgerFixture.member();
        List<Map<String, Object>> purchases = new ArrayList<>();
        purchases.add(purchase("b-" + UUID.randomUUID(), card(a), "10000")); // 100 points
        purchases.add(purchase("b-" + UUID.randomUUID(), "no-such-card-" + UUID.randomUUID(), "10000"));
        purchases.add(purchase("b-" + UUID.randomUUID(), card(b), "25000")); // 250
        purchases.add(purchase("b-" + UUID.randomUUID(), card(a), "0")); // invalid amount
        Map<String, Object> noTxId = purchase(null, card(b), "5000");
        purchases.add(noTxId);
        purchases.add(purchase("b-" + UUID.randomUUID(), card(a), "5000")); // 50

        JsonPath first = batch(partner, purchases)
                .statusCode(200)
                .body("items", is(6), "earned", is(3), "replayed", is(0), "rejected", is(3))
                .body("results", hasSize(6))
                .body("results.index", is(List.of(0, 1, 2, 3, 4, 5)))
                .body("results.status", is(List.of(201, 422, 201, 422, 400, 201)))
                .body("results.outcome", is(List.of("EARNED", "REJECTED", "EARNED", "REJECTED", "REJECTED", "EARNED")))
                .body("results[0].earning.points", is(100), "results[0].problem", nullValue())
                .body("results[1].problem.code", is("unknown-card"), "results[1].earning", nullValue())
                .body("results[1].problem.type", is("urn:pointmesh:problem:unknown-card"))
                .body("results[3].problem.code", is("invalid-amount"))
                .body("results[4].problem.code", is("validation-failed"))
                .body("results[4].problem.errors[0].field", is("partnerTxId"))
                .body("results[2].earning.points", is(250), "results[5].earning.points", is(50))
                .extract()
                .jsonPath();
        assertEquals(150, available(a));
        assertEquals(250, available(b));

        // each earning is a real one: the partner reads it, and its event went out through the outbox
        String earningId = first.getString("results[2].earning.earningId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/earnings/" + earningId)
                .then()
                .statusCode(200)
                .body("points", is(250), "partnerTxId", is(purchases.get(2).get("partnerTxId")));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(topic("ledger.events"), r -> r.value().contains(earningId), Duration.ofSeconds(30));
        }

        // the POS sends the whole file again after a timeout: the same answers, nothing earned twice
        batch(partner, purchases)
                .statusCode(200)
                .body("earned", is(0), "replayed", is(3), "rejected", is(3))
                .body("results.status", is(List.of(200, 422, 200, 422, 400, 200)))
                .body("results[0].earning.earningId", is(first.getString("results[0].earning.earningId")))
                .body("results[2].earning.earningId", is(earningId))
                .body("results[5].earning.earningId", is(first.getString("results[5].earning.earningId")));
        // and a lone retry of one of them is answered from the same earning
        LedgerFixture.earn(partner, b, "25000", (String) purchases.get(2).get("partnerTxId"), AT)
                .statusCode(200)
                .body("earningId", is(earningId));
        assertEquals(150, available(a));
        assertEquals(250, available(b));
        assertEquals(2, earningsOf(a));
    }

    @Test
    void aPartnerTxIdTwiceInOneBatchEarnsOnceAndADifferentPurchaseUnderItIsRefused() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String tx = "dup-" + UUID.randomUUID();
        List<Map<String, Object>> purchases = List.of(
                purchase(tx, card(member), "10000"),
                purchase(tx, card(member), "10000"),
                purchase(tx, card(member), "99000"));
        JsonPath answer = batch(partner, purchases)
                .statusCode(200)
                .body("earned", is(1), "replayed", is(1), "rejected", is(1))
                .body("results.status", is(List.of(201, 200, 409)))
                .body("results[2].problem.code", is("idempotency-key-reused"))
                .extract()
                .jsonPath();
        assertEquals(
                answer.getString("results[0].earning.earningId"), answer.getString("results[1].earning.earningId"));
        assertEquals(100, available(member));
    }

    @Test
    void twoCopiesOfABatchRacingEarnEachPurchaseOnce() throws Exception {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(5);
        List<Map<String, Object>> purchases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            purchases.add(purchase("race-" + UUID.randomUUID(), card(members.get(i % 5)), "10000"));
        }
        // two: a partner may have two batches being answered at once (a third would be told to wait, 429)
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<JsonPath>> copies = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            copies.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return batch(partner, purchases)
                        .statusCode(200)
                        .body("rejected", is(0))
                        .extract()
                        .jsonPath();
            }));
        }
        int earned = 0;
        Map<Integer, String> ids = new HashMap<>();
        for (CompletableFuture<JsonPath> copy : copies) {
            JsonPath answer = copy.join();
            earned += answer.getInt("earned");
            for (int i = 0; i < purchases.size(); i++) {
                String id = answer.getString("results[" + i + "].earning.earningId");
                assertNotNull(id);
                String before = ids.putIfAbsent(i, id);
                if (before != null) {
                    assertEquals(before, id, "every copy answers purchase " + i + " with the same earning");
                }
            }
        }
        assertEquals(purchases.size(), earned, "each purchase earned by exactly one copy");
        for (String m : members) {
            assertEquals(800, available(m)); // 8 purchases of 100 points each
        }
    }

    @Test
    void aBatchIsBoundedAndItsBodyChecked() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        batch(partner, List.of())
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("validation-failed"), "errors[0].field", is("earnings"));
        batch(TestTokens.partner(partner), Map.of()).statusCode(400).body("code", is("validation-failed"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(purchase("many-" + UUID.randomUUID(), card(member), "10000"));
        }
        batch(partner, tooMany).statusCode(400).body("code", is("validation-failed"));
        // an item that is not an earn request: refused alone
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        withNull.add(purchase("ok-" + UUID.randomUUID(), card(member), "10000"));
        batch(TestTokens.partner(partner), Map.of("earnings", withNull))
                .statusCode(200)
                .body("results.status", is(List.of(400, 201)))
                .body("results[0].problem.code", is("missing-body"));
        batch(TestTokens.partner(partner), "{\"earnings\": {\"not\": \"a list\"}}")
                .statusCode(400)
                .body("code", is("malformed-body"));
        assertEquals(100, available(member));
        assertEquals(1, earningsOf(member));
    }

    @Test
    void onlyThePartnersIntegrationClientEarnsAndOnlyForItself() {
        String partner = LedgerFixture.partner();
        String other = LedgerFixture.partner();
        String member = LedgerFixture.member();
        List<Map<String, Object>> purchases = List.of(purchase("sec-" + UUID.randomUUID(), card(member), "10000"));
        Map<String, Object> body = Map.of("earnings", purchases);
        given().contentType("application/json")
                .body(body)
                .post("/ledger/v1/earnings/batch")
                .then()
                .statusCode(401);
        batch(TestTokens.partnerStaff(partner), body).statusCode(403).body("code", is("read-only-credentials"));
        batch(TestTokens.operator(), body).statusCode(403);
        batch(TestTokens.member(member), body).statusCode(403);
        // the partner is the token's: another partner's batch earns at its own store list, where S001 is its own
        batch(other, purchases)
                .statusCode(200)
                .body("results[0].status", is(201))
                .body("results[0].earning.points", is(100));
        // and the first partner's key space is its own: the same partnerTxId earns again for it
        batch(partner, purchases).statusCode(200).body("results[0].status", is(201));
        assertEquals(200, available(member));
    }

    @Test
    void aBodyTooLargeIsRefusedBeforeItIsRead() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String one = "{\"earnings\": [{\"partnerTxId\": \"big-" + UUID.randomUUID() + "\", \"cardNumber\": \""
                + card(member) + "\", \"storeCode\": \"" + STORE
                + "\", \"amount\": 10000, \"currency\": \"KRW\", \"occurredAt\": \"" + AT + "\"}]}";
        batch(TestTokens.partner(partner), one + " ".repeat(1_100_000))
                .statusCode(413)
                .contentType("application/problem+json")
                .body("code", is("batch-too-large"));
        // the router also takes a trailing slash (and "//", matrix parameters): none goes around the limit
        for (String path : new String[] {
            "/ledger/v1/earnings/batch/", "/ledger/v1/earnings//batch", "/ledger/v1/earnings/batch;x=1"
        }) {
            int status = given().auth()
                    .oauth2(TestTokens.partner(partner))
                    .contentType("application/json")
                    .urlEncodingEnabled(false)
                    .body(one + " ".repeat(1_100_000))
                    .post(path)
                    .then()
                    .extract()
                    .statusCode();
            org.junit.jupiter.api.Assertions.assertTrue(
                    status == 413 || status == 404, path + " answered " + status + " to a body over the limit");
        }
        assertEquals(0, available(member));
    }

    @Test
    void aPartnerSendingBatchesFasterThanTheyAreAnsweredIsToldToWaitAndNothingIsLost() {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(10);
        int copies = 6;
        List<List<Map<String, Object>>> batches = new ArrayList<>();
        for (int k = 0; k < copies; k++) {
            List<Map<String, Object>> purchases = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                purchases.add(purchase("flood-" + UUID.randomUUID(), card(members.get(i % 10)), "1000"));
            }
            batches.add(purchases);
        }
        CyclicBarrier start = new CyclicBarrier(copies);
        List<CompletableFuture<io.restassured.response.ExtractableResponse<io.restassured.response.Response>>> sent =
                new ArrayList<>();
        for (List<Map<String, Object>> purchases : batches) {
            sent.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return batch(partner, purchases).extract();
            }));
        }
        long earned = 0;
        int refused = 0;
        for (var answer : sent) {
            var r = answer.join();
            if (r.statusCode() == 429) {
                assertEquals("too-many-batches", r.path("code"));
                assertNotNull(r.header("Retry-After"));
                refused++;
            } else {
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(300, (int) r.path("earned"));
                earned += 300;
            }
        }
        assertTrue(refused > 0, "a partner has at most 2 batches being answered");
        // points for exactly the batches answered 200: 10 points per purchase, spread over 10 members
        long total = members.stream().mapToLong(LedgerFixture::available).sum();
        assertEquals(earned * 10, total);
    }

    @Test
    void aCharacterTheDatabaseCannotHoldIsRefusedNotA500() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        batch(partner, List.of(purchase("nul-\u0000-" + UUID.randomUUID(), card(member), "10000")))
                .statusCode(200)
                .body("results[0].status", is(400), "results[0].problem.code", is("invalid-characters"));
        LedgerFixture.earn(partner, member, "10000", "nul-\u0000-" + UUID.randomUUID(), AT)
                .statusCode(400)
                .body("code", is("invalid-characters"));
        assertEquals(0, available(member));
    }

    @Test
    void anInvalidAmountDoesNotTellWhetherACardExists() {
        String partner = LedgerFixture.partner();
        batch(partner, List.of(purchase("probe-" + UUID.randomUUID(), "no-such-card-" + UUID.randomUUID(), "0")))
                .statusCode(200)
                .body("results[0].problem.code", is("invalid-amount"));
    }

    /**
     * Earn answered unknown-card, card-blocked or member-not-active to any card number a partner sent, 500 to a
     * batch: an unmetered oracle of which cards exist. Past its budget of such refusals (1,000 in 10 minutes), a
     * partner's earnings by card are 429 until the window ends, real cards too (else 201 against 429 would tell);
     * another partner is not held back.
     */
    @Test
    void aPartnerProbingCardNumbersIsStoppedByItsBudgetOfRefusals() {
        String prober = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String stored = "till-" + UUID.randomUUID();
        batch(prober, List.of(purchase(stored, card(member), "10000")))
                .statusCode(200)
                .body("results[0].status", is(201));
        for (int round = 0; round < 2; round++) {
            List<Map<String, Object>> guesses = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                guesses.add(purchase("probe-" + UUID.randomUUID(), "9410" + (100_000_000L + round * 500 + i), "10000"));
            }
            batch(prober, guesses).statusCode(200).body("rejected", is(500));
        }
        batch(prober, List.of(purchase("probe-" + UUID.randomUUID(), "9410-one-more", "10000")))
                .statusCode(200)
                .body("results[0].status", is(429), "results[0].problem.code", is("rate-limited"));
        batch(prober, List.of(purchase("probe-" + UUID.randomUUID(), card(member), "10000")))
                .statusCode(200)
                .body("results[0].status", is(429), "results[0].problem.code", is("rate-limited"));
        // a till retrying an earning that was stored is still answered from what was stored
        batch(prober, List.of(purchase(stored, card(member), "10000")))
                .statusCode(200)
                .body("results[0].status", is(200));
        String honest = LedgerFixture.partner();
        batch(honest, List.of(purchase("till-" + UUID.randomUUID(), card(member), "10000")))
                .statusCode(200)
                .body("results[0].status", is(201));
    }

    @Inject
    io.pointmesh.ledger.service.EarnBatchService batches;

    /**
     * Only a till's valid request paces uploads: a request refused before it is posted (no body, a bad amount, an
     * unknown card, a hold without the member's say-so) used to pace every partner's batches for a second, so any
     * partner could slow everyone's uploads with junk.
     */
    @Test
    void aRefusedTillRequestPacesNoUpload() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        long quiet = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (batches.pacing() && System.nanoTime() < quiet) {
            Thread.sleep(50); // another test's till request, within the last second
        }
        assertTrue(!batches.pacing(), "no till request within the last second");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body("{}")
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(purchase("junk-" + UUID.randomUUID(), "no-such-card-" + UUID.randomUUID(), "10000"))
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(422);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of(
                        "partnerTxId",
                        "junk-" + UUID.randomUUID(),
                        "cardNumber",
                        card(member),
                        "storeCode",
                        STORE,
                        "points",
                        10))
                .post("/ledger/v1/redemptions")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of(
                        "partnerTxId",
                        "junk-" + UUID.randomUUID(),
                        "paymentCode",
                        "0000000000000000",
                        "storeCode",
                        STORE,
                        "points",
                        10))
                .post("/ledger/v1/redemptions")
                .then()
                .statusCode(403)
                .body("code", is("invalid-payment-code"));
        assertTrue(!batches.pacing(), "refused requests pace nothing");
        LedgerFixture.earn(partner, member, "10000").statusCode(201);
        assertTrue(batches.pacing(), "a till's earning paces uploads");
    }

    @Test
    void whileATillEarnsABatchIsPacedAndStillEarnsEverything() {
        String partner = LedgerFixture.partner();
        List<String> members = LedgerFixture.members(5);
        List<Map<String, Object>> purchases = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            purchases.add(purchase("paced-" + UUID.randomUUID(), card(members.get(i % 5)), "10000"));
        }
        LedgerFixture.earn(partner, members.get(0), "10000").statusCode(201); // a till at work
        long began = System.nanoTime();
        batch(partner, purchases).statusCode(200).body("earned", is(150));
        double seconds = (System.nanoTime() - began) / 1e9;
        // 200 a second while a till earned within the last second: 150 purchases take at least 0.75 s
        assertTrue(seconds >= 0.6, "a paced batch of 150 took " + seconds + " s");
        assertEquals(3100, available(members.get(0)));
    }
}
