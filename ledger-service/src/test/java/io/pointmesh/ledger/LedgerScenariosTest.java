package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.STORE;
import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.card;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerFixture.hold;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.ledger.service.LedgerJobs;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestClock;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ledger's operations through its REST API, on the real database and broker, including the known bug classes. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LedgerScenariosTest {

    static final String DB = io.pointmesh.testing.PointmeshTestResource.testDatabase("ledger");

    @Inject
    TestClock clock;

    @Inject
    LedgerJobs jobs;

    @AfterEach
    void invariantsHoldAndTimeIsBack() {
        clock.reset();
        InvariantCheck.assertHolds(DB);
    }

    @Test
    void earnPricesThePurchaseAndARetryReturnsTheOriginal() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String tx = UUID.randomUUID().toString();
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String earningId = earn(partner, member, "12345", tx, at)
                .statusCode(201)
                .header("Location", notNullValue())
                .body(
                        "points",
                        is(123),
                        "breakdown.basePoints",
                        is(123),
                        "breakdown.gradeBonus",
                        is(0),
                        "memberId",
                        is(member),
                        "availableAt",
                        is(at.toString()),
                        "expiresAt",
                        notNullValue())
                .extract()
                .path("earningId");
        // same request again (a POS retry): the original result, not a second earning
        earn(partner, member, "12345.00", tx, at)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("earningId", is(earningId), "points", is(123));
        // same partnerTxId, different purchase: refused
        earn(partner, member, "99999", tx, at)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("idempotency-key-reused"));
        balance(member).body("available", is(123), "lifetimeEarned", is(123), "pending", is(0));
        // the event went out through the outbox
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(topic("ledger.events"), r -> r.value().contains(earningId), Duration.ofSeconds(30));
        }
        given().auth()
                .oauth2(TestTokens.member(member))
                .get("/ledger/v1/me/entries")
                .then()
                .statusCode(200)
                .body("entries", hasSize(1), "entries[0].kind", is("EARN"), "entries[0].points", is(123));
    }

    @Test
    void badEarnRequestsAreProblemsAndWriteNothing() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        Instant now = Instant.now();
        record Case(Map<String, Object> body, int status, String code) {}
        List<Case> cases = List.of(
                new Case(body(card(member), STORE, "1000", "KRW", now.minusSeconds(60)), 0, null),
                new Case(body("card-nobody", STORE, "1000", "KRW", now.minusSeconds(60)), 422, "unknown-card"),
                new Case(body(card(member), "NOPE", "1000", "KRW", now.minusSeconds(60)), 422, "unknown-store"),
                new Case(body(card(member), STORE, "-5", "KRW", now.minusSeconds(60)), 422, "invalid-amount"),
                new Case(body(card(member), STORE, "0", "KRW", now.minusSeconds(60)), 422, "invalid-amount"),
                new Case(
                        body(card(member), STORE, "1000000000000", "KRW", now.minusSeconds(60)), 422, "invalid-amount"),
                new Case(body(card(member), STORE, "100.5", "KRW", now.minusSeconds(60)), 422, "invalid-amount"),
                new Case(body(card(member), STORE, "1000", "XYZ", now.minusSeconds(60)), 422, "unsupported-currency"),
                new Case(
                        body(card(member), STORE, "1000", "KRW", now.plus(1, ChronoUnit.HOURS)),
                        422,
                        "occurred-in-future"),
                new Case(
                        body(card(member), STORE, "1000", "KRW", now.minus(31, ChronoUnit.DAYS)),
                        422,
                        "occurred-too-long-ago"));
        for (Case c : cases.subList(1, cases.size())) {
            given().auth()
                    .oauth2(TestTokens.partner(partner))
                    .contentType("application/json")
                    .body(c.body())
                    .post("/ledger/v1/earnings")
                    .then()
                    .statusCode(c.status())
                    .contentType("application/problem+json")
                    .body("code", is(c.code()));
        }
        Map<String, Object> missing = new java.util.HashMap<>(cases.get(0).body());
        missing.remove("partnerTxId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(missing)
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(400)
                .body("code", is("validation-failed"));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body("{\"amount\": \"lots\"}")
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(400);
        balance(member).body("available", is(0), "lifetimeEarned", is(0));
        given().auth()
                .oauth2(TestTokens.member(member))
                .get("/ledger/v1/me/entries")
                .then()
                .body("entries", hasSize(0));

        // a suspended member, and a suspended partner, cannot earn
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new MemberSuspended(member, "op", "fraud check"));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> earn(partner, member, "1000").statusCode(422).body("code", is("member-not-active")));
        String other = LedgerFixture.member();
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerSuspended(partner, "op", "unpaid"));
        }
        // refused by the ledger's directory (422) as soon as the event is applied, and by every endpoint's partner
        // check (403, platform's PartnerAccessFilter) once the barred list is refreshed: either way, nothing is earned
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> earn(partner, other, "1000")
                        .statusCode(org.hamcrest.Matchers.oneOf(403, 422))
                        .body("code", is("partner-not-active")));
        balance(other).body("available", is(0));
    }

    static Map<String, Object> body(String cardNumber, String store, String amount, String currency, Instant at) {
        return Map.of(
                "partnerTxId",
                UUID.randomUUID().toString(),
                "cardNumber",
                cardNumber,
                "storeCode",
                store,
                "amount",
                new BigDecimal(amount),
                "currency",
                currency,
                "occurredAt",
                at.toString());
    }

    @Test
    void earnRedeemRefundInFullLeavesNoPointsWithTheMember() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String earningId = earn(
                        partner,
                        member,
                        "100000",
                        UUID.randomUUID().toString(),
                        Instant.now().minusSeconds(60))
                .statusCode(201)
                .body("points", is(1000))
                .extract()
                .path("earningId");
        String redemption = hold(partner, member, 600)
                .statusCode(201)
                .body("status", is("HELD"))
                .extract()
                .path("redemptionId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("points", 600))
                .post("/ledger/v1/redemptions/" + redemption + "/capture")
                .then()
                .statusCode(200)
                .body("status", is("CAPTURED"));
        // the purchase is refunded in full: the 1000 points go back, though 600 were spent
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("partnerTxId", "refund-" + earningId, "amount", 100000))
                .post("/ledger/v1/earnings/" + earningId + "/reversals")
                .then()
                .statusCode(201)
                .body("points", is(1000), "debtIncurred", is(600));
        balance(member).body("available", is(0), "debt", is(600), "lifetimeEarned", is(0), "spent", is(600));
        // debt blocks redemption
        hold(partner, member, 1).statusCode(422).body("code", is("debt-outstanding"));
        // and later earnings repay it first
        earn(partner, member, "70000").statusCode(201).body("points", is(700));
        balance(member).body("available", is(100), "debt", is(0));
    }

    @Test
    void partialRefundsAreProportionalAndNeverExceedTheEarning() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String earningId = earn(partner, member, "10000")
                .statusCode(201)
                .body("points", is(100))
                .extract()
                .path("earningId");
        reverse(partner, earningId, "2500").statusCode(201).body("points", is(25), "debtIncurred", is(0));
        reverse(partner, earningId, "3333").statusCode(201).body("points", is(33));
        reverse(partner, earningId, "4168").statusCode(422).body("code", is("refund-exceeds-purchase"));
        reverse(partner, earningId, "4167").statusCode(201).body("points", is(42));
        balance(member).body("available", is(0), "lifetimeEarned", is(0));
    }

    static io.restassured.response.ValidatableResponse reverse(String partner, String earningId, String amount) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("partnerTxId", UUID.randomUUID().toString(), "amount", new BigDecimal(amount)))
                .post("/ledger/v1/earnings/" + earningId + "/reversals")
                .then();
    }

    @Test
    void expiryAfterAPartialSpendExpiresOnlyTheRest() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "100000").statusCode(201).body("points", is(1000));
        String r = hold(partner, member, 300).statusCode(201).extract().path("redemptionId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/ledger/v1/redemptions/" + r + "/capture")
                .then()
                .statusCode(200);
        clock.advance(Duration.ofDays(60 * 31 + 2));
        // the balance shows the truth before the job runs, and the job then writes it
        balance(member).body("available", is(0), "expired", is(700), "spent", is(300));
        assertTrue(jobs.matureAndExpire() >= 1);
        balance(member).body("available", is(0), "expired", is(700), "spent", is(300), "lifetimeEarned", is(1000));
        jobs.matureAndExpire();
        assertEquals(1, countExpiryTransfers(member));
    }

    @Test
    void membersAreToldBeforePointsExpire() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "50000").statusCode(201);
        long lifetime = ChronoUnit.DAYS.between(
                java.time.LocalDate.now(), java.time.LocalDate.now().plusMonths(60));
        clock.advance(Duration.ofDays(lifetime - 45));
        balance(member).body("expiringSoon", hasSize(0));
        clock.advance(Duration.ofDays(20));
        balance(member).body("expiringSoon", hasSize(1), "expiringSoon[0].points", is(500));
        while (jobs.noticeExpiring() > 0) {
            // drain: lots of other tests may be due as well
        }
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("ledger.events"),
                    rec -> rec.value().contains("ledger.points-expiring")
                            && rec.value().contains(member),
                    Duration.ofSeconds(30));
        }
    }

    @Test
    void aLapsedHoldFreesItsPoints() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        double lapsedBefore = OutboxCrashTest.metric("pointmesh_holds_lapsed_total", "partner_category=\"mart\"");
        earn(partner, member, "50000").statusCode(201);
        String r = hold(partner, member, 200).statusCode(201).extract().path("redemptionId");
        balance(member).body("available", is(300), "held", is(200));
        clock.advance(Duration.ofMinutes(16));
        assertTrue(jobs.lapseHolds() >= 1);
        balance(member).body("available", is(500), "held", is(0));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/redemptions/" + r)
                .then()
                .body("status", is("LAPSED"));
        // operations see lapsing holds (a POS failing after the hold) in the metrics, by partner category
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() ->
                        assertTrue(OutboxCrashTest.metric("pointmesh_holds_lapsed_total", "partner_category=\"mart\"")
                                >= lapsedBefore + 1));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/ledger/v1/redemptions/" + r + "/capture")
                .then()
                .statusCode(409)
                .body("code", is("hold-lapsed")); // lapsed by the job: a capture is told so, as a retry of one is
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/ledger/v1/redemptions/" + r + "/capture")
                .then()
                .statusCode(409)
                .body("code", is("hold-lapsed"));
    }

    @Test
    void partialCaptureVoidAndRedemptionReversalKeepExpiry() throws SQLException {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "50000").statusCode(201);
        String voided = hold(partner, member, 100).statusCode(201).extract().path("redemptionId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/ledger/v1/redemptions/" + voided + "/void")
                .then()
                .statusCode(200)
                .body("status", is("VOIDED"));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/ledger/v1/redemptions/" + voided + "/void")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true");
        String r = hold(partner, member, 400).statusCode(201).extract().path("redemptionId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("points", 500))
                .post("/ledger/v1/redemptions/" + r + "/capture")
                .then()
                .statusCode(422)
                .body("code", is("invalid-capture"));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("points", 250))
                .post("/ledger/v1/redemptions/" + r + "/capture")
                .then()
                .statusCode(200)
                .body("capturedPoints", is(250));
        balance(member).body("available", is(250), "held", is(0), "spent", is(250));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of("partnerTxId", "cancel-" + r))
                .post("/ledger/v1/redemptions/" + r + "/reversals")
                .then()
                .statusCode(200)
                .body("status", is("REVERSED"));
        balance(member).body("available", is(500), "spent", is(0));
        // one lot, back to full, with its original expiry
        assertEquals(
                List.of("500/500"),
                rows("SELECT remaining || '/' || points FROM lot WHERE member_id = '" + member + "'"));
    }

    @Test
    void giftsKeepTheGiversExpiryAndRespectLimits() throws SQLException {
        String partner = LedgerFixture.partner();
        String giver = LedgerFixture.member();
        String receiver = LedgerFixture.member();
        earn(partner, giver, "100000").statusCode(201);
        gift(giver, card(receiver), 300, "g1").statusCode(201).body("points", is(300));
        gift(giver, card(receiver), 300, "g1").statusCode(200).header("Idempotent-Replayed", "true");
        gift(giver, card(receiver), 301, "g1").statusCode(409);
        gift(giver, card(giver), 1, "self").statusCode(422).body("code", is("self-gift"));
        gift(giver, card(receiver), 50001, "big").statusCode(422).body("code", is("gift-limit"));
        gift(giver, card(receiver), 701, "much").statusCode(422).body("code", is("insufficient-points"));
        // an unknown card and a suspended member's card answer alike, and name nobody (the answer named
        // the holder's member id, and told unknown, blocked and suspended apart)
        String suspended = LedgerFixture.member();
        rows("UPDATE member_directory SET status = 'SUSPENDED' WHERE member_id = '" + suspended
                + "' RETURNING member_id");
        for (String to : new String[] {"9400000000000000", card(suspended)}) {
            gift(giver, to, 10, "who-" + to)
                    .statusCode(422)
                    .body(
                            "code",
                            is("recipient-not-usable"),
                            "detail",
                            org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(suspended)));
        }
        balance(giver).body("available", is(700));
        balance(giver).body("available", is(700), "spent", is(300));
        balance(receiver).body("available", is(300));
        assertEquals(
                rows("SELECT expires_at::text FROM lot WHERE member_id = '" + giver + "'"),
                rows("SELECT expires_at::text FROM lot WHERE member_id = '" + receiver + "'"));
    }

    static io.restassured.response.ValidatableResponse gift(String member, String toCard, long points, String key) {
        return given().auth()
                .oauth2(TestTokens.member(member))
                .contentType("application/json")
                .header("Idempotency-Key", key)
                .body(Map.of("recipientCardNumber", toCard, "points", points))
                .post("/ledger/v1/me/gifts")
                .then();
    }

    @Test
    void conversionsFollowTheMileagePartnersRateMinimumAndStep() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "500000").statusCode(201).body("points", is(5000));
        convert(member, partner, 900).statusCode(422).body("code", is("invalid-conversion"));
        convert(member, partner, 1050).statusCode(422).body("code", is("invalid-conversion"));
        convert(member, "no-such-partner", 1000).statusCode(422).body("code", is("unknown-mileage-partner"));
        convert(member, partner, 1200).statusCode(201).body("miles", is(600), "points", is(1200));
        balance(member).body("available", is(3800), "spent", is(1200));
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + partner + "/totals?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z")
                .then()
                .statusCode(200)
                .body("pointsIssued", is(5000), "pointsConverted", is(1200));
        // a rate under a mile a point with a step of one: points that buy no mile are refused, not taken
        try (KafkaTestClient kafka = kafka()) {
            publish(
                    kafka,
                    new io.pointmesh.events.partner.MileageProgramPublished(
                            partner, "MILES", new BigDecimal("0.3"), 1, 1));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT miles_per_point::text FROM mileage_program WHERE partner_id = '" + partner
                                + "'")
                        .equals(List.of("0.3")));
        convert(member, partner, 1).statusCode(422).body("code", is("invalid-conversion"));
        convert(member, partner, 3).statusCode(422).body("code", is("invalid-conversion"));
        convert(member, partner, 4).statusCode(201).body("miles", is(1), "points", is(4));
        balance(member).body("available", is(3796), "spent", is(1204));
    }

    static io.restassured.response.ValidatableResponse convert(String member, String partner, long points) {
        return given().auth()
                .oauth2(TestTokens.member(member))
                .contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("mileagePartnerId", partner, "points", points))
                .post("/ledger/v1/me/conversions")
                .then();
    }

    @Test
    void adjustmentsAreForOperatorsWithAReason() {
        String member = LedgerFixture.member();
        Map<String, Object> credit = Map.of("memberId", member, "points", 500, "reason", "goodwill after a failed POS");
        given().auth()
                .oauth2(TestTokens.partner("p"))
                .contentType("application/json")
                .body(credit)
                .post("/ledger/v1/adjustments")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(Map.of("memberId", member, "points", 500))
                .post("/ledger/v1/adjustments")
                .then()
                .statusCode(400);
        // without a key an operator's retry after a timeout would credit twice: refused, nothing posted
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .body(credit)
                .post("/ledger/v1/adjustments")
                .then()
                .statusCode(400)
                .body("code", is("validation-failed"), "errors[0].field", is("Idempotency-Key"));
        balance(member).body("available", is(0));
        String key = java.util.UUID.randomUUID().toString();
        for (int attempt = 0; attempt < 2; attempt++) {
            given().auth()
                    .oauth2(TestTokens.operator())
                    .contentType("application/json")
                    .header("Idempotency-Key", key)
                    .body(credit)
                    .post("/ledger/v1/adjustments")
                    .then()
                    .statusCode(attempt == 0 ? 201 : 200)
                    .body("actor", notNullValue(), "points", is(500));
        }
        balance(member).body("available", is(500));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType("application/json")
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .body(Map.of("memberId", member, "points", -800, "reason", "duplicate credit"))
                .post("/ledger/v1/adjustments")
                .then()
                .statusCode(201);
        balance(member).body("available", is(0), "debt", is(300));
    }

    @Test
    void aReferredMembersFirstEarningPaysBothOnce() {
        String partner = LedgerFixture.partner();
        String referrer = LedgerFixture.member();
        String referred = LedgerFixture.member(referrer);
        earn(partner, referred, "50000").statusCode(201); // 500 base points: it qualifies
        earn(partner, referred, "50000").statusCode(201);
        balance(referred).body("available", is(2000));
        balance(referrer).body("available", is(1000));
    }

    @Test
    void pendingPointsBecomeAvailableAfterThePendingPeriod() {
        String partner = LedgerFixture.partner(new BigDecimal("0.02"), 7);
        String member = LedgerFixture.member();
        earn(partner, member, "10000").statusCode(201).body("points", is(200));
        balance(member).body("available", is(0), "pending", is(200));
        hold(partner, member, 1).statusCode(422).body("code", is("insufficient-points"));
        clock.advance(Duration.ofDays(8));
        balance(member).body("available", is(200), "pending", is(0));
        jobs.matureAndExpire();
        balance(member).body("available", is(200), "pending", is(0));
        hold(partner, member, 200).statusCode(201);
    }

    @Test
    void partnerTotalsAddUpTheLedger() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String e = earn(partner, member, "100000").statusCode(201).extract().path("earningId");
        String r = hold(partner, member, 400).statusCode(201).extract().path("redemptionId");
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post("/ledger/v1/redemptions/" + r + "/capture")
                .then()
                .statusCode(200);
        reverse(partner, e, "50000").statusCode(201);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                // a partner's whole days are the ledger's (Asia/Seoul) days
                .get("/ledger/v1/partners/" + partner + "/totals?from=2019-12-31T15:00:00Z&to=2099-12-31T15:00:00Z")
                .then()
                .statusCode(200)
                .body(
                        "pointsIssued",
                        is(1000),
                        "pointsIssuedReversed",
                        is(500),
                        "pointsRedeemed",
                        is(400),
                        "pointsRedemptionReversed",
                        is(0));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/partners/" + partner + "/totals?from=yesterday")
                .then()
                .statusCode(400);
    }

    /** Settlement cuts periods by the events' time: it must be the postings' own time, not a later clock read. */
    @Test
    void eventsCarryThePostingTimeAndTheNetworksShare() throws SQLException {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String e = earn(partner, member, "100000").statusCode(201).extract().path("earningId");
        String r = reverse(partner, e, "50000").statusCode(201).extract().path("reversalId");
        for (String ref : List.of(e, r)) {
            List<String> found = rows(
                    "SELECT (o.payload::jsonb->>'time')::timestamptz = t.posted_at FROM outbox_event o, transfer t "
                            + "WHERE o.event_type IN ('ledger.points-earned', 'ledger.earning-reversed') AND t.ref::text = '"
                            + ref + "' "
                            + "AND '" + ref
                            + "' IN (o.payload::jsonb->'data'->>'earningId', o.payload::jsonb->'data'->>'reversalId') "
                            + "AND o.event_type = CASE WHEN t.kind = 'EARN' THEN 'ledger.points-earned' ELSE 'ledger.earning-reversed' END");
            assertFalse(found.isEmpty(), "the event and its postings are found");
            assertTrue(found.stream().allMatch("t"::equals), "event time equals posted_at for " + ref);
        }
        List<String> shares =
                rows("SELECT payload::jsonb->'data'->>'networkFundedPoints' FROM outbox_event WHERE event_type = "
                        + "'ledger.points-earned' AND payload::jsonb->'data'->>'earningId' = '" + e + "'");
        assertEquals(List.of("0"), shares, "no network campaign and no grade: the partner funds every point");
    }

    private long countExpiryTransfers(String member) {
        try {
            return Long.parseLong(
                    rows("SELECT count(*) FROM transfer WHERE kind = 'EXPIRY' AND debit_account = 'member:" + member
                                    + "'")
                            .get(0));
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static List<String> rows(String sql) throws SQLException {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/" + DB;
        try (Connection c = DriverManager.getConnection(url, "ledger", "ledger");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
