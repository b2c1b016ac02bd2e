package io.pointmesh.ledger;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.TestTokens;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Sets up partners and members the way production does: by publishing partner.events and
 * member.events on the run's topics and waiting until the ledger has them.
 */
final class LedgerFixture {

    static final String STORE = "S001";

    private LedgerFixture() {}

    /** An active partner with store S001 and a 1 % earn rule (no pending period, 60 months' validity). */
    static String partner() {
        return partner(new BigDecimal("0.01"), 0);
    }

    static String partner(BigDecimal rate, int pendingDays) {
        return partner(rate, pendingDays, 60, 30, BigDecimal.ZERO);
    }

    /** An active partner whose one rule has these terms (as partner.events carries them, unchecked by partner-service). */
    static String partner(
            BigDecimal rate, int pendingDays, int validityMonths, int backdatingDays, BigDecimal minimumPurchase) {
        return partner(rate, pendingDays, validityMonths, backdatingDays, minimumPurchase, "mart");
    }

    /** An active partner of this category (its stores and rule as {@link #partner()}). */
    static String partnerIn(String category) {
        return partner(new BigDecimal("0.01"), 0, 60, 30, BigDecimal.ZERO, category);
    }

    static String partner(
            BigDecimal rate,
            int pendingDays,
            int validityMonths,
            int backdatingDays,
            BigDecimal minimumPurchase,
            String category) {
        String id = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerRegistered(id, "Partner " + id.substring(0, 6), "120-81-47521", category));
            publish(kafka, new StoreOpened(id, STORE, "Main store", StoreChannel.OFFLINE, "Seoul"));
            publish(
                    kafka,
                    new EarnRulePublished(
                            id,
                            1,
                            rate,
                            Map.of(),
                            Map.of(),
                            minimumPurchase,
                            null,
                            pendingDays,
                            validityMonths,
                            backdatingDays,
                            Instant.parse("2020-01-01T00:00:00Z")));
            publish(kafka, new MileageProgramPublished(id, "MILES", new BigDecimal("0.5"), 1000, 100));
            // last: events of one partner are applied in order, so ACTIVE means all of the above are in
            publish(kafka, new PartnerActivated(id, "partner-" + id, "op", "contract signed"));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/ledger/v1/partners/" + id)
                        .then()
                        .statusCode(200)
                        .body("status", org.hamcrest.Matchers.is("ACTIVE")));
        return id;
    }

    /** A member with a card (the card number is "card-" + member id). */
    static String member() {
        return member(null);
    }

    static String member(String referredBy) {
        String id = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new MemberJoined(id, card(id), "R" + id.substring(0, 6), referredBy, 1990, "F", "Seoul"));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/ledger/v1/accounts/" + id + "/balance")
                        .then()
                        .statusCode(200));
        return id;
    }

    /** {@code n} members with cards, published together (one Kafka client) and awaited together. */
    static java.util.List<String> members(int n) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (KafkaTestClient kafka = kafka()) {
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                publish(kafka, new MemberJoined(id, card(id), "R" + id.substring(0, 6), null, 1990, "F", "Seoul"));
            }
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> given().auth()
                            .oauth2(TestTokens.operator())
                            .get("/ledger/v1/accounts/" + id + "/balance")
                            .then()
                            .statusCode(200));
        }
        return ids;
    }

    static String card(String memberId) {
        return "card-" + memberId;
    }

    /** The partner's own ledger totals from yesterday to tomorrow (whole days of the ledger's zone, as partners must ask). */
    static ValidatableResponse partnerTotals(String partnerId) {
        java.time.ZoneId seoul = java.time.ZoneId.of("Asia/Seoul");
        Instant today = java.time.LocalDate.now(seoul).atStartOfDay(seoul).toInstant();
        return given().auth()
                .oauth2(TestTokens.partner(partnerId))
                .queryParam("from", today.minus(1, ChronoUnit.DAYS).toString())
                .queryParam("to", today.plus(2, ChronoUnit.DAYS).toString())
                .get("/ledger/v1/partners/" + partnerId + "/totals")
                .then()
                .statusCode(200);
    }

    static ValidatableResponse earn(String partnerId, String memberId, String amount) {
        return earn(
                partnerId,
                memberId,
                amount,
                UUID.randomUUID().toString(),
                Instant.now().minus(1, ChronoUnit.MINUTES));
    }

    static ValidatableResponse earn(String partnerId, String memberId, String amount, String txId, Instant occurredAt) {
        return given().auth()
                .oauth2(TestTokens.partner(partnerId))
                .contentType("application/json")
                .body(Map.of(
                        "partnerTxId",
                        txId,
                        "cardNumber",
                        card(memberId),
                        "storeCode",
                        STORE,
                        "amount",
                        new BigDecimal(amount),
                        "currency",
                        "KRW",
                        "occurredAt",
                        occurredAt.toString()))
                .post("/ledger/v1/earnings")
                .then();
    }

    static ValidatableResponse hold(String partnerId, String memberId, long points) {
        return hold(partnerId, memberId, points, UUID.randomUUID().toString());
    }

    /** The member's payment code per hold transaction id: a retried hold presents the same code, as a POS would. */
    private static final Map<String, String> CODES = new java.util.concurrent.ConcurrentHashMap<>();

    /** A hold with the member's say-so: a one-time payment code from the member's own token. */
    static ValidatableResponse hold(String partnerId, String memberId, long points, String txId) {
        String code = CODES.computeIfAbsent(txId, t -> paymentCode(memberId));
        return given().auth()
                .oauth2(TestTokens.partner(partnerId))
                .contentType("application/json")
                .body(Map.of("partnerTxId", txId, "paymentCode", code, "storeCode", STORE, "points", points))
                .post("/ledger/v1/redemptions")
                .then();
    }

    /** A one-time payment code, as the member's app asks for it. */
    static String paymentCode(String memberId) {
        return given().auth()
                .oauth2(TestTokens.member(memberId))
                .post("/ledger/v1/me/payment-codes")
                .then()
                .statusCode(201)
                .extract()
                .path("code");
    }

    /** Sets the member's spending PIN, as the app does. */
    static void setPin(String memberId, String pin) {
        given().auth()
                .oauth2(TestTokens.member(memberId))
                .contentType("application/json")
                .body(Map.of("pin", pin))
                .put("/ledger/v1/me/pin")
                .then()
                .statusCode(204);
    }

    static ValidatableResponse holdWithPin(String partnerId, String cardNumber, String pin, long points) {
        return given().auth()
                .oauth2(TestTokens.partner(partnerId))
                .contentType("application/json")
                .body(Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "cardNumber",
                        cardNumber,
                        "pin",
                        pin,
                        "storeCode",
                        STORE,
                        "points",
                        points))
                .post("/ledger/v1/redemptions")
                .then();
    }

    static ValidatableResponse balance(String memberId) {
        return given().auth()
                .oauth2(TestTokens.member(memberId))
                .get("/ledger/v1/me/balance")
                .then()
                .statusCode(200);
    }

    static long available(String memberId) {
        return balance(memberId).extract().jsonPath().getLong("available");
    }
}
