package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.STORE;
import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.card;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerFixture.holdWithPin;
import static io.pointmesh.ledger.LedgerFixture.paymentCode;
import static io.pointmesh.ledger.LedgerFixture.setPin;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestClock;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Points leave a member only with the member's say-so (docs/ledger.md, "Spending authorization"):
 * every way a hostile partner, a curious staff member or a guesser could spend a member's points
 * without them, tried against the real service and database, must fail and change nothing.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class SpendingAuthorizationTest {

    @Inject
    TestClock clock;

    @Inject
    Transactions transactions;

    @AfterEach
    void invariantsHoldAndTimeIsBack() {
        clock.reset();
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }

    /** A partner and a member with 1,000 available points. */
    private record Setup(String partner, String member) {}

    private static Setup funded() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201);
        return new Setup(partner, member);
    }

    private static ValidatableResponse holdWith(String partner, Map<String, Object> proof) {
        Map<String, Object> body = new HashMap<>(proof);
        body.putIfAbsent("partnerTxId", UUID.randomUUID().toString());
        body.putIfAbsent("storeCode", STORE);
        body.putIfAbsent("points", 100);
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/redemptions")
                .then();
    }

    private static void nothingHeld(String member) {
        balance(member).body("available", is(1000)).body("held", is(0));
    }

    @Test
    void aMemberIdOrACardNumberAloneNeverSpends() {
        Setup s = funded();
        holdWith(s.partner(), Map.of("memberId", s.member()))
                .statusCode(403)
                .body("code", is("member-authorization-required"));
        holdWith(s.partner(), Map.of("cardNumber", card(s.member())))
                .statusCode(403)
                .body("code", is("member-authorization-required"));
        // a member id beside a valid payment code is still not for partners
        holdWith(s.partner(), Map.of("memberId", s.member(), "paymentCode", paymentCode(s.member())))
                .statusCode(403)
                .body("code", is("member-authorization-required"));
        // a card with a PIN but no PIN set
        holdWith(s.partner(), Map.of("cardNumber", card(s.member()), "pin", "4831"))
                .statusCode(403)
                .body("code", is("pin-not-set"));
        nothingHeld(s.member());
    }

    @Test
    void thePinIsFourToSixDigitsNotTrivialAndStoredOnlyAsASlowHash() {
        Setup s = funded();
        for (String trivial : List.of("1111", "000000", "1234", "123456", "987654", "4321", "7890", "890123")) {
            given().auth()
                    .oauth2(TestTokens.member(s.member()))
                    .contentType("application/json")
                    .body(Map.of("pin", trivial))
                    .put("/ledger/v1/me/pin")
                    .then()
                    .statusCode(400)
                    .body("code", is("trivial-pin"));
        }
        for (String malformed : List.of("123", "1234567", "12a4", "", " 4831")) {
            given().auth()
                    .oauth2(TestTokens.member(s.member()))
                    .contentType("application/json")
                    .body(Map.of("pin", malformed))
                    .put("/ledger/v1/me/pin")
                    .then()
                    .statusCode(400)
                    .body("code", is("validation-failed"));
        }
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .get("/ledger/v1/me/pin")
                .then()
                .statusCode(200)
                .body("set", is(false));
        setPin(s.member(), "4831");
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .get("/ledger/v1/me/pin")
                .then()
                .statusCode(200)
                .body("set", is(true))
                .body("lockedUntil", nullValue())
                .body("pin", nullValue());
        String stored = transactions
                .run(c -> Sql.one(
                        c, "SELECT pin_hash FROM spending_pin WHERE member_id = ?", rs -> rs.getString(1), s.member()))
                .orElseThrow();
        assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
        assertFalse(stored.contains("4831"));
        // never in an event
        long inOutbox = transactions.run(c -> Sql.scalarLong(
                c,
                "SELECT count(*) FROM outbox_event WHERE payload LIKE '%\"pin\"%' "
                        + "OR payload LIKE '%argon2%' OR (event_key = ? AND payload LIKE '%\"4831\"%')",
                s.member()));
        assertEquals(0, inOutbox);
        // changing it needs the current one
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .contentType("application/json")
                .body(Map.of("pin", "5920"))
                .put("/ledger/v1/me/pin")
                .then()
                .statusCode(400)
                .body("code", is("validation-failed"));
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .contentType("application/json")
                .body(Map.of("pin", "5920", "currentPin", "1357"))
                .put("/ledger/v1/me/pin")
                .then()
                .statusCode(403)
                .body("code", is("wrong-pin"));
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .contentType("application/json")
                .body(Map.of("pin", "5920", "currentPin", "4831"))
                .put("/ledger/v1/me/pin")
                .then()
                .statusCode(204);
        holdWithPin(s.partner(), card(s.member()), "4831", 100).statusCode(403).body("code", is("wrong-pin"));
        holdWithPin(s.partner(), card(s.member()), "5920", 100).statusCode(201);
    }

    @Test
    void aWrongPinIsRefusedAndFiveInARowLockSpendingEverywhereInTheDatabase() throws Exception {
        Setup s = funded();
        String other = LedgerFixture.partner();
        setPin(s.member(), "4831");
        for (int i = 1; i <= 4; i++) {
            holdWithPin(s.partner(), card(s.member()), "1357", 100)
                    .statusCode(403)
                    .body("code", is("wrong-pin"));
        }
        nothingHeld(s.member());
        // the fifth wrong PIN locks, with Retry-After; the right PIN then fails too, at any partner
        holdWithPin(s.partner(), card(s.member()), "1357", 100)
                .statusCode(423)
                .body("code", is("spending-locked"))
                .header("Retry-After", notNullValue());
        holdWithPin(s.partner(), card(s.member()), "4831", 100).statusCode(423);
        holdWithPin(other, card(s.member()), "4831", 100).statusCode(423);
        nothingHeld(s.member());
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .get("/ledger/v1/me/pin")
                .then()
                .body("lockedUntil", notNullValue());
        // the lock is a row of the database (so it survives a restart and binds every instance)...
        var lockedUntil = lockedUntil(s.member());
        assertTrue(lockedUntil.isAfter(clock.instant().plus(Duration.ofMinutes(14))));
        // ...and the member is told (ledger.spending-locked, for the inbox)
        long told = transactions.run(c -> Sql.scalarLong(
                c,
                "SELECT count(*) FROM outbox_event WHERE event_type = 'ledger.spending-locked' " + "AND event_key = ?",
                s.member()));
        assertEquals(1, told);
        // a payment code from the member's own app still works while the PIN is locked
        holdWith(s.partner(), Map.of("paymentCode", paymentCode(s.member()))).statusCode(201);
        // after the lock time the right PIN works again and the count starts afresh
        clock.advance(Duration.ofMinutes(16));
        holdWithPin(s.partner(), card(s.member()), "4831", 100).statusCode(201);
        balance(s.member()).body("held", is(200));
    }

    /**
     * A thief with a card guessed five PINs every 15 minutes for ever (480 a day: a 4-digit PIN within weeks). Each
     * lock in a row without a right PIN lasts four times the one before, up to a week; a right PIN starts afresh.
     */
    @Test
    void locksInARowGrowLongerUntilARightPin() {
        Setup s = funded();
        setPin(s.member(), "4831");
        Duration[] expected = {
            Duration.ofMinutes(15),
            Duration.ofHours(1),
            Duration.ofHours(4),
            Duration.ofHours(16),
            Duration.ofHours(64),
            Duration.ofDays(7),
            Duration.ofDays(7)
        };
        for (Duration lock : expected) {
            // a till of another partner each time: one partner's wrong PINs are also bounded by its proof budget
            String till = LedgerFixture.partner();
            for (int i = 0; i < 5; i++) {
                holdWithPin(till, card(s.member()), "1357", 100).statusCode(i < 4 ? 403 : 423);
            }
            var lockedUntil = lockedUntil(s.member());
            // the lock's length from the moment of the fifth wrong PIN (the test clock runs on between the two reads)
            assertLockedFor(lock, lockedUntil);
            clock.advance(lock.minusSeconds(10));
            holdWithPin(till, card(s.member()), "4831", 100).statusCode(423);
            clock.advance(Duration.ofSeconds(10));
        }
        // a right PIN clears the run: the next lock is the first one again
        String till = LedgerFixture.partner();
        holdWithPin(till, card(s.member()), "4831", 100).statusCode(201);
        for (int i = 0; i < 5; i++) {
            holdWithPin(till, card(s.member()), "1357", 100);
        }
        assertLockedFor(Duration.ofMinutes(15), lockedUntil(s.member()));
    }

    /** A lock of {@code lock} set within the last few seconds of the test clock. */
    private void assertLockedFor(Duration lock, java.time.Instant lockedUntil) {
        Duration since = Duration.between(lockedUntil.minus(lock), clock.instant());
        assertTrue(!since.isNegative() && since.compareTo(Duration.ofSeconds(5)) < 0, lock + " until " + lockedUntil);
    }

    /** The member's PIN lock as the database holds it (a row: it survives restarts and binds every instance). */
    private java.time.Instant lockedUntil(String member) {
        return transactions
                .run(c -> Sql.one(
                        c,
                        "SELECT locked_until FROM spending_pin WHERE member_id = ?",
                        rs -> Sql.instant(rs, "locked_until"),
                        member))
                .orElseThrow();
    }

    @Test
    void anOperatorResetsAForgottenPinWithAReasonAndIsRecorded() {
        Setup s = funded();
        setPin(s.member(), "4831");
        for (int i = 0; i < 5; i++) {
            holdWithPin(s.partner(), card(s.member()), "1357", 100);
        }
        holdWithPin(s.partner(), card(s.member()), "4831", 100).statusCode(423);
        String reset = "/ledger/v1/accounts/" + s.member() + "/pin-reset";
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(Map.of())
                .post(reset)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.partner(s.partner()))
                .contentType("application/json")
                .body(Map.of("reason", "x"))
                .post(reset)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .contentType("application/json")
                .body(Map.of("reason", "x"))
                .post(reset)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(Map.of("reason", "ticket 77: identity checked by phone"))
                .post(reset)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TestTokens.member(s.member()))
                .get("/ledger/v1/me/pin")
                .then()
                .body("set", is(false));
        assertEquals(1L, (long) transactions.run(c -> Sql.scalarLong(
                c,
                "SELECT count(*) FROM spending_pin_reset WHERE member_id = ? "
                        + "AND reason = 'ticket 77: identity checked by phone' AND actor LIKE 'operator-%'",
                s.member())));
        setPin(s.member(), "5920");
        holdWithPin(s.partner(), card(s.member()), "5920", 100).statusCode(201);
    }

    @Test
    void aPaymentCodeIsSingleUseBoundToItsMemberAndExpires() {
        Setup s = funded();
        String code = paymentCode(s.member());
        assertEquals(16, code.length());
        holdWith(s.partner(), Map.of("paymentCode", code, "points", 300)).statusCode(201);
        // used: refused, at this partner and any other
        holdWith(s.partner(), Map.of("paymentCode", code)).statusCode(403).body("code", is("invalid-payment-code"));
        holdWith(LedgerFixture.partner(), Map.of("paymentCode", code))
                .statusCode(403)
                .body("code", is("invalid-payment-code"));
        // unknown
        holdWith(s.partner(), Map.of("paymentCode", "0000000000000000"))
                .statusCode(403)
                .body("code", is("invalid-payment-code"));
        // expired (3 minutes)
        String late = paymentCode(s.member());
        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        holdWith(s.partner(), Map.of("paymentCode", late)).statusCode(403).body("code", is("invalid-payment-code"));
        clock.reset();
        // a limit the member set
        String capped = given().auth()
                .oauth2(TestTokens.member(s.member()))
                .contentType("application/json")
                .body(Map.of("maxPoints", 50))
                .post("/ledger/v1/me/payment-codes")
                .then()
                .statusCode(201)
                .body("maxPoints", is(50))
                .body("expiresAt", notNullValue())
                .extract()
                .path("code");
        holdWith(s.partner(), Map.of("paymentCode", capped, "points", 51))
                .statusCode(422)
                .body("code", is("payment-code-limit"));
        holdWith(s.partner(), Map.of("paymentCode", capped, "points", 50)).statusCode(201);
        balance(s.member()).body("held", is(350)).body("available", is(650));
        // a retry of the same hold (same partnerTxId, same code) is the same hold, not a refusal
        String tx = UUID.randomUUID().toString();
        String again = paymentCode(s.member());
        String first = holdWith(s.partner(), Map.of("partnerTxId", tx, "paymentCode", again))
                .statusCode(201)
                .extract()
                .path("redemptionId");
        holdWith(s.partner(), Map.of("partnerTxId", tx, "paymentCode", again))
                .statusCode(200)
                .body("redemptionId", is(first));
        // only members get codes
        given().auth()
                .oauth2(TestTokens.partner(s.partner()))
                .post("/ledger/v1/me/payment-codes")
                .then()
                .statusCode(403);
    }

    /** The limit of live codes holds under a burst: issuances are counted one after the other (the member's row). */
    @Test
    void aBurstOfCodeRequestsNeverPassesTheLimitOfLiveCodes() throws Exception {
        String member = LedgerFixture.member();
        int max = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("pointmesh.ledger.payment-code-max-live", Integer.class);
        for (int i = 0; i < max - 5; i++) {
            paymentCode(member);
        }
        var results = LedgerConcurrencyTest.race(
                16,
                i -> given().auth()
                        .oauth2(TestTokens.member(member))
                        .post("/ledger/v1/me/payment-codes")
                        .then()
                        .extract()
                        .statusCode());
        assertEquals(5, results.stream().filter(r -> r == 201).count(), results.toString());
        assertTrue(results.stream().allMatch(r -> r == 201 || r == 429), results.toString());
    }

    @Test
    void twoPartnersRacingWithOneCodeSpendItOnce() throws Exception {
        Setup s = funded();
        String other = LedgerFixture.partner();
        String code = paymentCode(s.member());
        var results = LedgerConcurrencyTest.race(
                10,
                i -> holdWith(i % 2 == 0 ? s.partner() : other, Map.of("paymentCode", code, "points", 100))
                        .extract()
                        .statusCode());
        assertEquals(1, results.stream().filter(r -> r == 201).count(), results.toString());
        assertTrue(results.stream().allMatch(r -> r == 201 || r == 403 || r == 409), results.toString());
        balance(s.member()).body("held", is(100));
    }

    @Test
    void aPartnerThatKeepsFailingProofsIsSlowedDown() {
        Setup s = funded();
        for (int i = 0; i < 20; i++) {
            holdWith(s.partner(), Map.of("paymentCode", String.format("%016d", i)))
                    .statusCode(403);
        }
        // the budget is spent: even a valid code waits, with Retry-After; other partners are not affected
        String code = paymentCode(s.member());
        holdWith(s.partner(), Map.of("paymentCode", code))
                .statusCode(429)
                .body("code", is("rate-limited"))
                .header("Retry-After", notNullValue());
        holdWith(LedgerFixture.partner(), Map.of("paymentCode", code)).statusCode(201);
    }

    @Test
    void aPartnersGenuineHoldsAtRushHourAreNotRefusedByItsProofBudget() throws Exception {
        // more holds at once than the budget of failed proofs (20) has places: they queue for a place
        // held by an attempt in flight, they are not refused (a chain with many tills)
        String partner = LedgerFixture.partner();
        List<String> members = new java.util.ArrayList<>();
        List<String> codes = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String member = LedgerFixture.member();
            earn(partner, member, "100000").statusCode(201);
            members.add(member);
            codes.add(paymentCode(member));
        }
        var statuses = LedgerConcurrencyTest.race(
                40,
                i -> holdWith(partner, Map.of("paymentCode", codes.get(i)))
                        .extract()
                        .statusCode());
        assertTrue(statuses.stream().allMatch(st -> st == 201), statuses.toString());
        members.forEach(m -> balance(m).body("held", is(100)));
    }

    @Test
    void guessingPinsAcrossManyCardsInParallelIsBoundedByThePartnersBudget() throws Exception {
        String partner = LedgerFixture.partner();
        List<String> cards = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String member = LedgerFixture.member();
            setPin(member, "4831");
            cards.add(card(member));
        }
        // one wrong guess per card (so no member's own lock ever fires), all at once
        var statuses = LedgerConcurrencyTest.race(
                30, i -> holdWithPin(partner, cards.get(i), "1357", 1).extract().statusCode());
        assertEquals(20, statuses.stream().filter(st -> st == 403).count(), statuses.toString());
        assertEquals(10, statuses.stream().filter(st -> st == 429).count(), statuses.toString());
    }

    @Test
    void holdsTellAGuesserNothingAboutCardNumbers() {
        Setup s = funded();
        // unknown, and a real card with a malformed PIN: the PIN is checked before any card is looked up
        holdWith(s.partner(), Map.of("cardNumber", "no-such-card", "pin", "4831"))
                .statusCode(403)
                .body("code", is("card-not-usable"))
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(s.member())));
        holdWith(s.partner(), Map.of("cardNumber", "no-such-card", "pin", "x")).statusCode(400);
        holdWith(s.partner(), Map.of("cardNumber", card(s.member()), "pin", "x"))
                .statusCode(400);
    }

    @Test
    void operatorsHoldByMemberIdOnlyWithAReasonAndAreRecorded() {
        Setup s = funded();
        Map<String, Object> body = new HashMap<>(Map.of(
                "partnerTxId",
                UUID.randomUUID().toString(),
                "memberId",
                s.member(),
                "partnerId",
                s.partner(),
                "storeCode",
                STORE,
                "points",
                100));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/redemptions")
                .then()
                .statusCode(400)
                .body("errors[0].field", is("reason"));
        nothingHeld(s.member());
        body.put("reason", "ticket 4711: the member paid by phone");
        String id = given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/redemptions")
                .then()
                .statusCode(201)
                .extract()
                .path("redemptionId");
        var audit = transactions
                .run(c -> Sql.one(
                        c,
                        "SELECT method, actor, reason FROM redemption_authorization WHERE redemption_id = ?",
                        rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3)),
                        UUID.fromString(id)))
                .orElseThrow();
        assertEquals("OPERATOR", audit.get(0));
        assertTrue(audit.get(1).startsWith("operator-"), audit.get(1));
        assertEquals("ticket 4711: the member paid by phone", audit.get(2));
        // the partner captures it as its own
        given().auth()
                .oauth2(TestTokens.partner(s.partner()))
                .post("/ledger/v1/redemptions/" + id + "/capture")
                .then()
                .statusCode(200);
    }

    @Test
    void theDatabaseRefusesAHoldWithoutAnAuthorization() {
        Setup s = funded();
        // I14, below the service: a redemption row inserted with no authorization row fails at commit
        var failure = org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class,
                () -> transactions.run(c -> Sql.update(
                        c,
                        "INSERT INTO redemption (id, partner_id, partner_tx_id, request_hash, member_id, store_code, points, "
                                + "status, expires_at, created_at, updated_at) VALUES (gen_random_uuid(), ?, ?, 'h', ?, ?, 1, 'HELD', now(), "
                                + "now(), now())",
                        s.partner(),
                        UUID.randomUUID().toString(),
                        s.member(),
                        STORE)));
        assertTrue(String.valueOf(failure.getMessage()).contains("I14"), failure.getMessage());
    }

    @Test
    void staffSignInsAreReadOnlyAndASuspendedPartnerIsRefusedEverywhere() {
        Setup s = funded();
        String staff = TestTokens.partnerStaff(s.partner());
        String code = paymentCode(s.member());
        String redemption = holdWith(s.partner(), Map.of("paymentCode", code))
                .statusCode(201)
                .extract()
                .path("redemptionId");
        String earning =
                earn(s.partner(), s.member(), "1000").statusCode(201).extract().path("earningId");
        // writes: refused for staff, whatever the body
        for (String[] write : List.of(
                new String[] {"/ledger/v1/earnings", "{}"},
                new String[] {"/ledger/v1/earnings/" + earning + "/reversals", "{\"partnerTxId\":\"r\",\"amount\":1000}"
                },
                new String[] {"/ledger/v1/redemptions", "{}"},
                new String[] {"/ledger/v1/redemptions/" + redemption + "/capture", "{}"},
                new String[] {"/ledger/v1/redemptions/" + redemption + "/void", "{}"},
                new String[] {"/ledger/v1/redemptions/" + redemption + "/reversals", "{\"partnerTxId\":\"r\"}"})) {
            given().auth()
                    .oauth2(staff)
                    .contentType("application/json")
                    .body(write[1])
                    .post(write[0])
                    .then()
                    .statusCode(403)
                    .body("code", is("read-only-credentials"));
        }
        balance(s.member()).body("held", is(100));
        // reads: allowed
        given().auth()
                .oauth2(staff)
                .get("/ledger/v1/redemptions/" + redemption)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(staff)
                .get("/ledger/v1/earnings/" + earning)
                .then()
                .statusCode(200);
        // suspended: every token of the partner is refused within seconds, reads included
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerSuspended(s.partner(), "op", "unpaid invoices"));
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(s.partner()))
                        .get("/ledger/v1/redemptions/" + redemption)
                        .then()
                        .statusCode(403)
                        .body("code", is("partner-not-active")));
        given().auth()
                .oauth2(staff)
                .get("/ledger/v1/earnings/" + earning)
                .then()
                .statusCode(403)
                .body("code", is("partner-not-active"));
        given().auth()
                .oauth2(TestTokens.partner(s.partner()))
                .post("/ledger/v1/redemptions/" + redemption + "/void")
                .then()
                .statusCode(403)
                .body("code", is("partner-not-active"));
        given().auth()
                .oauth2(TestTokens.partner(s.partner()))
                .get("/ledger/v1/cards/" + card(s.member()) + "/balance")
                .then()
                .statusCode(403);
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerReinstated(s.partner(), "op", "paid"));
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(s.partner()))
                        .get("/ledger/v1/redemptions/" + redemption)
                        .then()
                        .statusCode(200));
    }
}
