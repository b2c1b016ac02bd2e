package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.analytics.ScoringTest.purchase;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.CrossPartnerAudience;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.path.json.config.JsonPathConfig.NumberReturnType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Joint (CROSS_PARTNER) campaigns in analytics: their population is their audience at the start
 * (consent, a purchase at the named partner or category within the window, never here before), and
 * the lift report's before/during figures and difference-in-differences for a history built here,
 * with the expected values worked out by hand; who may read it, and k per arm for partners.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class JointCampaignTest {

    static final BigDecimal HALF = new BigDecimal("0.5");

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String cafe = "cafe-" + run; // the campaigns' partner
    final String fuel = "fuel-" + run; // the audience's partner (category fuel), co-funder of A
    final String fuel2 = "fuel2-" + run; // another partner of category FUEL
    final String shop = "shop-" + run; // a partner outside the audience
    final String fuelD = "fuel-d-" + run; // the audience's partner of campaign D (k per arm)
    // the campaigns ran two days and ended a day ago: during = [start, end), before = [start - 2 days, start);
    // audiences look back 2 days. Every member's history fits in the last 6 days: ScoringTest fits the churn
    // model on every test's members by whole weeks, and repeat buyers silent for weeks would pull it to
    // "everyone drops out after each purchase"
    final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(72, ChronoUnit.HOURS);
    final Instant end = start.plus(48, ChronoUnit.HOURS);

    int purchases;
    int refunds;
    int members;
    int consents;

    private Instant hours(int n) {
        return start.plus(n, ChronoUnit.HOURS);
    }

    private void buy(KafkaTestClient kafka, String member, String partner, String amount, Instant at) {
        publish(kafka, purchase(member, partner, amount, at));
        purchases++;
    }

    private void join(KafkaTestClient kafka, String member) {
        publish(kafka, new MemberJoined(member, "card-" + member, "R" + member, null, null, null, null));
        members++;
    }

    private void consent(
            KafkaTestClient kafka, String member, boolean personalization, boolean all, List<String> with) {
        publish(kafka, new ConsentChanged(member, false, false, false, personalization, all, with));
        consents++;
    }

    private void refund(KafkaTestClient kafka, PointsEarned p, String amount) {
        publish(
                kafka,
                new EarningReversed(
                        UUID.randomUUID().toString(),
                        p.earningId(),
                        p.memberId(),
                        p.partnerId(),
                        "refund",
                        new BigDecimal(amount),
                        0,
                        0,
                        0));
        refunds++;
    }

    private static CampaignPublished joint(
            String id,
            String partner,
            Instant from,
            Instant to,
            CrossPartnerAudience audience,
            BigDecimal share,
            String coFunder) {
        return new CampaignPublished(
                id,
                partner,
                "Welcome from the station",
                BonusKind.FIXED,
                null,
                1000,
                from,
                to,
                CampaignTarget.CROSS_PARTNER,
                null,
                0,
                share,
                FundedBy.PARTNER,
                audience,
                coFunder,
                coFunder == null ? null : HALF);
    }

    /** Fresh member ids, {@code n} in treatment and {@code n} in control of the campaign (its own assignment). */
    private List<List<String>> arms(String campaignId, String prefix, int n) {
        List<String> treatment = new ArrayList<>();
        List<String> control = new ArrayList<>();
        for (int i = 0; treatment.size() < n || control.size() < n; i++) {
            String m = run + "-" + prefix + i;
            List<String> arm = CampaignAssignment.inTreatment(campaignId, m, HALF) ? treatment : control;
            if (arm.size() < n) {
                arm.add(m);
            }
        }
        return List.of(treatment, control);
    }

    private void awaitIngested(int campaigns) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> count("SELECT count(*) FROM campaign_dim WHERE campaign_id LIKE '%" + run + "'")
                                == campaigns
                        && count("SELECT count(*) FROM partner_dim WHERE partner_id LIKE '%" + run + "'") == 5
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run + "%'") == members
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run
                                        + "%' AND share_with_all_partners IS NOT NULL")
                                == consents
                        && count("SELECT count(*) FROM purchase_fact WHERE member_id LIKE '" + run + "%'") == purchases
                        && count("SELECT count(*) FROM purchase_fact WHERE member_id LIKE '" + run
                                        + "%' AND refunded > 0")
                                == refunds);
    }

    private static JsonPath get(String token, String path, int status) {
        return given().auth()
                .oauth2(token)
                .get(path)
                .then()
                .statusCode(status)
                .extract()
                .jsonPath()
                .using(JsonPathConfig.jsonPathConfig().numberReturnType(NumberReturnType.BIG_DECIMAL));
    }

    @Test
    void aJointCampaignsPopulationIsItsAudienceAtTheStartAndItsLiftIsExact() throws Exception {
        String a = "ja-a-" + run; // bought at fuel within 2 days; co-funded by fuel
        String b = "ja-b-" + run; // the same, and never at the cafe before
        String c = "ja-c-" + run; // bought at any partner of category fuel within 2 days
        String live = "ja-live-" + run; // running now: never offered at the till
        CrossPartnerAudience atFuel = new CrossPartnerAudience(fuel, null, 2, false);
        List<List<String>> arms = arms(a, "m", 12);
        List<String> t = arms.get(0);
        List<String> ctl = arms.get(1);
        List<String> excluded = new ArrayList<>();
        String y = run + "-y"; // bought at fuel2 (category FUEL): only in the category campaign
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerRegistered(cafe, "Cafe " + run, "000-00-00000", "cafe"));
            publish(kafka, new PartnerRegistered(fuel, "Fuel " + run, "000-00-00000", "fuel"));
            publish(kafka, new PartnerRegistered(fuel2, "Fuel two " + run, "000-00-00000", "FUEL"));
            publish(kafka, new PartnerRegistered(shop, "Shop " + run, "000-00-00000", "grocery"));
            publish(kafka, new PartnerRegistered(fuelD, "Fuel D " + run, "000-00-00000", "fuel"));
            publish(kafka, joint(a, cafe, start, end, atFuel, HALF, fuel));
            publish(kafka, joint(b, cafe, start, end, new CrossPartnerAudience(fuel, null, 2, true), HALF, null));
            publish(kafka, joint(c, cafe, start, end, new CrossPartnerAudience(null, "fuel", 2, false), HALF, null));
            publish(
                    kafka,
                    joint(
                            live,
                            cafe,
                            Instant.now().minus(1, ChronoUnit.DAYS),
                            Instant.now().plus(10, ChronoUnit.DAYS),
                            atFuel,
                            BigDecimal.ONE,
                            null));

            // the audience: 24 members who share with every partner (even) or with the cafe (odd), bought at fuel 36
            // hours
            // before
            List<String> audience = new ArrayList<>(t);
            audience.addAll(ctl);
            for (int i = 0; i < audience.size(); i++) {
                String m = audience.get(i);
                join(kafka, m);
                consent(kafka, m, true, i % 2 == 0, i % 2 == 0 ? List.of() : List.of(cafe));
                buy(kafka, m, fuel, "50000", hours(-36));
            }
            // at the cafe before the start: 3 treated and 3 control members (10,000 each), and one more
            // treated member 54 hours before (outside the 2-day before-period)
            for (int i = 0; i < 3; i++) {
                buy(kafka, t.get(i), cafe, "10000", hours(-24));
                buy(kafka, ctl.get(i), cafe, "10000", hours(-24));
            }
            buy(kafka, t.get(9), cafe, "10000", hours(-54));
            // during: 9 treated members spend 20,000 (one of them refunded 8,000), 6 control members 10,000
            for (int i = 0; i < 9; i++) {
                PointsEarned p = purchase(t.get(i), cafe, "20000", hours(24));
                publish(kafka, p);
                purchases++;
                if (i == 8) {
                    refund(kafka, p, "8000");
                }
            }
            for (int i = 0; i < 6; i++) {
                buy(kafka, ctl.get(i), cafe, "10000", hours(24));
            }
            // after the end, and elsewhere during it: not the campaign's outcome
            buy(kafka, t.get(0), cafe, "90000", hours(60));
            buy(kafka, ctl.get(11), shop, "90000", hours(24));

            // not in the audience, each for one reason; each spends 90,000 at the cafe during the campaign
            // (amounts stay under ScoringTest's top spender: the grades rank every test's members)
            String notShared = run + "-x-not-shared"; // shares with the shop only
            String noConsent = run + "-x-no-consent"; // analytics never heard their consent
            String tooEarly = run + "-x-too-early"; // bought at fuel 54 hours before the start
            String refunded = run + "-x-refunded"; // their purchase at fuel was refunded in full
            String elsewhere = run + "-x-elsewhere"; // bought at the shop, not at fuel
            String noPersonalization = run + "-x-no-personalization"; // shares with all, no personalization
            String afterStart = run + "-x-after-start"; // bought at fuel only after the start
            excluded.addAll(
                    List.of(notShared, noConsent, tooEarly, refunded, elsewhere, noPersonalization, afterStart));
            for (String m : excluded) {
                join(kafka, m);
                if (m.equals(notShared)) {
                    consent(kafka, m, true, false, List.of(shop));
                } else if (m.equals(noPersonalization)) {
                    consent(kafka, m, false, true, List.of());
                } else if (!m.equals(noConsent)) {
                    consent(kafka, m, true, true, List.of());
                }
                if (m.equals(tooEarly)) {
                    buy(kafka, m, fuel, "50000", hours(-54));
                } else if (m.equals(refunded)) {
                    PointsEarned p = purchase(m, fuel, "50000", hours(-36));
                    publish(kafka, p);
                    purchases++;
                    refund(kafka, p, "50000");
                } else if (m.equals(elsewhere)) {
                    buy(kafka, m, shop, "50000", hours(-36));
                } else if (m.equals(afterStart)) {
                    buy(kafka, m, fuel, "50000", hours(12));
                } else {
                    buy(kafka, m, fuel, "50000", hours(-36));
                }
                buy(kafka, m, cafe, "90000", hours(24));
            }
            join(kafka, y);
            consent(kafka, y, true, true, List.of());
            buy(kafka, y, fuel2, "30000", hours(-24));
        }
        awaitIngested(4);

        String operator = TestTokens.operator();
        String base = "/analytics/v1/campaigns/";

        // A: the 24, 12 and 12; worked by hand:
        //   treatment before 3/12 = 0.25, 30,000/12 = 2,500.00; during 9/12 = 0.75, (9 x 20,000 - 8,000)/12 = 14,333.33
        //   control   before 3/12 = 0.25, 2,500.00;              during 6/12 = 0.5,  60,000/12 = 5,000.00
        //   lift: (0.75 - 0.25) - (0.5 - 0.25) = 0.25; (142,000 - 30,000)/12 = 9,333.33
        JsonPath lift = get(operator, base + a + "/lift", 200);
        assertEquals(12, lift.getLong("treatmentMembers"), lift.prettify());
        assertEquals(12, lift.getLong("controlMembers"));
        assertFalse(lift.getBoolean("suppressed"));
        assertEquals("CROSS_PARTNER", lift.getString("target"));
        assertEquals(fuel, lift.getString("audience.boughtAtPartnerId"));
        assertEquals(2, lift.getInt("audience.withinDays"));
        assertEquals(fuel, lift.getString("coFunderId"));
        assertEquals(start.minus(48, ChronoUnit.HOURS), Instant.parse(lift.getString("before.from")));
        assertEquals(start, Instant.parse(lift.getString("before.to")));
        assertEquals(start, Instant.parse(lift.getString("during.from")));
        assertEquals(end, Instant.parse(lift.getString("during.to")));
        assertEquals(0.25, lift.getDouble("purchaseShare.treatment.before"), 1e-12);
        assertEquals(0.75, lift.getDouble("purchaseShare.treatment.during"), 1e-12);
        assertEquals(0.5, lift.getDouble("purchaseShare.treatment.change"), 1e-12);
        assertEquals(0.25, lift.getDouble("purchaseShare.control.before"), 1e-12);
        assertEquals(0.5, lift.getDouble("purchaseShare.control.during"), 1e-12);
        assertEquals(0.25, lift.getDouble("purchaseShare.control.change"), 1e-12);
        assertEquals(0.25, lift.getDouble("purchaseShare.lift"), 1e-12);
        assertMoney("2500.00", lift, "spendPerMember.treatment.before");
        assertMoney("14333.33", lift, "spendPerMember.treatment.during");
        assertMoney("11833.33", lift, "spendPerMember.treatment.change");
        assertMoney("2500.00", lift, "spendPerMember.control.before");
        assertMoney("5000.00", lift, "spendPerMember.control.during");
        assertMoney("2500.00", lift, "spendPerMember.control.change");
        assertMoney("9333.33", lift, "spendPerMember.lift");
        // the lift's test: members' own changes, treatment against control (Welch), its difference the lift
        assertEquals(0.25, lift.getDouble("purchaseShare.test.difference"), 1e-12);
        assertEquals(12, lift.getLong("purchaseShare.test.treatmentMembers"));
        assertEquals(112_000.0 / 12, lift.getDouble("spendPerMember.test.difference"), 1e-6);
        for (String test : List.of("purchaseShare.test", "spendPerMember.test")) {
            double p = lift.getDouble(test + ".pValue");
            org.junit.jupiter.api.Assertions.assertTrue(p > 0 && p <= 1, test + " p " + p);
            org.junit.jupiter.api.Assertions.assertTrue(
                    lift.getDouble(test + ".ciLow") <= lift.getDouble(test + ".difference")
                            && lift.getDouble(test + ".difference") <= lift.getDouble(test + ".ciHigh"),
                    test + " interval");
        }
        assertFalse(lift.prettify().contains(run + "-"), "no member id in the report");

        // the A/B results of the same population during the campaign
        JsonPath results = get(operator, base + a + "/results", 200);
        assertEquals(12, results.getLong("purchaseRate.treatmentMembers"));
        assertEquals(12, results.getLong("purchaseRate.controlMembers"));
        assertEquals(0.75, results.getDouble("purchaseRate.treatment"), 1e-12);
        assertEquals(0.5, results.getDouble("purchaseRate.control"), 1e-12);
        assertEquals(172_000.0 / 12, results.getDouble("spendPerMember.treatment"), 1e-6);
        assertEquals(5_000.0, results.getDouble("spendPerMember.control"), 1e-6);

        // the campaign's partner and its co-funder see the same (12 >= k in each arm); another partner nothing
        for (String reader : List.of(cafe, fuel)) {
            JsonPath seen = get(TestTokens.partner(reader), base + a + "/lift", 200);
            assertEquals(lift.getMap("purchaseShare"), seen.getMap("purchaseShare"), reader);
            assertEquals(lift.getMap("spendPerMember"), seen.getMap("spendPerMember"), reader);
            assertEquals(12, seen.getLong("treatmentMembers"));
            assertEquals(
                    12,
                    get(TestTokens.partner(reader), base + a + "/results", 200).getLong("purchaseRate.controlMembers"));
        }
        given().auth()
                .oauth2(TestTokens.partner(shop))
                .get(base + a + "/lift")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", org.hamcrest.Matchers.is("not-your-campaign"));
        given().auth()
                .oauth2(TestTokens.partner(shop))
                .get(base + a + "/results")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(operator)
                .get(base + "no-such-" + run + "/lift")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.partner(cafe))
                .get(base + "no-such-" + run + "/lift")
                .then()
                .statusCode(404);
        // the co-funder lists the campaigns it co-funds
        assertTrue(get(TestTokens.partner(fuel), "/analytics/v1/campaigns", 200)
                .getList("campaignId", String.class)
                .contains(a));

        // B (never at the cafe before): the 24 less the 6 who bought there in the before-period and the one 54 hours
        // before
        JsonPath firstVisit = get(operator, base + b + "/lift", 200);
        assertEquals(17, firstVisit.getLong("treatmentMembers") + firstVisit.getLong("controlMembers"));
        assertEquals(0.0, firstVisit.getDouble("purchaseShare.treatment.before"), 0);
        assertEquals(0.0, firstVisit.getDouble("purchaseShare.control.before"), 0);
        JsonPath firstVisitResults = get(operator, base + b + "/results", 200);
        assertEquals(
                17,
                firstVisitResults.getLong("purchaseRate.treatmentMembers")
                        + firstVisitResults.getLong("purchaseRate.controlMembers"));

        // C (any partner of category fuel, whatever its case): the 24 and the member who bought at fuel2
        JsonPath category = get(operator, base + c + "/results", 200);
        assertEquals(
                25,
                category.getLong("purchaseRate.treatmentMembers") + category.getLong("purchaseRate.controlMembers"));

        // a joint campaign is never offered at the till, not even to a treated member of its audience
        List<String> offered = given().auth()
                .oauth2(TestTokens.partner(cafe))
                .get("/analytics/v1/offers?partnerId=" + cafe + "&cardNumber=card-" + t.get(0))
                .then()
                .statusCode(200)
                .extract()
                .path("campaignId");
        assertFalse(offered.contains(live), offered.toString());
    }

    @Test
    void aPartnerSeesTheLiftOnlyWithAtLeastKMembersInEachArm() throws Exception {
        String d = "ja-d-" + run;
        List<List<String>> arms = arms(d, "d", 10);
        List<String> t = arms.get(0);
        List<String> ctl = arms.get(1);
        String last = ctl.get(9);
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerRegistered(cafe, "Cafe " + run, "000-00-00000", "cafe"));
            publish(kafka, new PartnerRegistered(fuel, "Fuel " + run, "000-00-00000", "fuel"));
            publish(kafka, new PartnerRegistered(fuel2, "Fuel two " + run, "000-00-00000", "FUEL"));
            publish(kafka, new PartnerRegistered(shop, "Shop " + run, "000-00-00000", "grocery"));
            publish(kafka, new PartnerRegistered(fuelD, "Fuel D " + run, "000-00-00000", "fuel"));
            publish(kafka, joint(d, cafe, start, end, new CrossPartnerAudience(fuelD, null, 2, false), HALF, null));
            List<String> all = new ArrayList<>(t);
            all.addAll(ctl);
            for (String m : all) {
                join(kafka, m);
                consent(kafka, m, true, true, List.of());
                if (!m.equals(last)) {
                    buy(kafka, m, fuelD, "20000", hours(-24));
                }
                buy(kafka, m, cafe, "10000", hours(24));
            }
        }
        awaitIngested(1);
        String base = "/analytics/v1/campaigns/" + d;
        String partner = TestTokens.partner(cafe);

        // 10 treated, 9 control: operators see it all, the partner nothing but the campaign
        JsonPath exact = get(TestTokens.operator(), base + "/lift", 200);
        assertEquals(10, exact.getLong("treatmentMembers"));
        assertEquals(9, exact.getLong("controlMembers"));
        assertFalse(exact.getBoolean("suppressed"));
        JsonPath hidden = get(partner, base + "/lift", 200);
        assertTrue(hidden.getBoolean("suppressed"), hidden.prettify());
        assertEquals(d, hidden.getString("campaignId"));
        for (String field : List.of("treatmentMembers", "controlMembers", "purchaseShare", "spendPerMember")) {
            assertNull(hidden.get(field), field);
        }
        JsonPath hiddenResults = get(partner, base + "/results", 200);
        assertNull(hiddenResults.get("purchaseRate"));
        assertNull(hiddenResults.get("spendPerMember"));

        // the tenth control member joins the audience: now the partner sees the figures
        try (KafkaTestClient kafka = kafka()) {
            buy(kafka, last, fuelD, "20000", hours(-24));
        }
        awaitIngested(1);
        JsonPath shown = get(partner, base + "/lift", 200);
        assertFalse(shown.getBoolean("suppressed"), shown.prettify());
        assertEquals(10, shown.getLong("treatmentMembers"));
        assertEquals(10, shown.getLong("controlMembers"));
        assertEquals(1.0, shown.getDouble("purchaseShare.treatment.during"), 0);
        assertEquals(0.0, shown.getDouble("purchaseShare.lift"), 0);
        assertMoney("10000.00", shown, "spendPerMember.control.during");
        assertNotNull(get(partner, base + "/results", 200).get("purchaseRate"));
    }

    private static void assertMoney(String expected, JsonPath json, String path) {
        BigDecimal actual = json.get(path) == null ? null : new BigDecimal(json.getString(path));
        assertTrue(
                actual != null && actual.compareTo(new BigDecimal(expected)) == 0,
                path + ": expected " + expected + ", was " + actual);
    }
}
