package io.pointmesh.analytics;

import static io.pointmesh.analytics.ReportTest.value;
import static io.pointmesh.analytics.ScoringTest.ZONE;
import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.analytics.ScoringTest.daysAgo;
import static io.pointmesh.analytics.ScoringTest.purchase;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.analytics.service.ReportService.Row;
import io.pointmesh.analytics.service.ReportSnapshots;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Report snapshots (docs/analytics.md, "Report snapshots") with max-age and stale-while-revalidate
 * of an hour each, against the real database: a snapshot is served while fresh and recomputed once
 * it has expired; a stale one is served while one background computation replaces it; concurrent
 * requests for a missing key compute once; a partner's view and operators' view of a report, and
 * two partners' reports, never share a snapshot; the partner's budget of distinct answers is checked
 * before the snapshot is looked up and charged per different answer (a budget of 3 here); a regrade precomputes the default reports.
 * A snapshot's age is moved in the table (its computed_at), not by waiting.
 */
@QuarkusTest
@TestProfile(ReportSnapshotTest.Snapshots.class)
@WithTestResource(PointmeshTestResource.class)
class ReportSnapshotTest {

    public static class Snapshots implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "pointmesh.analytics.reports.max-age", "1h",
                    "pointmesh.analytics.reports.stale-while-revalidate", "1h",
                    "pointmesh.analytics.distinct-reports-per-day", "3",
                    // no daily precomputation during the tests (the regrade's is tested)
                    "pointmesh.analytics.reports.precompute-delay", "24h");
        }
    }

    @Inject
    Transactions transactions;

    @Inject
    ReportSnapshots snapshots;

    @AfterEach
    void policyBack() {
        snapshots.policy(Duration.ofHours(1), Duration.ofHours(1));
    }

    /** A partner with {@code customers} customers, each one purchase {@code days} ago (and 50 days ago for the first). */
    private static String partnerWith(int customers, int days) throws Exception {
        LocalDate today = LocalDate.now(ZONE);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String partner = "snap-" + run;
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerRegistered(partner, "Snapshot Mart " + run, "120-81-47521", "mart"));
            for (int i = 0; i < customers; i++) {
                String m = run + "-m" + i;
                publish(kafka, new MemberJoined(m, "c-" + m, "R" + i, null, 1990, "F", "Seoul"));
                publish(kafka, purchase(m, partner, "10000", daysAgo(today, days)));
            }
            publish(kafka, purchase(run + "-m0", partner, "10000", daysAgo(today, 50)));
        }
        awaitPurchases(partner, customers + 1);
        return partner;
    }

    private static void awaitPurchases(String partner, int n) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM purchase_fact WHERE partner_id = '" + partner + "'") == n);
    }

    private static void buy(String partner, String member) throws Exception {
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new MemberJoined(member, "c-" + member, "R", null, 1990, "F", "Seoul"));
            publish(kafka, purchase(member, partner, "10000", daysAgo(LocalDate.now(ZONE), 5)));
        }
    }

    private static Response ask(String token, String url) {
        return given().auth()
                .oauth2(token)
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    /** The partner's report of the last 30 days. */
    private static String lastMonth(String partner, String kind) {
        return "/analytics/v1/partners/" + partner + "/reports/" + kind + "?from="
                + LocalDate.now(ZONE).minusDays(30);
    }

    /** Makes the scope's snapshots older by the duration (as if computed that much earlier). */
    private void age(String partner, Duration by) {
        transactions.run(c -> Sql.update(
                c,
                "UPDATE report_snapshot SET computed_at = computed_at - ? * interval '1 second' WHERE scope = ?",
                by.toSeconds(),
                "partner:" + partner));
    }

    @Test
    void aSnapshotIsServedWhileFreshAndRecomputedOnceExpired() throws Exception {
        String partner = partnerWith(12, 10);
        String url = lastMonth(partner, "members");
        String operator = TestTokens.operator();
        Response first = ask(operator, url);
        assertEquals(12, value(first.jsonPath(), "summary", "customers", "members"));
        String computedAt = first.jsonPath().getString("computedAt");
        assertNotNull(computedAt);

        buy(partner, partner + "-new");
        awaitPurchases(partner, 14);
        Response fresh = ask(operator, url);
        assertEquals(computedAt, fresh.jsonPath().getString("computedAt"), "younger than max-age: the snapshot");
        assertEquals(12, value(fresh.jsonPath(), "summary", "customers", "members"));
        assertNotNull(fresh.header("Age"));

        age(partner, Duration.ofHours(3)); // beyond max-age + stale-while-revalidate: computed on the request
        Response expired = ask(operator, url);
        assertEquals(13, value(expired.jsonPath(), "summary", "customers", "members"));
        assertNotEquals(computedAt, expired.jsonPath().getString("computedAt"));
        assertTrue(Integer.parseInt(expired.header("Age")) < 10, expired.header("Age"));
    }

    @Test
    void aStaleSnapshotIsServedWhileOneBackgroundComputationReplacesIt() throws Exception {
        String partner = partnerWith(12, 10);
        String url = lastMonth(partner, "transactions");
        String operator = TestTokens.operator();
        JsonPath first = ask(operator, url).jsonPath();
        buy(partner, partner + "-new");
        awaitPurchases(partner, 14);

        age(partner, Duration.ofMinutes(61)); // past max-age, within stale-while-revalidate
        JsonPath stale = ask(operator, url).jsonPath();
        assertEquals(
                java.time.Instant.parse(first.getString("computedAt")).minus(Duration.ofMinutes(61)),
                java.time.Instant.parse(stale.getString("computedAt")),
                "the stale answer, at once");
        assertEquals(12, purchases(stale));
        // ...and a later request sees the one background recomputation's answer
        await().atMost(Duration.ofSeconds(30))
                .until(() -> purchases(ask(operator, url).jsonPath()) == 13);
    }

    private static long purchases(JsonPath report) {
        return report
                .getList("rows.findAll { it.metric == 'purchases' && it.section == 'sales-by-day' }.value", Long.class)
                .stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    @Test
    void concurrentRequestsForAMissingKeyComputeOnce() throws Exception {
        ReportSnapshots.Key key = new ReportSnapshots.Key(
                "test:" + UUID.randomUUID(),
                "members",
                LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 2, 1),
                LocalDate.of(2026, 1, 31),
                false,
                "test");
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ReportSnapshots.Snapshot> a = pool.submit(() -> snapshots.serve(key, () -> {
                computed.incrementAndGet();
                inside.countDown();
                awaitLatch(release);
                return List.of(new Row("summary", "customers", "members", BigDecimal.TEN));
            }));
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            // the second request arrives while the first computes: it waits for that computation
            Future<ReportSnapshots.Snapshot> b = pool.submit(() -> snapshots.serve(key, () -> {
                computed.incrementAndGet();
                return List.of(new Row("summary", "customers", "members", BigDecimal.ONE));
            }));
            Thread.sleep(500);
            release.countDown();
            assertEquals(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS));
            assertEquals(1, computed.get());
            assertEquals(BigDecimal.TEN, b.get().rows().get(0).value());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPartnersViewIsNeverServedFromOperatorsSnapshotNorAnotherPartners() throws Exception {
        String partner = partnerWith(12, 10);
        String other = partnerWith(11, 10);
        String query = "/reports/members?from=" + LocalDate.now(ZONE).minusDays(30);
        JsonPath operators = ask(TestTokens.operator(), "/analytics/v1/partners/" + partner + query)
                .jsonPath();
        JsonPath others = ask(TestTokens.operator(), "/analytics/v1/partners/" + other + query)
                .jsonPath();
        assertEquals(11, value(others, "summary", "customers", "members"), "the other partner's own report");

        String token = TestTokens.partner(partner);
        JsonPath own = ask(token, "/analytics/v1/partners/" + partner + query).jsonPath();
        assertEquals(0.5, own.getDouble("noiseEpsilon"));
        assertNotEquals(operators.getString("computedAt"), own.getString("computedAt"), "computed, not operators'");
        assertEquals(12, value(own, "summary", "customers", "members"));
        assertEquals(
                1,
                count("SELECT count(*) FROM report_snapshot WHERE scope = 'partner:" + partner
                        + "' AND kind = 'members' AND view = 'partner'"));

        // asked again: its own snapshot, the very answer it was computed as
        JsonPath again = ask(token, "/analytics/v1/partners/" + partner + query).jsonPath();
        assertEquals(own.getString("computedAt"), again.getString("computedAt"));
        assertEquals(own.getList("rows"), again.getList("rows"));
        // ...which is what the partner gets computed (noise keyed to the report, not to the time)
        snapshots.policy(Duration.ZERO, Duration.ZERO);
        JsonPath computed =
                ask(token, "/analytics/v1/partners/" + partner + query).jsonPath();
        assertEquals(own.getList("rows"), computed.getList("rows"));
        snapshots.policy(Duration.ofHours(1), Duration.ofHours(1));

        // operators still get theirs: exact, no noise
        JsonPath operatorsAgain = ask(TestTokens.operator(), "/analytics/v1/partners/" + partner + query)
                .jsonPath();
        assertEquals(operators.getString("computedAt"), operatorsAgain.getString("computedAt"));
        assertTrue(operatorsAgain.get("noiseEpsilon") == null);
    }

    /**
     * The budget is the partner's, not an instance's: answers another instance charged today count (they were kept
     * in each instance's memory, so two replicas gave a partner twice the budget and a restart a fresh one), and
     * earlier days' do not (those before yesterday are deleted as the partner is charged).
     */
    @Test
    void theBudgetIsSharedByEveryInstanceAndOutlivesARestart() throws Exception {
        String partner = partnerWith(12, 10);
        String token = TestTokens.partner(partner);
        LocalDate today = LocalDate.now(ZONE);
        for (int i = 0; i < 5; i++) {
            charged(partner, today.minusDays(2), "members|two days ago|" + i);
            charged(partner, today.minusDays(1), "members|yesterday|" + i);
        }
        for (int i = 0; i < 2; i++) {
            charged(partner, today, "members|another instance|" + i);
        }
        String base = "/analytics/v1/partners/" + partner + "/reports/";
        ask(token, base + "members?from=" + today.minusDays(21)); // the third answer today
        // two days ago is gone; yesterday's stay a day, for an instance whose clock is still there
        assertEquals(
                5,
                count("SELECT count(*) FROM report_budget_answer WHERE partner_id = '" + partner + "' AND day < '"
                        + today + "'"));
        given().auth()
                .oauth2(token)
                .get(base + "transactions?from=" + today.minusDays(21))
                .then()
                .statusCode(429)
                .body("code", org.hamcrest.Matchers.is("report-budget-spent"));
        ask(token, base + "members?from=" + today.minusDays(21)); // the same answer again: free
        assertEquals(
                3,
                count("SELECT count(*) FROM report_budget_answer WHERE partner_id = '" + partner + "' AND day = '"
                        + today + "'"));
    }

    /** An answer charged to the partner's budget on {@code day}, as another instance would have. */
    private void charged(String partner, LocalDate day, String report) {
        transactions.run(c -> Sql.update(
                c,
                "INSERT INTO report_budget_answer (partner_id, day, report, answer) VALUES (?, ?, ?, ?)",
                partner,
                day,
                report,
                UUID.randomUUID().toString()));
    }

    @Test
    void theBudgetIsSpentBeforeTheSnapshotIsLookedUp() throws Exception {
        String partner = partnerWith(12, 10);
        String token = TestTokens.partner(partner);
        LocalDate today = LocalDate.now(ZONE);
        String base = "/analytics/v1/partners/" + partner + "/reports/";
        String window = "?from=" + today.minusDays(21);
        JsonPath members = ask(token, base + "members" + window).jsonPath();
        ask(token, base + "transactions" + window);
        ask(token, base + "members?from=" + today.minusDays(70)); // three distinct reports: the budget
        ask(token, base + "members" + window); // a repeat is free

        // the stores report of the same window has a snapshot (as if precomputed): asking for it is still a new report
        transactions.run(c -> Sql.update(
                c,
                "INSERT INTO report_snapshot (scope, kind, from_date, to_date, as_of, view, settings, computed_at, millis, rows) "
                        + "SELECT scope, 'stores', from_date, to_date, as_of, view, settings, computed_at, millis, '[]' "
                        + "FROM report_snapshot WHERE scope = ? AND kind = 'members' AND view = 'partner' AND from_date = ?",
                "partner:" + partner,
                LocalDate.parse(members.getString("from"))));
        assertEquals(
                1,
                count("SELECT count(*) FROM report_snapshot WHERE scope = 'partner:" + partner
                        + "' AND kind = 'stores'"));
        given().auth()
                .oauth2(token)
                .get(base + "stores" + window)
                .then()
                .statusCode(429)
                .contentType("application/problem+json");
        ask(token, base + "members" + window);

        // a new customer in the window redraws the noise: the same report's new answer is a new sample of it, and
        // is charged (free, a test purchase in the window gave samples to average without end)
        buy(partner, partner + "-late");
        awaitPurchases(partner, 14);
        age(partner, Duration.ofHours(3));
        given().auth()
                .oauth2(token)
                .get(base + "members" + window)
                .then()
                .statusCode(429)
                .body("code", org.hamcrest.Matchers.is("report-budget-spent"));
    }

    @Test
    void aRegradePrecomputesTheDefaultReports() throws Exception {
        String partner = partnerWith(12, 10);
        long started = count("SELECT (extract(epoch FROM now()) * 1000)::bigint");
        given().auth()
                .oauth2(TestTokens.operator())
                .post("/analytics/v1/scores/recompute")
                .then()
                .statusCode(200);
        LocalDate today = LocalDate.now(ZONE);
        String since = " AND computed_at >= to_timestamp(" + started + " / 1000.0)";
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count("SELECT count(*) FROM report_snapshot WHERE scope = 'network' AND view = 'operator' "
                                        + "AND as_of = '" + today + "' AND to_date = '" + today.plusDays(1)
                                        + "' AND from_date = '"
                                        + today.plusDays(1).minusMonths(12) + "'" + since)
                                == 4 // members, transactions, stores, rewards
                        && count("SELECT count(*) FROM report_snapshot WHERE scope = 'partner:" + partner + "'" + since)
                                == 8); // the four, in both views
        // the dashboard's load is then a read: the reports answer the precomputed snapshots (computed before the ask)
        java.time.Instant asked = java.time.Instant.now();
        for (String kind : List.of("members", "transactions", "stores", "rewards")) {
            JsonPath network = ask(TestTokens.operator(), "/analytics/v1/network/reports/" + kind)
                    .jsonPath();
            assertTrue(java.time.Instant.parse(network.getString("computedAt")).isBefore(asked), kind);
        }
        String staff = TestTokens.partner(partner);
        JsonPath own = ask(staff, "/analytics/v1/partners/" + partner + "/reports/members")
                .jsonPath();
        assertEquals(12, value(own, "summary", "customers", "members"));
        assertTrue(java.time.Instant.parse(own.getString("computedAt")).isBefore(asked), "the partner's, precomputed");
    }
}
