package io.pointmesh.ledger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.Grade;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.ledger.service.AwardWorker;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk awards (docs/ledger.md, "Bulk awards"): a hundred thousand members credited exactly once
 * with exact totals, a crash in the middle of a batch and a resumption by other workers, the
 * idempotency of the request, who may award to whom, and what is refused. The scheduled worker
 * is off in tests (%test.pointmesh.ledger.awards.interval=off): each test drives AwardWorker itself.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
@TestProfile(AwardTest.OwnApplication.class)
class AwardTest {

    /**
     * Its own application start, so the test classes after it start on a fresh database (each start
     * recreates it): its 100,000 members' lots, valid for 60 months, would otherwise be the first the
     * expiry job finds when a later test moves the clock by years.
     */
    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pointmesh.ledger.awards.batch-size", "500");
        }
    }

    private static final Logger LOG = Logger.getLogger(AwardTest.class);

    @Inject
    Transactions transactions;

    @Inject
    AwardWorker worker;

    @AfterEach
    void invariantsHold() {
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }

    // ------------------------------------------------------------------ 1. a hundred thousand members

    @Test
    void aHundredThousandMembersAreEachCreditedOnceWithExactTotals() {
        int n = 100_000;
        long points = 70;
        String prefix = "aw1-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String partner = LedgerFixture.partner();
        long t0 = System.nanoTime();
        List<String> members = seedMembers(prefix, n, "ACTIVE", "GENERAL");
        long seeded = System.nanoTime();
        String awardId = "thanks-" + UUID.randomUUID();
        Map<String, Object> body = award(awardId, points, "PARTNER", partner, Map.of("memberIds", members));
        post(TestTokens.operator(), body)
                .statusCode(202)
                .body("status", is("PENDING"), "members", is(n), "credited", is(0), "skipped", is(0));
        long accepted = System.nanoTime();
        int batches = worker.drain(Duration.ofMinutes(20));
        long done = System.nanoTime();
        LOG.infof(
                "bulk award of %d members: seeded in %d ms, accepted (audience resolved) in %d ms, credited in %d ms "
                        + "(%d batches)",
                n, (seeded - t0) / 1_000_000, (accepted - seeded) / 1_000_000, (done - accepted) / 1_000_000, batches);
        get(TestTokens.operator(), awardId, null)
                .statusCode(200)
                .body(
                        "status", is("DONE"),
                        "members", is(n),
                        "credited", is(n),
                        "skipped", is(0),
                        "pending", is(0),
                        "pointsCredited", is((int) (n * points)));
        assertEquals(
                n * points,
                scalar("SELECT coalesce(sum(balance), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
        assertEquals(
                n * points,
                scalar("SELECT coalesce(sum(available), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
        assertEquals(
                -n * points,
                scalar(
                        "SELECT coalesce(sum(balance), 0) FROM account_shard WHERE account_id = ?",
                        "partner:" + partner + ":issuance"));
        assertEquals(n, scalar("SELECT count(*) FROM transfer WHERE kind = 'AWARD' AND partner_id = ?", partner));
        assertEquals(
                n,
                scalar(
                        "SELECT count(DISTINCT credit_account) FROM transfer WHERE kind = 'AWARD' AND partner_id = ?",
                        partner));
        assertEquals(n, scalar("SELECT count(*) FROM lot WHERE source = 'AWARD' AND member_id LIKE ?", prefix + "%"));
        // one event per member, through the outbox
        assertEquals(n, awardEvents(awardId));
        assertEquals(
                n,
                scalar(
                        "SELECT count(DISTINCT event_key) FROM outbox_event WHERE event_type = 'ledger.points-awarded' "
                                + "AND payload LIKE ?",
                        "%\"awardId\":\"" + awardId + "\"%"));
        // the partner's totals count the award as its issuance
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + partner + "/totals?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z")
                .then()
                .statusCode(200)
                .body("pointsIssued", is((int) (n * points)));
        // nothing is left to do; running again changes nothing
        assertEquals(0, worker.drain(Duration.ofSeconds(5)));
        assertEquals(n, scalar("SELECT count(*) FROM transfer WHERE kind = 'AWARD' AND partner_id = ?", partner));
    }

    // ------------------------------------------------------------------ 2. a crash midway, then a restart

    @Test
    void aCrashInTheMiddleOfABatchRollsItBackAndTheRestartCreditsEachMemberOnce() throws Exception {
        int n = 2_000;
        long points = 25;
        String prefix = "aw2-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> members = seedMembers(prefix, n, "ACTIVE", "GENERAL");
        long promotionBefore =
                scalar("SELECT coalesce(sum(balance), 0) FROM account_shard WHERE account_id = 'network:promotion'");
        String awardId = "restart-" + UUID.randomUUID();
        post(TestTokens.operator(), award(awardId, points, "NETWORK", null, Map.of("memberIds", members)))
                .statusCode(202);
        UUID award = awardKey(awardId);
        // two batches go through
        assertEquals(300, worker.processBatch(award, 300, AwardWorker.Hook.NONE).credited());
        assertEquals(300, worker.processBatch(award, 300, AwardWorker.Hook.NONE).credited());
        get(TestTokens.operator(), awardId, null).statusCode(200).body("status", is("RUNNING"), "credited", is(600));
        // the third dies after crediting half its members: the whole batch is rolled back
        RuntimeException crash = assertThrows(
                RuntimeException.class,
                () -> worker.processBatch(award, 300, (i, m) -> {
                    if (i == 150) {
                        throw new IllegalStateException("simulated crash after 150 members of the batch");
                    }
                }));
        assertTrue(crash.getMessage().contains("simulated crash"), crash.toString());
        get(TestTokens.operator(), awardId, null)
                .statusCode(200)
                .body("credited", is(600), "pending", is(n - 600), "pointsCredited", is((int) (600 * points)));
        assertEquals(
                600,
                scalar(
                        "SELECT count(*) FROM transfer t JOIN award_member a ON a.posting_id = t.ref "
                                + "WHERE a.award = ?::uuid",
                        award.toString()));
        assertEquals(600, awardEvents(awardId));
        assertEquals(
                600 * points,
                scalar("SELECT coalesce(sum(balance), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
        // a restart: two fresh workers (two instances) resume side by side and finish it
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                runs.add(pool.submit(() -> {
                    int credited = 0;
                    for (AwardWorker.Batch b;
                            (b = worker.processBatch(award, 97, AwardWorker.Hook.NONE)).members() > 0; ) {
                        credited += b.credited();
                    }
                    return credited;
                }));
            }
            int resumed = 0;
            for (Future<Integer> f : runs) {
                resumed += f.get();
            }
            assertEquals(n - 600, resumed);
        } finally {
            pool.shutdownNow();
        }
        get(TestTokens.operator(), awardId, null)
                .statusCode(200)
                .body("status", is("DONE"), "credited", is(n), "pending", is(0), "pointsCredited", is((int)
                        (n * points)));
        // exactly once per member, exact totals
        assertEquals(
                0,
                scalar(
                        "SELECT count(*) FROM (SELECT credit_account FROM transfer WHERE kind = 'AWARD' "
                                + "AND credit_account LIKE ? GROUP BY credit_account HAVING count(*) <> 1) x",
                        "member:" + prefix + "%"));
        assertEquals(
                n,
                scalar(
                        "SELECT count(*) FROM transfer WHERE kind = 'AWARD' AND credit_account LIKE ?",
                        "member:" + prefix + "%"));
        assertEquals(
                n * points,
                scalar("SELECT coalesce(sum(balance), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
        assertEquals(
                promotionBefore - n * points,
                scalar("SELECT coalesce(sum(balance), 0) FROM account_shard WHERE account_id = 'network:promotion'"));
        assertEquals(n, awardEvents(awardId));
        // I15 in the database: no second AWARD transfer for a credited member, no credited row undone
        String member = members.get(0);
        String posting = transactions.run(c -> Sql.one(
                        c,
                        "SELECT posting_id::text FROM award_member WHERE award = ? AND member_id = ?",
                        rs -> rs.getString(1),
                        award,
                        member)
                .orElseThrow());
        assertThrows(
                RuntimeException.class,
                () -> transactions.run(c -> Sql.update(
                        c,
                        "INSERT INTO transfer (debit_account, credit_account, amount, kind, ref, shard, posted_at) "
                                + "VALUES ('network:promotion', ?, 25, 'AWARD', ?::uuid, 0, now())",
                        "member:" + member,
                        posting)));
        assertThrows(
                RuntimeException.class,
                () -> transactions.run(c -> Sql.update(
                        c,
                        "INSERT INTO transfer (debit_account, credit_account, amount, kind, ref, shard, posted_at) "
                                + "VALUES ('network:promotion', ?, 25, 'AWARD', ?::uuid, 0, now())",
                        "member:" + member,
                        UUID.randomUUID().toString())));
        assertThrows(
                RuntimeException.class,
                () -> transactions.run(c -> Sql.update(
                        c,
                        "UPDATE award_member SET status = 'PENDING', posting_id = NULL WHERE award = ? AND member_id = ?",
                        award,
                        member)));
    }

    // ------------------------------------------------------------------ 3. idempotency, access, validation

    @Test
    void theSameAwardIdIsOneAwardAndADifferentBodyIsAConflict() throws Exception {
        String prefix = "aw3-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> members = seedMembers(prefix, 50, "ACTIVE", "GENERAL");
        String awardId = "dup-" + UUID.randomUUID();
        Map<String, Object> body = award(awardId, 10, "NETWORK", null, Map.of("memberIds", members));
        // concurrent duplicates: one award
        List<Integer> statuses = LedgerConcurrencyTest.race(
                8, i -> post(TestTokens.operator(), body).extract().statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 202).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(1, scalar("SELECT count(*) FROM award WHERE award_id = ?", awardId));
        assertEquals(
                50,
                scalar(
                        "SELECT count(*) FROM award_member m JOIN award a ON a.id = m.award WHERE a.award_id = ?",
                        awardId));
        worker.drain(Duration.ofMinutes(1));
        // the same id and body later: the award as it stands
        post(TestTokens.operator(), body)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("status", is("DONE"), "credited", is(50));
        // the same id, another body
        post(TestTokens.operator(), award(awardId, 11, "NETWORK", null, Map.of("memberIds", members)))
                .statusCode(409)
                .body("code", is("idempotency-key-reused"));
        assertEquals(
                50,
                scalar(
                        "SELECT count(*) FROM transfer WHERE kind = 'AWARD' AND credit_account LIKE ?",
                        "member:" + prefix + "%"));
        // award ids are scoped per caller: a partner may use the network's id for its own award
        String partner = LedgerFixture.partner();
        String customer = LedgerFixture.member();
        LedgerFixture.earn(partner, customer, "10000").statusCode(201);
        post(TestTokens.partner(partner), award(awardId, 10, "PARTNER", null, Map.of("memberIds", List.of(customer))))
                .statusCode(202)
                .body("partnerId", is(partner), "members", is(1));
    }

    @Test
    void aPartnerAwardsOnlyItsOwnCustomersFromItsOwnIssuanceAndSeesCountsOnly() {
        String partner = LedgerFixture.partner();
        String other = LedgerFixture.partner();
        String customer = LedgerFixture.member();
        String stranger = LedgerFixture.member(); // a member who never bought from the partner
        LedgerFixture.earn(partner, customer, "10000").statusCode(201); // 100 points
        String awardId = "cust-" + UUID.randomUUID();
        List<String> audience = List.of(customer, stranger, "no-such-member-" + UUID.randomUUID());
        post(TestTokens.partner(partner), award(awardId, 40, "PARTNER", partner, Map.of("memberIds", audience)))
                .statusCode(202)
                .body("members", is(3), "skipped", is(2), "skippedByReason", nullValue());
        worker.drain(Duration.ofMinutes(1));
        // counts only: the stranger and the unknown id are one count, never told apart
        get(TestTokens.partner(partner), awardId, null)
                .statusCode(200)
                .body("status", is("DONE"), "credited", is(1), "skipped", is(2), "skippedByReason", nullValue());
        get(TestTokens.operator(), awardId, partner).statusCode(200).body("skippedByReason.not-a-customer", is(2));
        assertEquals(140, LedgerFixture.available(customer));
        assertEquals(0, LedgerFixture.available(stranger));
        // a grade audience is the partner's customers of that grade only
        transactions.run(c -> Sql.update(
                c, "UPDATE member_directory SET grade = 'VVIP' WHERE member_id IN (?, ?)", customer, stranger));
        post(
                        TestTokens.partner(partner),
                        award("vvip-" + UUID.randomUUID(), 5, "PARTNER", null, Map.of("grade", "VVIP")))
                .statusCode(202)
                .body("members", is(1), "skipped", is(0));
        // another partner's funds, the network's funds: refused, nothing created
        String refused = "refused-" + UUID.randomUUID();
        post(TestTokens.partner(partner), award(refused, 5, "PARTNER", other, Map.of("memberIds", List.of(customer))))
                .statusCode(403)
                .body("code", is("other-partner"));
        post(TestTokens.partner(partner), award(refused, 5, "NETWORK", null, Map.of("memberIds", List.of(customer))))
                .statusCode(403)
                .body("code", is("network-funding-forbidden"));
        assertEquals(0, scalar("SELECT count(*) FROM award WHERE award_id = ?", refused));
        // another partner's award is not found; a member may not award; staff sign-ins are read-only
        get(TestTokens.partner(other), awardId, null).statusCode(404);
        get(TestTokens.partner(other), awardId, partner).statusCode(404);
        post(TestTokens.member(customer), award(refused, 5, "NETWORK", null, Map.of("memberIds", List.of(customer))))
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.member(customer))
                .get("/ledger/v1/awards/" + awardId)
                .then()
                .statusCode(403);
        post(
                        TestTokens.partnerStaff(partner),
                        award(refused, 5, "PARTNER", null, Map.of("memberIds", List.of(customer))))
                .statusCode(403);
        assertEquals(0, scalar("SELECT count(*) FROM award WHERE award_id = ?", refused));
        // an operator may award anyone, funded by any partner or the network
        post(TestTokens.operator(), award(refused, 5, "PARTNER", other, Map.of("memberIds", List.of(stranger))))
                .statusCode(202)
                .body("members", is(1), "skipped", is(0));
    }

    /**
     * A partner's award by segment reaches only the customers who let it see their segment: with everyone of the
     * segment, whose card balance rose by the award told the partner each customer's network-wide segment.
     */
    @Test
    void aPartnersSegmentAwardReachesOnlyCustomersWhoShareWithIt() {
        String partner = LedgerFixture.partner();
        String sharing = LedgerFixture.member();
        String notSharing = LedgerFixture.member();
        for (String m : List.of(sharing, notSharing)) {
            LedgerFixture.earn(partner, m, "10000").statusCode(201);
        }
        transactions.run(c -> Sql.update(
                c,
                "UPDATE member_directory SET segment = 'DORMANT', personalization = true, "
                        + "shared_partner_ids = CASE WHEN member_id = ? THEN ARRAY[?] ELSE '{}' END "
                        + "WHERE member_id IN (?, ?)",
                sharing,
                partner,
                sharing,
                notSharing));
        post(
                        TestTokens.partner(partner),
                        award("dormant-" + UUID.randomUUID(), 37, "PARTNER", null, Map.of("segment", "DORMANT")))
                .statusCode(202)
                .body("members", is(1), "skipped", is(0));
        worker.drain(Duration.ofMinutes(1));
        assertEquals(137, LedgerFixture.available(sharing));
        assertEquals(100, LedgerFixture.available(notSharing));
        // an operator's award by segment is the network's, not a partner's look at its customers: everyone
        post(
                        TestTokens.operator(),
                        award("dormant-" + UUID.randomUUID(), 1, "PARTNER", partner, Map.of("segment", "DORMANT")))
                .statusCode(202);
    }

    @Test
    void membersWhoLeftOrAreSuspendedAreSkippedWithWhy() {
        String prefix = "aw5-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> active = seedMembers(prefix + "a", 3, "ACTIVE", "GENERAL");
        List<String> left = seedMembers(prefix + "l", 2, "LEFT", "GENERAL");
        List<String> suspended = seedMembers(prefix + "s", 1, "SUSPENDED", "GENERAL");
        List<String> all = new ArrayList<>(active);
        all.addAll(left);
        all.addAll(suspended);
        String awardId = "skip-" + UUID.randomUUID();
        post(TestTokens.operator(), award(awardId, 9, "NETWORK", null, Map.of("memberIds", all)))
                .statusCode(202)
                .body(
                        "members",
                        is(6),
                        "skipped",
                        is(3),
                        "skippedByReason.member-left",
                        is(2),
                        "skippedByReason.member-suspended",
                        is(1));
        // one of the active members is suspended after the award was accepted: skipped when its turn comes
        transactions.run(c ->
                Sql.update(c, "UPDATE member_directory SET status = 'SUSPENDED' WHERE member_id = ?", active.get(0)));
        worker.drain(Duration.ofMinutes(1));
        get(TestTokens.operator(), awardId, null)
                .statusCode(200)
                .body(
                        "status",
                        is("DONE"),
                        "credited",
                        is(2),
                        "skipped",
                        is(4),
                        "skippedByReason.member-suspended",
                        is(2),
                        "pointsCredited",
                        is(18));
        assertEquals(
                18,
                scalar("SELECT coalesce(sum(balance), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
    }

    /**
     * A partner suspended (or offboarded) after its award was accepted funded every remaining member
     * anyway, and could not even cancel it (a suspended partner's requests are refused): the funder
     * is read when each member's turn comes, like the member.
     */
    @Test
    void aPartnerSuspendedMeanwhileFundsNothingMore() throws Exception {
        String prefix = "aw6-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String funder = LedgerFixture.partner();
        List<String> members = seedMembers(prefix + "a", 4, "ACTIVE", "GENERAL");
        String awardId = "suspended funder " + UUID.randomUUID(); // a space: its Location is %20, not "+"
        String location = post(
                        TestTokens.operator(), award(awardId, 7, "PARTNER", funder, Map.of("memberIds", members)))
                .statusCode(202)
                .body("members", is(4), "skipped", is(0))
                .extract()
                .header("Location");
        given().auth()
                .oauth2(TestTokens.operator())
                .urlEncodingEnabled(false)
                .get(java.net.URI.create(location).getRawPath())
                .then()
                .statusCode(200)
                .body("awardId", is(awardId));
        transactions.run(
                c -> Sql.update(c, "UPDATE partner_directory SET status = 'SUSPENDED' WHERE partner_id = ?", funder));
        worker.drain(Duration.ofMinutes(1));
        get(TestTokens.operator(), awardId, null)
                .statusCode(200)
                .body(
                        "status",
                        is("DONE"),
                        "credited",
                        is(0),
                        "skippedByReason.partner-not-active",
                        is(4),
                        "pointsCredited",
                        is(0));
        assertEquals(
                0, scalar("SELECT coalesce(sum(balance), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
    }

    @Test
    void invalidRequestsAreProblemsAndCreateNothing() {
        String member = LedgerFixture.member();
        String id = "invalid-" + UUID.randomUUID();
        Map<String, Object> list = Map.of("memberIds", List.of(member));
        for (Map<String, Object> body : List.of(
                award(id, 0, "NETWORK", null, list),
                award(id, -5, "NETWORK", null, list),
                award(id, 2_000_000, "NETWORK", null, list),
                award(id, 5, "NETWORK", null, Map.of("memberIds", List.of())),
                award(id, 5, "NETWORK", null, Map.of()),
                award(id, 5, "NETWORK", null, Map.of("grade", "PLATINUM")),
                award(id, 5, "NETWORK", null, Map.of("segment", "SLEEPY")),
                award(id, 5, "NETWORK", null, Map.of("grade", "VIP", "segment", "ACTIVE")),
                award(id, 5, "SOMEONE", null, list),
                award(id, 5, "PARTNER", null, list),
                award("", 5, "NETWORK", null, list),
                award("x".repeat(101), 5, "NETWORK", null, list),
                award(id, 5, "NETWORK", null, Map.of("grade", "VIP", "asOf", "yesterday")),
                // a date PostgreSQL cannot store (the award row was inserted with it: 500)
                award(id, 5, "NETWORK", null, Map.of("grade", "VIP", "asOf", "-5000-01-01")))) {
            post(TestTokens.operator(), body)
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", is("validation-failed"));
        }
        // a blank asOf is today's standing, as an absent one (it answered 500 for a moment)
        String fresh = LedgerFixture.partner();
        int blank = post(
                        TestTokens.partner(fresh),
                        award(
                                "blank-as-of-" + UUID.randomUUID(),
                                5,
                                "PARTNER",
                                fresh,
                                Map.of("grade", "VIP", "asOf", " ")))
                .extract()
                .statusCode();
        assertTrue(blank == 202 || blank == 422, "a blank asOf answered " + blank);
        Map<String, Object> noReason = new HashMap<>(award(id, 5, "NETWORK", null, list));
        noReason.remove("reason");
        post(TestTokens.operator(), noReason).statusCode(400).body("code", is("validation-failed"));
        // the ledger knows grades and segments as of today only
        String past = LocalDate.now(ZoneId.of("Asia/Seoul")).minusDays(30).toString();
        post(TestTokens.operator(), award(id, 5, "NETWORK", null, Map.of("grade", "VIP", "asOf", past)))
                .statusCode(422)
                .body("code", is("as-of-not-supported"));
        // nobody matches: a partner without customers has no VIP among them
        String partner = LedgerFixture.partner();
        post(TestTokens.partner(partner), award(id, 5, "PARTNER", null, Map.of("grade", "VIP")))
                .statusCode(422)
                .body("code", is("empty-audience"));
        assertEquals(0, scalar("SELECT count(*) FROM award WHERE award_id = ?", id));
        get(TestTokens.operator(), "never-" + UUID.randomUUID(), null).statusCode(404);
    }

    @Test
    void aGradeAsOfAPastDateIsTheGradeMembersHadThatDay() {
        ZoneId zone = ZoneId.of("Asia/Seoul");
        LocalDate today = LocalDate.now(zone);
        LocalDate day = today.minusDays(5);
        String partner = LedgerFixture.partner();
        String wasVip = LedgerFixture.member();
        String becameVipLater = LedgerFixture.member();
        String neverChanged = LedgerFixture.member();
        String joinedLater = LedgerFixture.member();
        // customers of the partner by then (their purchases before that day)
        for (String m : List.of(wasVip, becameVipLater, neverChanged, joinedLater)) {
            LedgerFixture.earn(
                            partner,
                            m,
                            "10000",
                            UUID.randomUUID().toString(),
                            Instant.now().minus(Duration.ofDays(10)))
                    .statusCode(201);
        }
        String newCustomer = LedgerFixture.member();
        LedgerFixture.earn(partner, newCustomer, "10000").statusCode(201);
        try (io.pointmesh.testing.KafkaTestClient kafka = io.pointmesh.testing.TestEvents.kafka()) {
            io.pointmesh.testing.TestEvents.publish(
                    kafka, new GradeChanged(wasVip, Grade.GENERAL, Grade.VIP, today.minusDays(10), BigDecimal.ONE));
            io.pointmesh.testing.TestEvents.publish(
                    kafka, new GradeChanged(wasVip, Grade.VIP, Grade.GENERAL, today.minusDays(2), BigDecimal.ONE));
            io.pointmesh.testing.TestEvents.publish(
                    kafka,
                    new GradeChanged(becameVipLater, Grade.GENERAL, Grade.VIP, today.minusDays(2), BigDecimal.ONE));
            io.pointmesh.testing.TestEvents.publish(
                    kafka, new GradeChanged(joinedLater, Grade.GENERAL, Grade.VIP, today.minusDays(9), BigDecimal.ONE));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> scalar(
                                "SELECT count(*) FROM member_standing_history WHERE member_id IN (?, ?, ?)",
                                wasVip,
                                becameVipLater,
                                joinedLater)
                        == 4);
        // the ledger has kept the history for 60 days; three of them were members before that day, one joined after it
        transactions.run(c -> {
            Sql.update(c, "UPDATE standing_history_start SET since = now() - interval '60 days'");
            Sql.update(
                    c,
                    "UPDATE member_directory SET joined_at = now() - interval '100 days' WHERE member_id IN (?, ?, ?, ?)",
                    wasVip,
                    becameVipLater,
                    neverChanged,
                    newCustomer);
            return Sql.update(
                    c,
                    "UPDATE member_directory SET joined_at = now() - interval '1 day' WHERE member_id = ?",
                    joinedLater);
        });
        try {
            String vipThen = "vip-then-" + UUID.randomUUID();
            post(
                            TestTokens.partner(partner),
                            award(vipThen, 7, "PARTNER", partner, Map.of("grade", "VIP", "asOf", day.toString())))
                    .statusCode(202)
                    .body("members", is(1));
            assertEquals(
                    1,
                    scalar(
                            "SELECT count(*) FROM award_member m JOIN award a ON a.id = m.award "
                                    + "WHERE a.award_id = ? AND m.member_id = ?",
                            vipThen,
                            wasVip));
            String generalThen = "general-then-" + UUID.randomUUID();
            post(
                            TestTokens.partner(partner),
                            award(
                                    generalThen,
                                    7,
                                    "PARTNER",
                                    partner,
                                    Map.of("grade", "GENERAL", "asOf", day.toString())))
                    .statusCode(202)
                    .body("members", is(2));
            assertEquals(
                    2,
                    scalar(
                            "SELECT count(*) FROM award_member m JOIN award a ON a.id = m.award "
                                    + "WHERE a.award_id = ? AND m.member_id IN (?, ?)",
                            generalThen,
                            becameVipLater,
                            neverChanged));
            // the partner's customers then: the member who first bought from it after that day is not one
            assertEquals(
                    0,
                    scalar(
                            "SELECT count(*) FROM award_member m JOIN award a ON a.id = m.award "
                                    + "WHERE a.award_id = ? AND m.member_id = ?",
                            generalThen,
                            newCustomer));
            // today's standing is today's grade
            post(
                            TestTokens.partner(partner),
                            award("vip-now-" + UUID.randomUUID(), 7, "PARTNER", partner, Map.of("grade", "VIP")))
                    .statusCode(202)
                    .body("members", is(2));
            // before the history began, or in the future: refused, not guessed
            post(
                            TestTokens.partner(partner),
                            award(
                                    "x-" + UUID.randomUUID(),
                                    7,
                                    "PARTNER",
                                    partner,
                                    Map.of(
                                            "grade",
                                            "VIP",
                                            "asOf",
                                            today.minusDays(61).toString())))
                    .statusCode(422)
                    .body("code", is("as-of-not-supported"));
            post(
                            TestTokens.partner(partner),
                            award(
                                    "x-" + UUID.randomUUID(),
                                    7,
                                    "PARTNER",
                                    partner,
                                    Map.of(
                                            "grade",
                                            "VIP",
                                            "asOf",
                                            today.plusDays(1).toString())))
                    .statusCode(422)
                    .body("code", is("as-of-not-supported"));
        } finally {
            transactions.run(c -> Sql.update(c, "UPDATE standing_history_start SET since = now()"));
        }
    }

    @Test
    void aCancelledAwardCreditsNobodyMoreAndABatchInFlightFinishesFirst() throws Exception {
        int n = 900;
        long points = 11;
        String prefix = "aw-cancel-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> members = seedMembers(prefix, n, "ACTIVE", "GENERAL");
        String awardId = "cancel-" + UUID.randomUUID();
        post(TestTokens.operator(), award(awardId, points, "NETWORK", null, Map.of("memberIds", members)))
                .statusCode(202);
        UUID award = awardKey(awardId);
        assertEquals(300, worker.processBatch(award, 300, AwardWorker.Hook.NONE).credited());

        // a cancellation arrives while the second batch is half way: it waits for the batch, then skips the rest
        java.util.concurrent.CountDownLatch halfWay = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<io.restassured.response.ValidatableResponse> cancelled =
                new java.util.concurrent.CompletableFuture<>();
        AwardWorker.Batch second = worker.processBatch(award, 300, (i, m) -> {
            if (i == 150) {
                new Thread(() -> {
                            halfWay.countDown();
                            cancelled.complete(cancel(TestTokens.operator(), awardId, null, "sent to the wrong list"));
                        })
                        .start();
                try {
                    halfWay.await();
                    Thread.sleep(300); // the cancellation is waiting on this batch's members now
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertEquals(300, second.credited(), "the batch in flight finishes whole");
        cancelled
                .get(30, java.util.concurrent.TimeUnit.SECONDS)
                .statusCode(200)
                .body(
                        "status", is("DONE"),
                        "credited", is(600),
                        "skipped", is(300),
                        "pending", is(0),
                        "pointsCredited", is((int) (600 * points)),
                        "cancelReason", is("sent to the wrong list"),
                        "skippedByReason.award-cancelled", is(300));
        assertEquals(0, worker.processBatch(award, 300, AwardWorker.Hook.NONE).members(), "nothing left to credit");
        assertEquals(
                600 * points,
                scalar("SELECT coalesce(sum(balance), 0) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
        assertEquals(600, awardEvents(awardId));

        // again: the award as it stands, the first reason kept; a finished award cannot be cancelled
        cancel(TestTokens.operator(), awardId, null, "again")
                .statusCode(200)
                .body("cancelReason", is("sent to the wrong list"));
        String finished = "finished-" + UUID.randomUUID();
        post(TestTokens.operator(), award(finished, 3, "NETWORK", null, Map.of("memberIds", members.subList(0, 2))))
                .statusCode(202);
        worker.drain(Duration.ofSeconds(30));
        cancel(TestTokens.operator(), finished, null, "too late")
                .statusCode(409)
                .body("code", is("award-finished"));
        // a reason is required; a partner cannot reach the network's award
        cancel(TestTokens.operator(), "no-reason-" + UUID.randomUUID(), null, " ")
                .statusCode(400);
        String partner = LedgerFixture.partner();
        cancel(TestTokens.partner(partner), awardId, null, "not mine").statusCode(404);
    }

    static ValidatableResponse cancel(String token, String awardId, String partnerId, String reason) {
        var request =
                given().auth().oauth2(token).contentType("application/json").body(Map.of("reason", reason));
        if (partnerId != null) {
            request = request.queryParam("partnerId", partnerId);
        }
        return request.post("/ledger/v1/awards/" + awardId + "/cancellation").then();
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, Object> award(
            String awardId, long points, String fundedBy, String partnerId, Map<String, Object> audience) {
        Map<String, Object> body = new HashMap<>();
        body.put("awardId", awardId);
        body.put("points", points);
        body.put("reason", "thank you");
        body.put("campaignRef", "CMP-TEST");
        body.put("fundedBy", fundedBy);
        if (partnerId != null) {
            body.put("partnerId", partnerId);
        }
        body.put("audience", audience);
        return body;
    }

    static ValidatableResponse post(String token, Map<String, Object> body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .post("/ledger/v1/awards")
                .then();
    }

    static ValidatableResponse get(String token, String awardId, String partnerId) {
        var request = given().auth().oauth2(token);
        if (partnerId != null) {
            request = request.queryParam("partnerId", partnerId);
        }
        return request.get("/ledger/v1/awards/" + awardId).then();
    }

    /** Members with accounts, created set-based in the ledger's tables (as bench/ledger-earn seeds them). */
    List<String> seedMembers(String prefix, int n, String status, String grade) {
        transactions.run(c -> {
            Sql.update(
                    c,
                    "INSERT INTO member_directory (member_id, status, grade, joined_at) "
                            + "SELECT ? || lpad(i::text, 6, '0'), ?, ?, now() FROM generate_series(1, ?) i",
                    prefix,
                    status,
                    grade,
                    n);
            Sql.update(
                    c,
                    "INSERT INTO account (id, kind, owner_id) SELECT 'member:' || ? || lpad(i::text, 6, '0'), 'MEMBER', "
                            + "? || lpad(i::text, 6, '0') FROM generate_series(1, ?) i",
                    prefix,
                    prefix,
                    n);
            return Sql.update(
                    c,
                    "INSERT INTO member_balance (member_id, account_id) SELECT ? || lpad(i::text, 6, '0'), "
                            + "'member:' || ? || lpad(i::text, 6, '0') FROM generate_series(1, ?) i",
                    prefix,
                    prefix,
                    n);
        });
        List<String> ids = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            ids.add(prefix + String.format("%06d", i));
        }
        return ids;
    }

    long scalar(String sql, Object... params) {
        return transactions.run(c -> Sql.scalarLong(c, sql, params));
    }

    long awardEvents(String awardId) {
        return scalar(
                "SELECT count(*) FROM outbox_event WHERE event_type = 'ledger.points-awarded' AND payload LIKE ?",
                "%\"awardId\":\"" + awardId + "\"%");
    }

    UUID awardKey(String awardId) {
        return transactions.run(c -> Sql.one(
                        c,
                        "SELECT id FROM award WHERE owner = 'network' AND award_id = ?",
                        rs -> rs.getObject(1, UUID.class),
                        awardId)
                .orElseThrow());
    }
}
