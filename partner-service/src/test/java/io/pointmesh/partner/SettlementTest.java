package io.pointmesh.partner;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publishAt;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Settlement from ledger events (published here as the ledger would, with the postings' times):
 * the arithmetic, exactly-once counting under redelivery, immutability, late postings, the
 * monthly close, exports and access. That a statement equals the ledger's own totals is proven
 * against the real ledger in the end-to-end suite (SettlementE2ETest).
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class SettlementTest {

    static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    /** A month that has surely ended, grace period included. */
    static final YearMonth MONTH = YearMonth.now(SEOUL).minusMonths(2);

    static Instant at(int day, int hour) {
        return LocalDateTime.of(MONTH.atDay(day), java.time.LocalTime.of(hour, 0))
                .atZone(SEOUL)
                .toInstant();
    }

    static PointsEarned earned(String partner, long points, long networkFunded) {
        return earned(partner, UUID.randomUUID().toString(), points, networkFunded);
    }

    /** Ledger events are keyed by member: one member's events reach the consumer in order. */
    static PointsEarned earned(String partner, String member, long points, long networkFunded) {
        return new PointsEarned(
                UUID.randomUUID().toString(),
                member,
                partner,
                "S1",
                UUID.randomUUID().toString(),
                new BigDecimal("10000"),
                "KRW",
                Instant.now(),
                points,
                points - networkFunded,
                List.of(),
                BigDecimal.ONE,
                Instant.now(),
                Instant.now(),
                networkFunded);
    }

    static String settlements(String partner) {
        return "/partners/v1/partners/" + partner + "/settlements";
    }

    static ValidatableResponse close(String partner, LocalDate start, LocalDate end) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("periodStart", start.toString(), "periodEnd", end.toString()))
                .post(settlements(partner))
                .then();
    }

    static ValidatableResponse preview(String partner, LocalDate start, LocalDate end) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .get(settlements(partner) + "/preview?periodStart=" + start + "&periodEnd=" + end)
                .then()
                .statusCode(200);
    }

    /** Waits until the consumer has recorded {@code facts} of the partner's postings before {@code end}. */
    static void awaitFacts(String partner, LocalDate start, LocalDate end, int facts) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            int seen = preview(partner, start, end).extract().path("facts");
            if (seen == facts) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("settlement saw " + seen + " facts of " + partner + ", expected " + facts);
            }
            sleep(200);
        }
    }

    @Test
    void aStatementNetsThePartnersPostingsCountsEachOnceAndNeverChanges() throws SQLException {
        String partner = PartnerLifecycleTest.register();
        String other = PartnerLifecycleTest.register();
        LocalDate first = MONTH.atDay(1);
        LocalDate mid = MONTH.atDay(15);
        try (KafkaTestClient kafka = kafka()) {
            String member = UUID.randomUUID().toString();
            PointsEarned big = earned(partner, member, 1200, 200);
            String bigValue = publishAt(kafka, big, at(2, 10));
            // Kafka redelivers the same record; the ledger's outbox could publish the same posting again
            TestEvents.redeliver(kafka, big, bigValue);
            publishAt(kafka, big, at(2, 10));
            publishAt(kafka, earned(partner, member, 500, 0), at(3, 11));
            publishAt(
                    kafka,
                    new EarningReversed(
                            UUID.randomUUID().toString(),
                            big.earningId(),
                            member,
                            partner,
                            "tx",
                            new BigDecimal("2500"),
                            300,
                            0,
                            50),
                    at(4, 12));
            publishAt(
                    kafka,
                    new RedemptionCaptured(UUID.randomUUID().toString(), member, partner, "S1", 800, 0),
                    at(5, 9));
            publishAt(
                    kafka,
                    new RedemptionReversed(
                            UUID.randomUUID().toString(), UUID.randomUUID().toString(), member, partner, 100),
                    at(6, 9));
            publishAt(kafka, new PointsConverted(UUID.randomUUID().toString(), member, other, 1000, 500), at(7, 9));
            // the first day after the period, in Seoul: not this statement's
            publishAt(
                    kafka,
                    earned(partner, member, 70, 0),
                    mid.plusDays(1).atStartOfDay(SEOUL).toInstant());
        }
        awaitFacts(partner, first, MONTH.atEndOfMonth(), 6);
        awaitFacts(other, first, MONTH.atEndOfMonth(), 1);

        // issued 1700 - 200 network-funded = 1500, reversed 300 - 50 = 250; fee 5 % of 1250 = 62.5 -> 63 (KRW, half up)
        // reimbursed 800 - 100 = 700; net = 1250 + 63 - 700 = 613, owed by the partner
        String id = close(partner, first, mid)
                .statusCode(201)
                .body(
                        "status",
                        is("CLOSED"),
                        "periodStart",
                        is(first.toString()),
                        "periodEnd",
                        is(mid.toString()),
                        "pointsIssued",
                        is(1500),
                        "pointsIssuedReversed",
                        is(250),
                        "networkFundedPoints",
                        is(200),
                        "networkFundedReversed",
                        is(50),
                        "pointsRedeemed",
                        is(800),
                        "pointsRedeemedReversed",
                        is(100),
                        "pointsConverted",
                        is(0),
                        "facts",
                        is(5),
                        "lateFacts",
                        is(0),
                        "currency",
                        is("KRW"),
                        "issuedAmount",
                        is(1250),
                        "networkFee",
                        is(63),
                        "reimbursedAmount",
                        is(700),
                        "netAmount",
                        is(613),
                        "partnerOwes",
                        is(613),
                        "networkOwes",
                        is(0),
                        "closedBy",
                        startsWith("operator"))
                .extract()
                .path("statementId");
        // the mileage partner is owed for the points converted to its miles
        close(other, first, MONTH.atEndOfMonth())
                .statusCode(201)
                .body(
                        "pointsConverted",
                        is(1000),
                        "reimbursedAmount",
                        is(1000),
                        "netAmount",
                        is(-1000),
                        "networkOwes",
                        is(1000));

        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(settlements(partner))
                .then()
                .statusCode(200)
                .body("$", hasSize(1), "[0].statementId", is(id), "[0].netAmount", is(613));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(settlements(partner) + "/" + id)
                .then()
                .statusCode(200)
                .body("statementId", is(id), "pointsIssued", is(1500));
        String csv = given().auth()
                .oauth2(TestTokens.partner(partner))
                .accept("text/csv")
                .get(settlements(partner) + "/" + id)
                .then()
                .statusCode(200)
                .contentType(containsString("text/csv"))
                .header("Content-Disposition", containsString("settlement-" + id + ".csv"))
                .extract()
                .asString();
        String[] lines = csv.split("\r\n");
        assertEquals(2, lines.length, csv);
        assertTrue(lines[0].startsWith("statementId,partnerId,status,periodStart,periodEnd"), lines[0]);
        Map<String, String> row = row(lines[0], lines[1]);
        assertEquals("1500", row.get("pointsIssued"));
        assertEquals("613", row.get("netAmount"));
        assertEquals("63", row.get("networkFee"));

        // closed periods are closed: again, overlapping, or not yet ended
        close(partner, first, mid).statusCode(409).body("code", is("period-overlaps"));
        close(partner, first.plusDays(3), mid.plusDays(3)).statusCode(409).body("code", is("period-overlaps"));
        LocalDate today = LocalDate.now(SEOUL);
        close(partner, mid.plusDays(1), today).statusCode(409).body("code", is("period-not-ended"));

        // a posting of the closed period that arrives late is settled next time, not lost
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, earned(partner, 40, 0), at(10, 8));
        }
        awaitFacts(partner, mid.plusDays(1), MONTH.atEndOfMonth(), 2);
        close(partner, mid.plusDays(1), MONTH.atEndOfMonth())
                .statusCode(201)
                .body(
                        "pointsIssued",
                        is(110),
                        "facts",
                        is(2),
                        "lateFacts",
                        is(1),
                        "issuedAmount",
                        is(110),
                        "networkFee",
                        is(6),
                        "netAmount",
                        is(116));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .accept("text/csv")
                .get(settlements(partner))
                .then()
                .statusCode(200)
                .body(containsString(id));
        assertEquals(
                3,
                given().auth()
                        .oauth2(TestTokens.partner(partner))
                        .accept("text/csv")
                        .get(settlements(partner))
                        .then()
                        .extract()
                        .asString()
                        .split("\r\n")
                        .length);

        // the database refuses to change a closed statement or a settled fact
        assertThrows(
                SQLException.class,
                () -> sql("UPDATE settlement_statement SET net_amount = 0 WHERE id = '" + id + "'"));
        assertThrows(SQLException.class, () -> sql("DELETE FROM settlement_statement WHERE id = '" + id + "'"));
        assertThrows(
                SQLException.class,
                () -> sql("UPDATE settlement_fact SET points_issued = 1 WHERE statement_id = '" + id + "'"));
        assertThrows(
                SQLException.class,
                () -> sql("UPDATE settlement_fact SET statement_id = NULL WHERE statement_id = '" + id + "'"));

        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("partner.events"),
                    r -> r.key().equals(partner)
                            && r.value().contains("partner.settlement-closed")
                            && r.value().contains(id)
                            && r.value().contains("\"netAmount\":613"),
                    Duration.ofSeconds(10));
        }
    }

    /** A bulk award the partner funded is its issuance, each member's credit once; one the network funded is not. */
    @Test
    void aPartnerFundedAwardCountsAsThePartnersIssuanceOnce() {
        String partner = PartnerLifecycleTest.register();
        LocalDate first = MONTH.atDay(1);
        try (KafkaTestClient kafka = kafka()) {
            String member = UUID.randomUUID().toString();
            PointsAwarded awarded =
                    new PointsAwarded("winter-thanks", member, partner, FundedBy.PARTNER, 300, "thank you", "CMP-1");
            TestEvents.redeliver(kafka, awarded, publishAt(kafka, awarded, at(3, 10)));
            publishAt(
                    kafka,
                    new PointsAwarded(
                            "winter-thanks",
                            UUID.randomUUID().toString(),
                            partner,
                            FundedBy.PARTNER,
                            300,
                            "thank you",
                            null),
                    at(3, 10));
            publishAt(
                    kafka,
                    new PointsAwarded("network-promo", member, null, FundedBy.NETWORK, 500, "network promotion", null),
                    at(3, 11));
            publishAt(kafka, earned(partner, member, 100, 0), at(4, 10));
        }
        awaitFacts(partner, first, MONTH.atEndOfMonth(), 3);
        preview(partner, first, MONTH.atEndOfMonth()).body("pointsIssued", is(700), "networkFundedPoints", is(0));
    }

    /**
     * Award ids are unique per owner only: an operator's award of the partner's funds and the partner's own award may
     * share an id, and both credits are the partner's issuance (keyed by award id alone, the second was dropped).
     */
    @Test
    void anOperatorsAwardAndThePartnersOwnOfTheSameIdAreBothIssuance() {
        String partner = PartnerLifecycleTest.register();
        LocalDate first = MONTH.atDay(1);
        String member = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            publishAt(
                    kafka,
                    new PointsAwarded("spring", member, partner, FundedBy.PARTNER, 300, "network", null, "network"),
                    at(3, 10));
            publishAt(
                    kafka,
                    new PointsAwarded("spring", member, partner, FundedBy.PARTNER, 200, "own", null, partner),
                    at(3, 11));
            // nor can the partner name its own award so that its key is the operator's
            publishAt(
                    kafka,
                    new PointsAwarded("network:spring", member, partner, FundedBy.PARTNER, 40, "own", null, partner),
                    at(3, 12));
        }
        awaitFacts(partner, first, MONTH.atEndOfMonth(), 3);
        preview(partner, first, MONTH.atEndOfMonth()).body("pointsIssued", is(540));
    }

    /**
     * Points members spent on the partner's rewards are reimbursed like redemptions, on their own
     * line; a cancelled or failed order's refund takes them back; network rewards are nobody's.
     */
    @Test
    void rewardOrdersAreReimbursedOnTheirOwnLine() {
        String partner = PartnerLifecycleTest.register();
        String member = UUID.randomUUID().toString();
        String reward = UUID.randomUUID().toString();
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            RewardOrdered first = new RewardOrdered(a, reward, member, partner, "Mug", "SHIPPING", 600);
            TestEvents.redeliver(kafka, first, publishAt(kafka, first, at(2, 10)));
            publishAt(kafka, new RewardOrdered(b, reward, member, partner, "Mug", "SHIPPING", 200), at(3, 10));
            publishAt(kafka, new RewardOrderCancelled(b, reward, member, partner, 200), at(4, 10));
            publishAt(kafka, new RewardOrdered(c, reward, member, partner, "Code", "COUPON_CODE", 300), at(5, 10));
            publishAt(kafka, new RewardOrderFulfilled(c, reward, member, partner, 300), at(5, 10));
            publishAt(
                    kafka,
                    new RedemptionCaptured(UUID.randomUUID().toString(), member, partner, "S1", 100, 0),
                    at(7, 9));
            // a network reward: no partner settles it
            publishAt(
                    kafka,
                    new RewardOrdered(UUID.randomUUID().toString(), reward, member, null, "Tote", "SHIPPING", 999),
                    at(8, 9));
        }
        LocalDate first = MONTH.atDay(1);
        LocalDate last = MONTH.atEndOfMonth();
        awaitFacts(partner, first, last, 5);
        // reimbursed 100 + (600 + 200 + 300) - 200 = 1000, owed by the network
        close(partner, first, last)
                .statusCode(201)
                .body(
                        "pointsRedeemed",
                        is(100),
                        "pointsRedeemedRewards",
                        is(1100),
                        "pointsRedeemedRewardsReversed",
                        is(200),
                        "facts",
                        is(5),
                        "reimbursedAmount",
                        is(1000),
                        "netAmount",
                        is(-1000),
                        "networkOwes",
                        is(1000));
        String csv = given().auth()
                .oauth2(TestTokens.partner(partner))
                .accept("text/csv")
                .get(settlements(partner))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String[] lines = csv.split("\r\n");
        Map<String, String> row = row(lines[0], lines[1]);
        assertEquals("1100", row.get("pointsRedeemedRewards"));
        assertEquals("200", row.get("pointsRedeemedRewardsReversed"));
        // stored and read back as closed
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(settlements(partner))
                .then()
                .statusCode(200)
                .body("[0].pointsRedeemedRewards", is(1100), "[0].pointsRedeemedRewardsReversed", is(200));
    }

    @Test
    void theMonthlyCloseSettlesEveryActivatedPartnerOnce() throws SQLException {
        String active = PartnerLifecycleTest.register();
        String pending = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(active, "activation", "contract signed").statusCode(200);
        YearMonth month = MONTH.minusMonths(1);
        // both partners existed in that month
        sql("UPDATE partner SET created_at = created_at - interval '120 days' WHERE id IN ('" + active + "', '"
                + pending + "')");
        try (KafkaTestClient kafka = kafka()) {
            publishAt(
                    kafka,
                    earned(active, 900, 0),
                    month.atDay(20).atStartOfDay(SEOUL).toInstant());
        }
        awaitFacts(active, month.atDay(1), month.atEndOfMonth(), 1);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("month", month.toString()))
                .post("/partners/v1/settlements/monthly-close")
                .then()
                .statusCode(200)
                .body(
                        "findAll { it.partnerId == '" + active + "' }",
                        hasSize(1),
                        "find { it.partnerId == '" + active + "' }.pointsIssued",
                        is(900),
                        "find { it.partnerId == '" + active + "' }.periodStart",
                        is(month.atDay(1).toString()),
                        "find { it.partnerId == '" + pending + "' }",
                        nullValue());
        // again: nothing left to close for it
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("month", month.toString()))
                .post("/partners/v1/settlements/monthly-close")
                .then()
                .statusCode(200)
                .body("findAll { it.partnerId == '" + active + "' }", hasSize(0));
        given().auth()
                .oauth2(TestTokens.operator())
                .get(settlements(active))
                .then()
                .statusCode(200)
                .body("$", hasSize(1));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("month", YearMonth.now(SEOUL).toString()))
                .post("/partners/v1/settlements/monthly-close")
                .then()
                .statusCode(409)
                .body("code", is("period-not-ended"));
    }

    /** Java parses +999999999-12-31; a year after it threw (500). A date is from 1900 to 2999, else 400. */
    @Test
    void aDateBeyondTheCalendarIsABadRequestNotAFailure() {
        String partner = PartnerLifecycleTest.register();
        for (String[] period : new String[][] {
            {"+999999999-12-31", "+999999999-12-31", "periodStart"},
            {"2026-01-01", "-999999999-01-01", "periodEnd"},
            {"0000-01-01", "2026-01-01", "periodStart"}
        }) {
            given().auth()
                    .oauth2(TestTokens.partner(partner))
                    .queryParam("periodStart", period[0])
                    .queryParam("periodEnd", period[1])
                    .get(settlements(partner) + "/preview")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", is(period[2]));
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("periodStart", "0000-01-01", "periodEnd", "0000-01-31"))
                .post(settlements(partner))
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("month", "0000-01"))
                .post("/partners/v1/settlements/monthly-close")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @jakarta.inject.Inject
    io.pointmesh.partner.service.SettlementService settlementService;

    /**
     * A statement stored the closing operator's user name (Keycloak's preferred_username) as closedBy, and the
     * partner's own reads (its integration client, its staff, JSON and CSV) showed it: the network's staff
     * directory, not the partner's to read. The partner sees "operator", as in its lifecycle history; operators
     * see the name; the monthly job's system:monthly-close names nobody and is shown as it is.
     */
    @Test
    void aPartnerSeesThatAnOperatorClosedItsStatementNotWhichOne() throws Throwable {
        String partner = PartnerLifecycleTest.register();
        String name = "ops-kim-" + UUID.randomUUID().toString().substring(0, 8);
        String kim = TestTokens.token(name, List.of("operator"), Map.of("azp", "pointmesh-operator"));
        String id = given().auth()
                .oauth2(kim)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "periodStart",
                        MONTH.atDay(1).toString(),
                        "periodEnd",
                        MONTH.atEndOfMonth().toString()))
                .post(settlements(partner))
                .then()
                .statusCode(201)
                .body("closedBy", is(name))
                .extract()
                .path("statementId");
        for (String token : List.of(TestTokens.partner(partner), TestTokens.partnerStaff(partner))) {
            given().auth()
                    .oauth2(token)
                    .get(settlements(partner))
                    .then()
                    .statusCode(200)
                    .body("$", hasSize(1), "[0].statementId", is(id), "[0].closedBy", is("operator"));
            given().auth()
                    .oauth2(token)
                    .get(settlements(partner) + "/" + id)
                    .then()
                    .statusCode(200)
                    .body("closedBy", is("operator"));
            for (String path : List.of(settlements(partner), settlements(partner) + "/" + id)) {
                String csv = given().auth()
                        .oauth2(token)
                        .accept("text/csv")
                        .get(path)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
                String[] lines = csv.split("\r\n");
                assertEquals("operator", row(lines[0], lines[1]).get("closedBy"), csv);
                assertTrue(!csv.contains(name), "the CSV names no operator: " + csv);
            }
        }
        // operators see who
        given().auth()
                .oauth2(TestTokens.operator())
                .get(settlements(partner) + "/" + id)
                .then()
                .statusCode(200)
                .body("closedBy", is(name));
        String csv = given().auth()
                .oauth2(TestTokens.operator())
                .accept("text/csv")
                .get(settlements(partner))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(csv.contains(name), csv);

        // the monthly job's statements say so to the partner too
        String closedByJob = PartnerLifecycleTest.register();
        io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> settlementService.close(
                closedByJob, MONTH.atDay(1), MONTH.atEndOfMonth(), io.pointmesh.partner.service.SettlementJobs.ACTOR));
        given().auth()
                .oauth2(TestTokens.partner(closedByJob))
                .get(settlements(closedByJob))
                .then()
                .statusCode(200)
                .body("$", hasSize(1), "[0].closedBy", is("system:monthly-close"));
    }

    @Test
    void partnersReadOnlyTheirOwnAndOnlyOperatorsClose() {
        String partner = PartnerLifecycleTest.register();
        String other = PartnerLifecycleTest.register();
        LocalDate first = MONTH.atDay(1);
        LocalDate last = MONTH.atEndOfMonth();
        String mine = settlements(partner);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(mine)
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(mine + "/preview")
                .then()
                .statusCode(200)
                .body("status", is("OPEN"), "statementId", nullValue(), "facts", is(0));
        for (String path : List.of(mine, mine + "/preview", mine + "/" + UUID.randomUUID())) {
            given().auth().oauth2(TestTokens.partner(other)).get(path).then().statusCode(403);
            given().auth().oauth2(TestTokens.member("someone")).get(path).then().statusCode(403);
            given().get(path).then().statusCode(401);
        }
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType(ContentType.JSON)
                .body(Map.of("periodStart", first.toString(), "periodEnd", last.toString()))
                .post(mine)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType(ContentType.JSON)
                .body(Map.of("month", MONTH.toString()))
                .post("/partners/v1/settlements/monthly-close")
                .then()
                .statusCode(403);

        // bad input changes nothing and says why
        close(partner, last, first).statusCode(400).body("code", is("validation-failed"));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("periodStart", "yesterday", "periodEnd", "2026-01-01"))
                .post(mine)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("periodStart", first.toString()))
                .post(mine)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .get(mine + "/preview?periodStart=soon")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("month", "2026-13"))
                .post("/partners/v1/settlements/monthly-close")
                .then()
                .statusCode(400);
        close("no-such-partner", first, last).statusCode(404);
        given().auth()
                .oauth2(TestTokens.operator())
                .get(mine + "/" + UUID.randomUUID())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.operator())
                .get(mine + "/not-a-uuid")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.operator())
                .get(mine)
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
    }

    private static Map<String, String> row(String header, String line) {
        String[] names = header.split(",");
        String[] values = line.split(",", -1);
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], values[i]);
        }
        return out;
    }

    private static void sql(String statement) throws SQLException {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/"
                + io.pointmesh.testing.PointmeshTestResource.testDatabase("partner");
        try (Connection c = DriverManager.getConnection(url, "partner", "partner");
                Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
