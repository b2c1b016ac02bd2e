package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.ZONE;
import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.analytics.ScoringTest.purchase;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberProfileChanged;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/privacy.md against a curious partner, over real ingested events. A shop has 21 customers in
 * week A (20 allow personalization: 18 women and 2 men, 17 in Seoul and 3 in Jeju, all born 1990;
 * one does not consent) and exactly one, M (a woman from Seoul born 1990), in week B. A rival has 12
 * customers of its own, 3 of them shared with the shop.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyTest {

    static final int K = 10;
    /** Rows whose value counts members (or purchases, intervals by them): each a partner sees must be at least k. */
    static final Set<String> COUNTS =
            Set.of("members", "customers", "purchases", "intervals", "shared-customers", "previous-customers");
    /** Rows the shop's own purchase records do not tell it: noisy for the partner. */
    static final Set<String> DERIVED = Set.of("gender", "age", "region", "grade", "segment", "segment-flow", "risk");

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String shop = "shop-" + run;
    final String rival = "rival-" + run;
    final String target = run + "-target";
    final String refuser = run + "-b20";
    final LocalDate weekA = LocalDate.now(ZONE)
            .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
            .minusWeeks(4);
    final LocalDate weekB = weekA.plusWeeks(1);

    @BeforeAll
    void customers() throws Exception {
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerRegistered(rival, "Rival Mart " + run, "120-81-47521", "mart"));
            for (int i = 0; i <= 20; i++) {
                String m = run + "-b" + i;
                publish(kafka, new MemberJoined(m, "c-" + m, "R" + i, null, 1990, "F", "Seoul"));
                if (i < 20) { // b20 declines personalization; b19 allows it but shares with no partner
                    publish(
                            kafka,
                            new ConsentChanged(
                                    m, false, false, false, true, false, i == 19 ? List.of() : List.of(shop)));
                    publish(
                            kafka,
                            new MemberProfileChanged(m, 1990, i == 3 || i == 4 ? "M" : "F", i < 3 ? "Jeju" : "Seoul"));
                }
                publish(
                        kafka,
                        purchase(
                                m,
                                shop,
                                String.valueOf(10000 + 1000 * i),
                                weekA.plusDays(2).atTime(12, 0).atZone(ZONE).toInstant()));
                if (i < 3) {
                    publish(
                            kafka,
                            purchase(
                                    m,
                                    rival,
                                    "5000",
                                    weekA.plusDays(3).atTime(12, 0).atZone(ZONE).toInstant()));
                }
            }
            publish(kafka, new MemberJoined(target, "c-" + target, "RT", null, 1990, "F", "Seoul"));
            publish(kafka, new ConsentChanged(target, false, false, false, true, false, List.of(shop)));
            publish(kafka, new MemberProfileChanged(target, 1990, "F", "Seoul"));
            publish(
                    kafka,
                    purchase(
                            target,
                            shop,
                            "30000",
                            weekB.plusDays(2).atTime(12, 0).atZone(ZONE).toInstant()));
            for (int i = 0; i < 12; i++) {
                String m = run + "-r" + i;
                publish(kafka, new MemberJoined(m, "c-" + m, "Q" + i, null, 1980, "M", "Busan"));
                publish(
                        kafka,
                        purchase(
                                m,
                                rival,
                                "7000",
                                weekA.plusDays(4).atTime(12, 0).atZone(ZONE).toInstant()));
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM purchase_fact WHERE member_id LIKE '" + run + "%'") == 37
                        && count("SELECT count(*) FROM member_dim WHERE member_id LIKE '" + run
                                        + "%' AND birth_year IS NOT NULL")
                                == 21);
    }

    JsonPath report(String token, String kind, LocalDate from, LocalDate to) {
        return given().auth()
                .oauth2(token)
                .get("/analytics/v1/partners/" + shop + "/reports/" + kind + "?from=" + from + "&to=" + to)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static List<Map<String, Object>> rows(JsonPath report) {
        return report.getList("rows");
    }

    @Test
    void aOneDayWindowIsRefusedAndAWeekOfOneCustomerShowsNothing() {
        String token = TestTokens.partner(shop);
        String problem = given().auth()
                .oauth2(token)
                .get("/analytics/v1/partners/" + shop + "/reports/members?from=" + weekB.plusDays(2) + "&to="
                        + weekB.plusDays(3))
                .then()
                .statusCode(400)
                .extract()
                .asString();
        assertTrue(problem.contains("at least 7 days"), problem);
        // week B: M alone. Every report answers, and no row at all (not even a labelled "suppressed" one)
        for (String kind : List.of("members", "transactions", "stores")) {
            JsonPath r = report(token, kind, weekB, weekB.plusWeeks(1));
            assertEquals(List.of(), rows(r), kind + " " + r.prettify());
            String csv = given().auth()
                    .oauth2(token)
                    .accept("text/csv")
                    .get("/analytics/v1/partners/" + shop + "/reports/" + kind + "?from=" + weekB + "&to="
                            + weekB.plusWeeks(1))
                    .then()
                    .statusCode(200)
                    .contentType(containsString("text/csv"))
                    .extract()
                    .asString();
            assertEquals("section,label,metric,value", csv.strip(), kind);
        }
        // the operator sees the week as it is: one customer
        assertEquals(
                1,
                ReportTest.value(
                        report(TestTokens.operator(), "members", weekB, weekB.plusWeeks(1)),
                        "summary",
                        "customers",
                        "members"));
    }

    @Test
    void everyRowAPartnerSeesIsAboutAtLeastKMembersAndSmallGroupsLeaveNoLabel() {
        String token = TestTokens.partnerStaff(shop); // a staff sign-in reads what the integration client does
        for (String kind : List.of("members", "transactions", "stores")) {
            JsonPath r = report(token, kind, weekA, weekB.plusWeeks(1));
            assertFalse(rows(r).isEmpty(), kind);
            for (Map<String, Object> row : rows(r)) {
                assertTrue(
                        row.get("value") != null
                                && !"suppressed".equals(row.get("metric"))
                                && !"profile-suppressed".equals(row.get("metric")),
                        "a left-out row is left out entirely: " + row);
                if (COUNTS.contains((String) row.get("metric"))) {
                    assertTrue(((Number) row.get("value")).longValue() >= K, kind + ": " + row);
                }
            }
            String csv = given().auth()
                    .oauth2(token)
                    .accept("text/csv")
                    .get("/analytics/v1/partners/" + shop + "/reports/" + kind + "?from=" + weekA + "&to="
                            + weekB.plusWeeks(1))
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            // 3 in Jeju, 2 men, 3 shared with the rival: not a trace of them, in JSON or CSV
            assertTrue(
                    rows(r).stream()
                            .noneMatch(row -> String.valueOf(row.get("label")).equals("Jeju")
                                    || String.valueOf(row.get("label")).contains("Rival Mart")
                                    || row.get("section").equals("gender") && "M".equals(row.get("label"))),
                    kind + " names a small group: " + r.prettify());
            for (String small : List.of("Jeju", "gender,M,", "Rival Mart")) {
                assertFalse(csv.contains(small), kind + " CSV names " + small);
            }
        }
        // the operator (exact figures) does see that those groups exist: the protection is what hides them
        JsonPath ops = report(TestTokens.operator(), "members", weekA, weekB.plusWeeks(1));
        assertEquals("suppressed", ReportTest.metric(ops, "region", "Jeju"));
        assertEquals(22, ReportTest.value(ops, "summary", "customers", "members"));
        assertTrue(
                rows(ops).stream()
                        .anyMatch(row -> COUNTS.contains((String) row.get("metric"))
                                && row.get("value") != null
                                && ((Number) row.get("value")).longValue() < K),
                "the exact report has small rows for the partner's view to leave out");
    }

    @Test
    void subtractingTwoWindowsDoesNotSingleOutTheMember() {
        String token = TestTokens.partner(shop);
        // 1. two windows one day apart, the day of M's only purchase: both are widened to the same whole weeks, the
        // same report
        for (String kind : List.of("members", "transactions", "stores")) {
            JsonPath without = report(token, kind, weekA, weekB.plusDays(2));
            JsonPath with = report(token, kind, weekA, weekB.plusDays(3));
            assertEquals(weekB.plusWeeks(1).toString(), without.getString("to"));
            assertEquals(rows(without), rows(with), kind + ": the day's difference is not visible");
        }

        // 2. two aligned windows a week apart: the shop knows exactly who differs (its own records: 21 customers, then
        // 22, M the
        // only one new), and tries to read M's gender, age, region, grade and segment off the differences of the other
        // rows
        JsonPath a = report(token, "members", weekA, weekB);
        JsonPath b = report(token, "members", weekA, weekB.plusWeeks(1));
        assertEquals(21, ReportTest.value(a, "summary", "customers", "members"));
        assertEquals(22, ReportTest.value(b, "summary", "customers", "members"));
        // the truth, from the exact (operator) reports of the same windows: what each row's difference would be without
        // noise
        Map<String, Long> truth = diff(
                derived(report(TestTokens.operator(), "members", weekA, weekB)),
                derived(report(TestTokens.operator(), "members", weekA, weekB.plusWeeks(1))));
        assertEquals(1L, truth.get("gender/F"), "M is a woman: an exact report would say so by a difference of one");
        assertEquals(1L, truth.get("region/Seoul"));
        Map<String, Long> seen = diff(derived(a), derived(b));
        assertTrue(seen.size() >= 4, "the rows are there to subtract: " + seen);
        long revealed = seen.entrySet().stream()
                .filter(e -> e.getValue().equals(truth.getOrDefault(e.getKey(), 0L)))
                .count();
        // the store profile's share of women is one more difference to read M's gender off
        String store = "stores";
        BigDecimal shareSeen = shareFemale(report(token, store, weekA, weekB.plusWeeks(1)))
                .subtract(shareFemale(report(token, store, weekA, weekB)));
        BigDecimal shareTruth = shareFemale(report(TestTokens.operator(), store, weekA, weekB.plusWeeks(1)))
                .subtract(shareFemale(report(TestTokens.operator(), store, weekA, weekB)));
        if (shareSeen.compareTo(shareTruth) == 0) {
            revealed++;
        }
        // each difference carries the difference of two independent noises (a count's is exact with probability 0.13
        // at epsilon 0.5, the share's less often): the attacker cannot tell which rows, if any, are exact; that all
        // six are (chance under 0.13^6, about 5e-6: what once failed at five rows) would be the attack succeeding.
        // DisclosureTest checks the independence itself, deterministically, over thousands of rows.
        assertTrue(
                revealed < seen.size() + 1,
                "differences " + seen + " and share " + shareSeen + " are the truth " + truth + ", " + shareTruth);
        // and asking again answers the same noise, so repeating a report cannot average it away
        assertEquals(rows(b), rows(report(token, "members", weekA, weekB.plusWeeks(1))));
        // nor does padding the window with empty weeks before or after: it is the same report, with the same noise
        assertEquals(rows(b), rows(report(token, "members", weekA.minusWeeks(5), weekB.plusWeeks(1))));
        assertEquals(rows(b), rows(report(token, "members", weekA.minusWeeks(2), weekB.plusWeeks(3))));
    }

    /** The one store's share of women among its consenting customers (noisy for a partner). */
    static BigDecimal shareFemale(JsonPath report) {
        return rows(report).stream()
                .filter(row -> "share-female".equals(row.get("metric")))
                .map(row -> new BigDecimal(String.valueOf(row.get("value"))))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no share-female in " + report.prettify()));
    }

    /** The derived rows (section/label to value) of a report. */
    static Map<String, Long> derived(JsonPath report) {
        Map<String, Long> out = new HashMap<>();
        for (Map<String, Object> row : rows(report)) {
            if (DERIVED.contains((String) row.get("section")) && "members".equals(row.get("metric"))) {
                out.put(row.get("section") + "/" + row.get("label"), ((Number) row.get("value")).longValue());
            }
        }
        return out;
    }

    /** after - before, for the rows in both. */
    static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new HashMap<>();
        before.forEach((key, v) -> {
            if (after.containsKey(key)) {
                out.put(key, after.get(key) - v);
            }
        });
        return out;
    }

    @Test
    void aMemberWithoutThePersonalizationConsentIsInNoPersonalizedRow() {
        String asOf = LocalDate.now(ZONE).toString();
        given().auth()
                .oauth2(TestTokens.operator())
                .post("/analytics/v1/scores/recompute?asOf=" + asOf)
                .then()
                .statusCode(200);
        List<String> ranked = given().auth()
                .oauth2(TestTokens.partner(shop))
                .get("/analytics/v1/partners/" + shop + "/churn-risk?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("memberId", String.class);
        assertEquals(
                20, ranked.size(), "the 20 customers who allow personalization and share with the shop: " + ranked);
        assertTrue(ranked.contains(target));
        assertFalse(ranked.contains(refuser), "the customer who declined personalization is not ranked");
        // P(alive), grade and segment come from purchases across the network: without the sharing consent the shop
        // learns none of them
        assertFalse(ranked.contains(run + "-b19"), "the customer who shares with no partner is not ranked");
        // demographics count consenting customers only: 21 of the 22 (exact, as operators see them)
        JsonPath ops = report(TestTokens.operator(), "members", weekA, weekB.plusWeeks(1));
        assertEquals(21, ReportTest.value(ops, "age", "30s", "members"));
        assertEquals(22, ReportTest.value(ops, "summary", "customers", "members"));
    }

    @Test
    void aPartnerSeesItsOwnCustomersOnly() {
        String token = TestTokens.partner(shop);
        JsonPath members = report(token, "members", weekA, weekB.plusWeeks(1));
        assertEquals(
                22,
                ReportTest.value(members, "summary", "customers", "members"),
                "the rival's 12 customers are not the shop's");
        // no network balances or activity: the shop's cohorts are its own customers by their first purchase with it
        assertTrue(rows(members).stream().noneMatch(r -> "average-balance".equals(r.get("metric"))));
        assertTrue(
                members
                        .getList(
                                "rows.findAll { it.section == 'vintage' && it.metric == 'members' }.value",
                                Integer.class)
                        .stream()
                        .allMatch(n -> n >= K && n <= 22));
        JsonPath tx = report(token, "transactions", weekA, weekB.plusWeeks(1));
        assertTrue(
                rows(tx).stream().noneMatch(r -> "cross-partner".equals(r.get("section"))),
                "3 shared customers are too few: " + tx.prettify());
        JsonPath stores = report(token, "stores", weekA, weekB.plusWeeks(1));
        assertTrue(
                rows(stores).stream().allMatch(r -> ((String) r.get("label")).startsWith(shop + "/")),
                stores.prettify());
        assertTrue(rows(stores).stream().noneMatch(r -> "average-age".equals(r.get("metric"))));
        // another partner's reports and the network's are refused
        given().auth()
                .oauth2(TestTokens.partner(rival))
                .get("/analytics/v1/partners/" + shop + "/reports/members")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partnerStaff(rival))
                .get("/analytics/v1/partners/" + shop + "/churn-risk")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(token)
                .get("/analytics/v1/network/reports/members")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(token)
                .get("/analytics/v1/network/partners")
                .then()
                .statusCode(403);
        assertNotEquals(0, rows(members).size());
    }

    @jakarta.inject.Inject
    io.pointmesh.analytics.repository.ReportRepository reportRepository;

    @jakarta.inject.Inject
    io.pointmesh.platform.sql.Transactions transactions;

    /**
     * A partner's noise is keyed to its customers; it was keyed to the set alone, so a customer who
     * withdrew personalization (the same customers, one fewer counted) changed the demographic rows
     * under the same noise: the same report before and after, subtracted, told that customer's
     * gender, age and region exactly. The key now changes with any customer's consent or status.
     */
    @Test
    void aConsentChangeDrawsFreshNoiseSoTwoAnswersDoNotSubtract() throws Exception {
        String member = run + "-flip";
        String flipShop = "flip-shop-" + run; // its own partner: the class's shop keeps its 22 customers
        java.time.Instant bought = weekA.plusDays(2).atTime(15, 0).atZone(ZONE).toInstant();
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new MemberJoined(member, "c-" + member, "RF", null, 1990, "F", "Seoul"));
            publish(kafka, new ConsentChanged(member, false, false, false, true, false, List.of(flipShop)));
            publish(kafka, purchase(member, flipShop, "12000", bought));
        }
        var scope = new io.pointmesh.analytics.repository.ReportRepository.Scope(
                flipShop,
                weekA.atStartOfDay(ZONE).toInstant(),
                weekB.plusWeeks(1).atStartOfDay(ZONE).toInstant(),
                weekB.plusDays(6));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> transactions.run(c -> io.pointmesh.platform.sql.Sql.scalarLong(
                                c,
                                "SELECT count(*) FROM member_dim d JOIN purchase_fact p USING (member_id) "
                                        + "WHERE d.member_id = ? AND d.personalization",
                                member))
                        == 1);
        String consenting = transactions.run(c -> reportRepository.customersFingerprint(c, scope));
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new ConsentChanged(member, false, false, false, false, false, List.of()));
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> transactions.run(c -> io.pointmesh.platform.sql.Sql.scalarLong(
                                c,
                                "SELECT count(*) FROM member_dim WHERE member_id = ? AND NOT personalization",
                                member))
                        == 1);
        String withdrawn = transactions.run(c -> reportRepository.customersFingerprint(c, scope));
        org.junit.jupiter.api.Assertions.assertNotEquals(
                consenting, withdrawn, "the same customers with one consent withdrawn key other noise");
        // the same customers, nothing changed: the same key (asking again draws nothing new)
        assertEquals(withdrawn, transactions.run(c -> reportRepository.customersFingerprint(c, scope)));
        // consent again, then a move to another region: each is a new key
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new ConsentChanged(member, false, false, false, true, false, List.of(flipShop)));
            publish(kafka, new MemberProfileChanged(member, 1990, "F", "Seoul"));
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> transactions.run(c -> io.pointmesh.platform.sql.Sql.scalarLong(
                                c, "SELECT count(*) FROM member_dim WHERE member_id = ? AND region = 'Seoul'", member))
                        == 1);
        String inSeoul = transactions.run(c -> reportRepository.customersFingerprint(c, scope));
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new MemberProfileChanged(member, 1990, "F", "Busan"));
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> transactions.run(c -> io.pointmesh.platform.sql.Sql.scalarLong(
                                c, "SELECT count(*) FROM member_dim WHERE member_id = ? AND region = 'Busan'", member))
                        == 1);
        org.junit.jupiter.api.Assertions.assertNotEquals(
                inSeoul,
                transactions.run(c -> reportRepository.customersFingerprint(c, scope)),
                "a customer's move keys other noise");
    }
}
