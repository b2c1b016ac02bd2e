package io.pointmesh.partner;

import static io.pointmesh.partner.SettlementTest.MONTH;
import static io.pointmesh.partner.SettlementTest.at;
import static io.pointmesh.partner.SettlementTest.awaitFacts;
import static io.pointmesh.partner.SettlementTest.close;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publishAt;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.events.ledger.CoFunding;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Joint campaigns in partner-service (docs/partners.md, "Joint campaigns"): the audience's terms are
 * checked, a co-funder pays nothing until it accepts (and only it can), and co-funded points appear
 * on both partners' statements.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class JointCampaignTest {

    static String activePartner() {
        String id = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(id, "activation", "contract signed").statusCode(200);
        return id;
    }

    static Map<String, Object> joint(String boughtAt, String coFunder, Object share) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Fuel customers to the cinema");
        body.put("bonusKind", "FIXED");
        body.put("fixedPoints", 500);
        body.put("startsAt", Instant.now().toString());
        body.put("endsAt", Instant.now().plus(30, ChronoUnit.DAYS).toString());
        body.put("target", "CROSS_PARTNER");
        Map<String, Object> audience = new HashMap<>();
        audience.put("boughtAtPartnerId", boughtAt);
        audience.put("withinDays", 90);
        audience.put("notYetHere", true);
        body.put("audience", audience);
        body.put("treatmentShare", 0.9);
        if (coFunder != null) {
            body.put("coFunding", Map.of("partnerId", coFunder, "share", share));
            body.put("budgetPoints", 100000);
        }
        return body;
    }

    static ValidatableResponse decide(String asPartner, String coFunder, String campaignId, String decision) {
        return given().auth()
                .oauth2(TestTokens.partner(asPartner))
                .post("/partners/v1/partners/" + coFunder + "/co-funding-requests/" + campaignId + "/" + decision)
                .then();
    }

    @Test
    void aCoFundedCampaignReachesTheLedgerOnlyOnceItsCoFunderAcceptsAndOnlyTheCoFunderCanAccept() {
        String cinema = activePartner();
        String fuel = activePartner();
        String sponsor = activePartner();
        String campaignId = CampaignTest.create(cinema, null, joint(fuel, sponsor, 0.4))
                .statusCode(201)
                .body(
                        "target",
                        is("CROSS_PARTNER"),
                        "audience.boughtAtPartnerId",
                        is(fuel),
                        "audience.notYetHere",
                        is(true),
                        "coFunding.partnerId",
                        is(sponsor),
                        "coFunding.status",
                        is("PENDING"))
                .extract()
                .path("campaignId");

        // nobody else can answer for the co-funder
        decide(cinema, sponsor, campaignId, "accept").statusCode(403).body("code", is("other-partner"));
        decide(fuel, sponsor, campaignId, "accept").statusCode(403).body("code", is("other-partner"));
        decide(fuel, fuel, campaignId, "accept").statusCode(404);
        decide(cinema, cinema, campaignId, "accept").statusCode(404);
        try (KafkaTestClient kafka = kafka()) {
            assertEquals(
                    0,
                    kafka.count(
                            topic("partner.events"),
                            r -> r.key().equals(campaignId) && r.value().contains("partner.campaign-published"),
                            Duration.ofSeconds(3)),
                    "a co-funded campaign is not published before its co-funder accepts");
        }

        given().auth()
                .oauth2(TestTokens.partner(sponsor))
                .get("/partners/v1/partners/" + sponsor + "/co-funding-requests")
                .then()
                .statusCode(200)
                .body("campaignId", hasItem(campaignId));
        decide(sponsor, sponsor, campaignId, "accept").statusCode(200).body("coFunding.status", is("ACCEPTED"));
        decide(sponsor, sponsor, campaignId, "accept").statusCode(200).body("coFunding.status", is("ACCEPTED"));
        decide(sponsor, sponsor, campaignId, "decline").statusCode(409).body("code", is("co-funding-decided"));
        try (KafkaTestClient kafka = kafka()) {
            var published = kafka.await(
                    topic("partner.events"),
                    r -> r.key().equals(campaignId) && r.value().contains("partner.campaign-published"),
                    Duration.ofSeconds(10));
            String json = published.value();
            assertEquals(true, json.contains("\"coFunderId\":\"" + sponsor + "\""), json);
            assertEquals(true, json.contains("\"boughtAtPartnerId\":\"" + fuel + "\""), json);
            assertEquals(
                    1,
                    kafka.count(
                            topic("partner.events"),
                            r -> r.key().equals(campaignId) && r.value().contains("partner.campaign-published"),
                            Duration.ofSeconds(3)),
                    "accepting twice publishes once");
        }
    }

    @Test
    void aDeclinedOrEndedRequestIsNeverPublished() {
        String cinema = activePartner();
        String fuel = activePartner();
        String sponsor = activePartner();
        String declined = CampaignTest.create(cinema, null, joint(fuel, sponsor, 0.5))
                .statusCode(201)
                .extract()
                .path("campaignId");
        decide(sponsor, sponsor, declined, "decline").statusCode(200).body("coFunding.status", is("DECLINED"));
        decide(sponsor, sponsor, declined, "accept").statusCode(409).body("code", is("co-funding-decided"));

        String ended = CampaignTest.create(cinema, null, joint(fuel, sponsor, 0.5))
                .statusCode(201)
                .extract()
                .path("campaignId");
        given().auth()
                .oauth2(TestTokens.partner(cinema))
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "changed our mind"))
                .post("/partners/v1/partners/" + cinema + "/campaigns/" + ended + "/end")
                .then()
                .statusCode(200);
        decide(sponsor, sponsor, ended, "accept").statusCode(409).body("code", is("campaign-ended"));
        try (KafkaTestClient kafka = kafka()) {
            assertEquals(
                    0,
                    kafka.count(
                            topic("partner.events"),
                            r -> (r.key().equals(declined) || r.key().equals(ended))
                                    && r.value().contains("partner.campaign-published"),
                            Duration.ofSeconds(3)));
        }
    }

    @Test
    void anAcceptingCoFunderCanWithdrawAndTheCampaignEnds() {
        String cinema = activePartner();
        String fuel = activePartner();
        String sponsor = activePartner();
        String campaignId = CampaignTest.create(cinema, null, joint(fuel, sponsor, 0.5))
                .statusCode(201)
                .extract()
                .path("campaignId");
        decide(sponsor, sponsor, campaignId, "withdrawal").statusCode(409).body("code", is("co-funding-not-accepted"));
        decide(sponsor, sponsor, campaignId, "accept").statusCode(200);
        decide(cinema, sponsor, campaignId, "withdrawal").statusCode(403);
        decide(sponsor, sponsor, campaignId, "withdrawal")
                .statusCode(200)
                .body("coFunding.status", is("WITHDRAWN"), "endedAt", org.hamcrest.Matchers.notNullValue());
        decide(sponsor, sponsor, campaignId, "withdrawal").statusCode(200).body("coFunding.status", is("WITHDRAWN"));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("partner.events"),
                    r -> r.key().equals(campaignId) && r.value().contains("partner.campaign-ended"),
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void aCampaignThatStartedBeforeItsAcceptanceIsCoFundedFromTheAcceptanceOn() {
        String cinema = activePartner();
        String fuel = activePartner();
        String sponsor = activePartner();
        Map<String, Object> body = joint(fuel, sponsor, 0.5);
        body.put("startsAt", Instant.now().minus(20, ChronoUnit.DAYS).toString());
        String campaignId = CampaignTest.create(cinema, null, body)
                .statusCode(201)
                .extract()
                .path("campaignId");
        Instant beforeAccepting = Instant.now();
        String startsAt = decide(sponsor, sponsor, campaignId, "accept")
                .statusCode(200)
                .extract()
                .path("startsAt");
        org.junit.jupiter.api.Assertions.assertFalse(
                Instant.parse(startsAt).isBefore(beforeAccepting.minusSeconds(1)),
                "back-dated purchases are not the co-funder's to pay: " + startsAt);
    }

    @Test
    void badJointTermsAreProblemsAndCreateNothing() {
        String cinema = activePartner();
        String fuel = activePartner();
        String registeredOnly = PartnerLifecycleTest.register();
        long before = CampaignTest.campaigns(cinema);

        Map<String, Object> noAudience = joint(fuel, null, null);
        noAudience.remove("audience");
        CampaignTest.create(cinema, null, noAudience).statusCode(400);

        Map<String, Object> both = joint(fuel, null, null);
        ((Map<String, Object>) both.get("audience")).put("boughtInCategory", "fuel");
        CampaignTest.create(cinema, null, both).statusCode(400);

        CampaignTest.create(cinema, null, joint(cinema, null, null)).statusCode(400);
        CampaignTest.create(cinema, null, joint("no-such-partner", null, null)).statusCode(400);

        Map<String, Object> noWindow = joint(fuel, null, null);
        ((Map<String, Object>) noWindow.get("audience")).put("withinDays", 0);
        CampaignTest.create(cinema, null, noWindow).statusCode(400);

        Map<String, Object> audienceOnGrade = CampaignTest.campaign();
        audienceOnGrade.put("audience", Map.of("boughtAtPartnerId", fuel, "withinDays", 30));
        CampaignTest.create(cinema, null, audienceOnGrade).statusCode(400);

        CampaignTest.create(cinema, null, joint(fuel, cinema, 0.5)).statusCode(400);
        CampaignTest.create(cinema, null, joint(fuel, fuel, 1)).statusCode(400);
        CampaignTest.create(cinema, null, joint(fuel, fuel, 0)).statusCode(400);
        CampaignTest.create(cinema, null, joint(fuel, fuel, new BigDecimal("0.12345")))
                .statusCode(400);
        CampaignTest.create(cinema, null, joint(fuel, registeredOnly, 0.5))
                .statusCode(409)
                .body("code", is("co-funder-not-active"));

        // a partner's own joint campaign is first-visit only, over a window of a week or more
        Map<String, Object> everyone = joint(fuel, null, null);
        ((Map<String, Object>) everyone.get("audience")).put("notYetHere", false);
        CampaignTest.create(cinema, null, everyone).statusCode(400);
        Map<String, Object> shortWindow = joint(fuel, null, null);
        ((Map<String, Object>) shortWindow.get("audience")).put("withinDays", 6);
        CampaignTest.create(cinema, null, shortWindow).statusCode(400);
        // a co-funder's exposure is bounded by a budget
        Map<String, Object> unbounded = joint(fuel, fuel, 0.5);
        unbounded.remove("budgetPoints");
        CampaignTest.create(cinema, null, unbounded).statusCode(400);

        Map<String, Object> networkFunded = joint(fuel, fuel, 0.5);
        networkFunded.put("fundedBy", "NETWORK");
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(networkFunded)
                .post("/partners/v1/partners/" + cinema + "/campaigns")
                .then()
                .statusCode(400);
        assertEquals(before, CampaignTest.campaigns(cinema), "nothing created");

        // an operator may aim at everyone in the audience; a stray targetValue and a blank category are dropped
        Map<String, Object> byOperator = joint(fuel, null, null);
        ((Map<String, Object>) byOperator.get("audience")).put("notYetHere", false);
        ((Map<String, Object>) byOperator.get("audience")).put("boughtInCategory", "  ");
        byOperator.put("targetValue", "VIP");
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(byOperator)
                .post("/partners/v1/partners/" + cinema + "/campaigns")
                .then()
                .statusCode(201)
                .body(
                        "targetValue",
                        nullValue(),
                        "audience.boughtInCategory",
                        nullValue(),
                        "audience.notYetHere",
                        is(false));

        // a category audience without co-funding is published at once
        Map<String, Object> byCategory = joint(null, null, null);
        ((Map<String, Object>) byCategory.get("audience")).remove("boughtAtPartnerId");
        ((Map<String, Object>) byCategory.get("audience")).put("boughtInCategory", " Fuel ");
        CampaignTest.create(cinema, null, byCategory)
                .statusCode(201)
                .body("audience.boughtInCategory", is("fuel"), "coFunding", nullValue());
    }

    @Test
    void coFundedPointsAreOnBothStatements() {
        String cinema = PartnerLifecycleTest.register();
        String sponsor = PartnerLifecycleTest.register();
        String member = UUID.randomUUID().toString();
        String campaign = UUID.randomUUID().toString();
        String earningId = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            // 100 base + a bonus of 333 of which the sponsor paid 99, and 43 points the network funded (the grade
            // uplift, as events published before 2026-11-27 split it: settlement takes the split the event carries)
            PointsEarned earned = new PointsEarned(
                    earningId,
                    member,
                    cinema,
                    "S1",
                    "tx-1",
                    new BigDecimal("10000"),
                    "KRW",
                    at(3, 10),
                    476,
                    100,
                    List.of(new Bonus(campaign, 333, sponsor, 99)),
                    new BigDecimal("1.1"),
                    at(3, 10),
                    at(3, 10).plus(365, ChronoUnit.DAYS),
                    43);
            TestEvents.redeliver(kafka, earned, publishAt(kafka, earned, at(3, 10)));
            publishAt(
                    kafka,
                    new EarningReversed(
                            UUID.randomUUID().toString(),
                            earningId,
                            member,
                            cinema,
                            "refund-1",
                            new BigDecimal("5000"),
                            238,
                            0,
                            21,
                            List.of(new CoFunding(sponsor, 49))),
                    at(9, 10));
        }
        LocalDate first = MONTH.atDay(1);
        LocalDate last = MONTH.atEndOfMonth();
        awaitFacts(cinema, first, last, 2);
        awaitFacts(sponsor, first, last, 2);
        // the cinema buys 476 - 43 - 99 = 334 and gets back 238 - 21 - 49 = 168; it is shown the 99 - 49 its sponsor
        // paid
        close(cinema, first, last)
                .statusCode(201)
                .body(
                        "pointsIssued", is(334),
                        "pointsIssuedReversed", is(168),
                        "networkFundedPoints", is(43),
                        "pointsCoFundedByPartners", is(50),
                        "pointsCoFundedForPartners", is(0));
        // the sponsor buys its 99 and gets back 49: its net 50 are all for another partner's campaign
        close(sponsor, first, last)
                .statusCode(201)
                .body(
                        "pointsIssued", is(99),
                        "pointsIssuedReversed", is(49),
                        "pointsCoFundedForPartners", is(50),
                        "pointsCoFundedByPartners", is(0),
                        "facts", is(2));
    }

    /**
     * A co-funder's preview of today: its part of the other partner's bonuses is counted up to the start of today only
     * (whole days, docs/privacy.md); polled through the day, it moved with each of the other partner's co-funded sales.
     * An operator's preview is live.
     */
    @Test
    void aCoFundersOwnPreviewDoesNotMoveWithTheOtherPartnersSalesToday() {
        String cinema = PartnerLifecycleTest.register();
        String sponsor = PartnerLifecycleTest.register();
        String earningId = UUID.randomUUID().toString();
        java.time.Instant now = java.time.Instant.now();
        try (KafkaTestClient kafka = kafka()) {
            PointsEarned earned = new PointsEarned(
                    earningId,
                    UUID.randomUUID().toString(),
                    cinema,
                    "S1",
                    "tx-today",
                    new BigDecimal("10000"),
                    "KRW",
                    now,
                    433,
                    100,
                    List.of(new Bonus(UUID.randomUUID().toString(), 333, sponsor, 99)),
                    BigDecimal.ONE,
                    now,
                    now.plus(365, ChronoUnit.DAYS),
                    0);
            publishAt(kafka, earned, now);
        }
        LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Seoul"));
        SettlementTest.awaitFacts(sponsor, today, today, 1);
        SettlementTest.preview(sponsor, today, today).body("pointsIssued", is(99), "pointsCoFundedForPartners", is(99));
        String own = "/partners/v1/partners/" + sponsor + "/settlements/preview?periodStart=" + today + "&periodEnd="
                + today;
        given().auth()
                .oauth2(TestTokens.partner(sponsor))
                .get(own)
                .then()
                .statusCode(200)
                .body("pointsIssued", is(0), "pointsCoFundedForPartners", is(0), "facts", is(0));
        // the cinema's own preview shows its own sale at once
        given().auth()
                .oauth2(TestTokens.partner(cinema))
                .get("/partners/v1/partners/" + cinema + "/settlements/preview?periodStart=" + today + "&periodEnd="
                        + today)
                .then()
                .statusCode(200)
                .body("pointsIssued", is(334), "pointsCoFundedByPartners", is(99));
    }
}
