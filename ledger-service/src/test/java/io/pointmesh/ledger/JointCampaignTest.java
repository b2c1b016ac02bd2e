package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerScenariosTest.DB;
import static io.pointmesh.ledger.LedgerScenariosTest.reverse;
import static io.pointmesh.ledger.LedgerScenariosTest.rows;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.CrossPartnerAudience;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Joint campaigns (docs/ledger.md, "Joint campaigns"): the audience by behaviour at other partners,
 * under the member's consent, decided under the member's lock (I20); co-funding split per posting
 * and given back exactly by refunds (I19).
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class JointCampaignTest {

    private static final Instant NOW_ISH = Instant.now();

    @AfterEach
    void invariantsHold() {
        InvariantCheck.assertHolds(DB);
    }

    @Test
    void onlyConsentingMembersWhoBoughtAtTheNamedPartnerWithinTheWindowGetTheBonus() throws SQLException {
        String fuel = LedgerFixture.partnerIn("fuel");
        String cinema = LedgerFixture.partnerIn("cinema");
        String elsewhere = LedgerFixture.partner();
        String campaign = campaign(cinema, new CrossPartnerAudience(fuel, null, 5, false), null, null, 500, 0);

        String sharesWithAll = LedgerFixture.member();
        String sharesWithCinema = LedgerFixture.member();
        String noConsent = LedgerFixture.member();
        String sharesWithAnother = LedgerFixture.member();
        String noPersonalization = LedgerFixture.member();
        String boughtElsewhere = LedgerFixture.member();
        String tooLongAgo = LedgerFixture.member();
        String refundedWhole = LedgerFixture.member();
        consent(sharesWithAll, true, true, List.of());
        consent(sharesWithCinema, true, false, List.of(cinema));
        consent(sharesWithAnother, true, false, List.of(elsewhere));
        consent(noPersonalization, false, true, List.of());
        consent(boughtElsewhere, true, true, List.of());
        consent(tooLongAgo, true, true, List.of());
        consent(refundedWhole, true, true, List.of());

        Instant twoDaysAgo = Instant.now().minus(2, ChronoUnit.DAYS);
        for (String m : List.of(sharesWithAll, sharesWithCinema, noConsent, sharesWithAnother, noPersonalization)) {
            earn(fuel, m, "10000", UUID.randomUUID().toString(), twoDaysAgo).statusCode(201);
        }
        earn(elsewhere, boughtElsewhere, "10000", UUID.randomUUID().toString(), twoDaysAgo)
                .statusCode(201);
        earn(
                        fuel,
                        tooLongAgo,
                        "10000",
                        UUID.randomUUID().toString(),
                        Instant.now().minus(6, ChronoUnit.DAYS))
                .statusCode(201);
        String refunded = earn(fuel, refundedWhole, "10000", UUID.randomUUID().toString(), twoDaysAgo)
                .statusCode(201)
                .extract()
                .path("earningId");
        reverse(fuel, refunded, "10000").statusCode(201);

        assertEquals(500, bonusAt(cinema, sharesWithAll, campaign));
        assertEquals(500, bonusAt(cinema, sharesWithCinema, campaign));
        assertEquals(0, bonusAt(cinema, noConsent, campaign), "no consent seen: not eligible");
        assertEquals(0, bonusAt(cinema, sharesWithAnother, campaign), "shares with another partner only");
        assertEquals(0, bonusAt(cinema, noPersonalization, campaign), "no personalization");
        assertEquals(0, bonusAt(cinema, boughtElsewhere, campaign), "bought at another partner");
        assertEquals(0, bonusAt(cinema, tooLongAgo, campaign), "bought before the window");
        assertEquals(0, bonusAt(cinema, refundedWhole, campaign), "a purchase refunded whole does not count");

        // consent withdrawn: the next purchase is no longer the campaign's
        consent(sharesWithAll, false, false, List.of());
        assertEquals(0, bonusAt(cinema, sharesWithAll, campaign));
    }

    @Test
    void aFirstVisitCampaignByCategoryPaysTheFirstPurchaseHereOnly() throws SQLException {
        String fuel = LedgerFixture.partnerIn("fuel");
        String cinema = LedgerFixture.partnerIn("cinema");
        String campaign = campaign(cinema, new CrossPartnerAudience(null, "fuel", 30, true), null, null, 300, 0);
        String newcomer = LedgerFixture.member();
        String regular = LedgerFixture.member();
        consent(newcomer, true, true, List.of());
        consent(regular, true, true, List.of());
        Instant yesterday = Instant.now().minus(1, ChronoUnit.DAYS);
        earn(fuel, newcomer, "5000", UUID.randomUUID().toString(), yesterday).statusCode(201);
        earn(
                        cinema,
                        regular,
                        "5000",
                        UUID.randomUUID().toString(),
                        Instant.now().minus(3, ChronoUnit.DAYS))
                .statusCode(201);
        earn(fuel, regular, "5000", UUID.randomUUID().toString(), yesterday).statusCode(201);

        assertEquals(300, bonusAt(cinema, newcomer, campaign), "first purchase at the cinema");
        assertEquals(0, bonusAt(cinema, newcomer, campaign), "the second is not a first visit");
        assertEquals(0, bonusAt(cinema, regular, campaign), "had been to the cinema before");
    }

    @Test
    void racingFirstPurchasesPayTheFirstVisitBonusOnce() throws Exception {
        String fuel = LedgerFixture.partnerIn("fuel");
        String cinema = LedgerFixture.partnerIn("cinema");
        String campaign = campaign(cinema, new CrossPartnerAudience(fuel, null, 30, true), null, null, 700, 0);
        String member = LedgerFixture.member();
        consent(member, true, true, List.of());
        earn(fuel, member, "5000", UUID.randomUUID().toString(), Instant.now().minus(1, ChronoUnit.DAYS))
                .statusCode(201);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(() -> bonusAt(cinema, member, campaign));
            }
            long paid = 0;
            for (Future<Long> f : pool.invokeAll(racers)) {
                paid += f.get();
            }
            assertEquals(700, paid, "exactly one of eight racing first purchases is the first");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(
                List.of("700"),
                rows("SELECT sum(t.amount) FROM transfer t JOIN earning e ON e.id = t.ref WHERE e.member_id = '"
                        + member + "' AND t.kind = 'CAMPAIGN_BONUS'"));
    }

    @Test
    void aCoFundedBonusIsSplitPerPostingAndRefundsGiveEachFunderBackExactly() throws SQLException {
        String fuel = LedgerFixture.partnerIn("fuel");
        String cinema = LedgerFixture.partnerIn("cinema");
        String campaign =
                campaign(cinema, new CrossPartnerAudience(fuel, null, 30, false), fuel, new BigDecimal("0.3"), 333, 0);
        String member = LedgerFixture.member();
        consent(member, true, true, List.of());
        earn(fuel, member, "5000", UUID.randomUUID().toString(), Instant.now().minus(1, ChronoUnit.DAYS))
                .statusCode(201);

        JsonPath earned =
                earn(cinema, member, "10000").statusCode(201).extract().jsonPath();
        String earningId = earned.getString("earningId");
        // 100 base points and a bonus of 333: the co-funder pays floor(333 x 0.3) = 99, the cinema 234
        assertEquals(433, earned.getLong("points"));
        assertEquals(fuel, earned.getString("breakdown.campaignBonuses[0].coFunderId"));
        assertEquals(99, earned.getLong("breakdown.campaignBonuses[0].coFundedPoints"));
        assertEquals(
                List.of("334|0|99"),
                rows("SELECT partner_points || '|' || network_points || '|' || co_funded_points "
                        + "FROM earning WHERE id = '" + earningId + "'"));
        assertEquals(List.of("99"), fromIssuance(fuel, earningId, "debit"));
        assertEquals(List.of("334"), fromIssuance(cinema, earningId, "debit"));
        // the earning's rows: its transfers in their fixed order (the partner's issuance, then the co-funder's:
        // the order in which their shard rows are locked at commit), its own lot, and its event once
        assertEquals(
                List.of(
                        "EARN|partner:" + cinema + ":issuance|100|" + cinema,
                        "CAMPAIGN_BONUS|partner:" + cinema + ":issuance|234|" + cinema,
                        "CAMPAIGN_BONUS|partner:" + fuel + ":issuance|99|" + fuel),
                rows("SELECT kind || '|' || debit_account || '|' || amount || '|' || partner_id FROM transfer "
                        + "WHERE ref = '" + earningId + "' AND credit_account = 'member:" + member + "' ORDER BY id"));
        assertEquals(
                List.of("433|433|EARN"),
                rows(
                        "SELECT l.points || '|' || l.remaining || '|' || l.source FROM earning e JOIN lot l ON l.id = e.lot_id "
                                + "AND l.ref = e.id AND l.member_id = e.member_id WHERE e.id = '" + earningId + "'"));
        assertEquals(
                List.of("1"),
                rows("SELECT count(*) FROM outbox_event WHERE event_type = 'ledger.points-earned' AND event_key = '"
                        + member + "' AND payload::jsonb -> 'data' ->> 'earningId' = '" + earningId + "'"));

        // refunds in three steps: each funder's cumulative part only grows, and the last step returns exactly its
        // points
        reverse(cinema, earningId, "3333").statusCode(201);
        reverse(cinema, earningId, "3333").statusCode(201);
        reverse(cinema, earningId, "3334").statusCode(201);
        assertEquals(List.of("99"), reversedTo(fuel, earningId));
        assertEquals(List.of("334"), reversedTo(cinema, earningId));
        assertEquals(List.of("433"), rows("SELECT reversed_points FROM earning WHERE id = '" + earningId + "'"));

        // each partner's totals (what settlement is proven against) count its own money: the fuel station
        // issued 50 for its own sale and 99 for the cinema's campaign, and got the 99 back (as an operator sees it)
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        JsonPath fuelTotals = io.restassured.RestAssured.given()
                .auth()
                .oauth2(io.pointmesh.testing.TestTokens.operator())
                .queryParam("from", today.minus(1, ChronoUnit.DAYS).toString())
                .queryParam("to", today.plus(2, ChronoUnit.DAYS).toString())
                .get("/ledger/v1/partners/" + fuel + "/totals")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(149, fuelTotals.getLong("pointsIssued"));
        assertEquals(99, fuelTotals.getLong("pointsIssuedReversed"));
        // the fuel station itself sees its part of the cinema's bonuses from whole past days only: polled through
        // today, it moved with each of the cinema's sales; its own sale it sees at once
        JsonPath fuelOwn = LedgerFixture.partnerTotals(fuel).extract().jsonPath();
        assertEquals(50, fuelOwn.getLong("pointsIssued"));
        assertEquals(0, fuelOwn.getLong("pointsIssuedReversed"));
        // the ledger's days only: UTC days beside them cut each day into 9 and 15 hours, by difference
        java.time.ZoneId seoul = java.time.ZoneId.of("Asia/Seoul");
        Instant seoulToday = java.time.LocalDate.now(seoul).atStartOfDay(seoul).toInstant();
        io.restassured.RestAssured.given()
                .auth()
                .oauth2(io.pointmesh.testing.TestTokens.partner(fuel))
                .queryParam("from", seoulToday.toString())
                .queryParam("to", seoulToday.plus(33, ChronoUnit.HOURS).toString())
                .get("/ledger/v1/partners/" + fuel + "/totals")
                .then()
                .statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.is("to"));
        // a window of seconds would time each co-funded bonus: partners get whole days only (operators anything)
        io.restassured.RestAssured.given()
                .auth()
                .oauth2(io.pointmesh.testing.TestTokens.partner(fuel))
                .queryParam("from", Instant.now().minusSeconds(5).toString())
                .queryParam("to", Instant.now().plusSeconds(5).toString())
                .get("/ledger/v1/partners/" + fuel + "/totals")
                .then()
                .statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.is("from"));
        JsonPath cinemaTotals = LedgerFixture.partnerTotals(cinema).extract().jsonPath();
        assertEquals(334, cinemaTotals.getLong("pointsIssued"));
        assertEquals(334, cinemaTotals.getLong("pointsIssuedReversed"));
    }

    @Test
    void aCoFundedCampaignPausesWhileItsCoFunderIsNotActive() throws SQLException {
        String fuel = LedgerFixture.partnerIn("fuel");
        String cinema = LedgerFixture.partnerIn("cinema");
        String sponsor = LedgerFixture.partnerIn("bank");
        String campaign = campaign(
                cinema, new CrossPartnerAudience(fuel, null, 30, false), sponsor, new BigDecimal("0.5"), 200, 0);
        String member = LedgerFixture.member();
        consent(member, true, true, List.of());
        earn(fuel, member, "5000", UUID.randomUUID().toString(), Instant.now().minus(1, ChronoUnit.DAYS))
                .statusCode(201);
        assertEquals(200, bonusAt(cinema, member, campaign));

        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerSuspended(sponsor, "op", "unpaid invoices"));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT status FROM partner_directory WHERE partner_id = '" + sponsor + "'")
                        .equals(List.of("SUSPENDED")));
        assertEquals(0, bonusAt(cinema, member, campaign), "nobody would pay the co-funder's share");
    }

    /**
     * A segment comes from purchases across the network, and the earning's answer shows the partner each bonus
     * paid: a segment-targeted bonus is paid only to a member who lets this partner see it (personalization and
     * sharing with it or with every partner). Else a 1-point campaign per segment told the partner, at its till,
     * which of its customers were active, dormant or churned elsewhere.
     */
    @Test
    void aSegmentBonusIsPaidOnlyToMembersWhoShareWithThePartner() throws SQLException {
        String partner = LedgerFixture.partner();
        String sharing = LedgerFixture.member();
        String everyone = LedgerFixture.member();
        String notSharing = LedgerFixture.member();
        String noPersonalization = LedgerFixture.member();
        String id = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            publish(
                    kafka,
                    new CampaignPublished(
                            id,
                            partner,
                            "Come back " + id.substring(0, 6),
                            BonusKind.FIXED,
                            null,
                            77,
                            NOW_ISH.minus(30, ChronoUnit.DAYS),
                            NOW_ISH.plus(30, ChronoUnit.DAYS),
                            CampaignTarget.SEGMENT,
                            "DORMANT",
                            0,
                            BigDecimal.ONE,
                            FundedBy.PARTNER));
            for (String m : List.of(sharing, everyone, notSharing, noPersonalization)) {
                publish(
                        kafka,
                        new io.pointmesh.events.analytics.SegmentChanged(
                                m,
                                io.pointmesh.events.Segment.ACTIVE,
                                io.pointmesh.events.Segment.DORMANT,
                                java.time.LocalDate.now()));
            }
        }
        consent(sharing, true, false, List.of(partner));
        consent(everyone, true, true, List.of());
        consent(notSharing, true, false, List.of("another-partner"));
        consent(noPersonalization, false, true, List.of(partner));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT count(*) FROM member_directory WHERE segment = 'DORMANT' AND member_id IN ('"
                                + String.join("','", sharing, everyone, notSharing, noPersonalization) + "')")
                        .equals(List.of("4")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT campaign_id FROM campaign WHERE campaign_id = '" + id + "'")
                                .size()
                        == 1);
        assertEquals(77, bonusAt(partner, sharing, id));
        assertEquals(77, bonusAt(partner, everyone, id));
        assertEquals(0, bonusAt(partner, notSharing, id), "shares with another partner only");
        assertEquals(0, bonusAt(partner, noPersonalization, id), "shares, but without personalization");
    }

    /** A FIXED joint campaign of {@code partner}, for everyone in it (treatment share 1), published as partner-service does. */
    static String campaign(
            String partner,
            CrossPartnerAudience audience,
            String coFunder,
            BigDecimal coFunderShare,
            long fixedPoints,
            long budget)
            throws SQLException {
        String id = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            publish(
                    kafka,
                    new CampaignPublished(
                            id,
                            partner,
                            "Joint " + id.substring(0, 6),
                            BonusKind.FIXED,
                            null,
                            fixedPoints,
                            NOW_ISH.minus(30, ChronoUnit.DAYS),
                            NOW_ISH.plus(30, ChronoUnit.DAYS),
                            CampaignTarget.CROSS_PARTNER,
                            null,
                            budget,
                            BigDecimal.ONE,
                            FundedBy.PARTNER,
                            audience,
                            coFunder,
                            coFunderShare));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT campaign_id FROM campaign WHERE campaign_id = '" + id + "'")
                                .size()
                        == 1);
        return id;
    }

    static void consent(String member, boolean personalization, boolean shareWithAll, List<String> shared) {
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new ConsentChanged(member, false, false, false, personalization, shareWithAll, shared));
        }
        String expected = personalization + "|" + shareWithAll + "|" + String.join(",", shared);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rows("SELECT personalization || '|' || share_with_all_partners || '|' "
                                + "|| array_to_string(shared_partner_ids, ',') FROM member_directory WHERE member_id = '"
                                + member + "'")
                        .equals(List.of(expected)));
    }

    /** Earns 10,000 KRW (100 base points) at {@code partner} now; answers the campaign's bonus in it. */
    static long bonusAt(String partner, String member, String campaign) {
        List<Map<String, Object>> bonuses = earn(partner, member, "10000")
                .statusCode(201)
                .extract()
                .jsonPath()
                .getList("breakdown.campaignBonuses");
        return bonuses.stream()
                .filter(b -> campaign.equals(b.get("campaignId")))
                .mapToLong(b -> ((Number) b.get("points")).longValue())
                .sum();
    }

    private static List<String> fromIssuance(String partner, String earningId, String side) throws SQLException {
        return rows("SELECT sum(amount) FROM transfer WHERE ref = '" + earningId + "' AND " + side
                + "_account = 'partner:" + partner + ":issuance'");
    }

    private static List<String> reversedTo(String partner, String earningId) throws SQLException {
        return rows(
                "SELECT sum(t.amount) FROM transfer t JOIN earning_reversal r ON r.id = t.ref WHERE r.earning_id = '"
                        + earningId + "' AND t.credit_account = 'partner:" + partner + ":issuance'");
    }
}
