package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerFixture.hold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.ledger.service.LedgerJobs;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's jobs on the real database: one hold or member whose posting fails stops neither the items after it
 * nor the other jobs, and is counted; the lapse job skips a member another transaction holds instead of waiting;
 * no "will expire" notice for points already past their expiry (docs/ledger.md, "Jobs").
 *
 * <p>A poisoned member is one whose balance row the database refuses to change (a test trigger raising
 * {@code check_violation}, as a broken row would): every posting of theirs fails for a reason of its own, every
 * time, and nothing else is touched. The scheduled run of the jobs keeps going during these tests; the assertions
 * hold whichever run gets to an item first.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LedgerJobsTest {

    static final String DB = PointmeshTestResource.testDatabase("ledger");

    /** Long before anything else in the test database: these holds come first in the lapse job's order. */
    static final Instant LONG_AGO = Instant.parse("2001-01-01T00:00:00Z");

    @Inject
    LedgerJobs jobs;

    @Inject
    TestClock clock;

    @Inject
    DataSource dataSource;

    @AfterEach
    void cleanUp() throws SQLException {
        clock.reset();
        sql("DROP TRIGGER IF EXISTS test_poisoned_member ON member_balance");
        sql("DROP FUNCTION IF EXISTS test_poisoned_member()");
        InvariantCheck.assertHolds(DB);
    }

    @Test
    void aHoldThatFailsToLapseStopsNeitherTheHoldsAfterItNorTheNextBatch() throws Exception {
        String partner = LedgerFixture.partner();
        String poisoned = LedgerFixture.member();
        String a = LedgerFixture.member();
        String b = LedgerFixture.member();
        String c = LedgerFixture.member();
        for (String m : new String[] {poisoned, a, b, c}) {
            earn(partner, m, "50000").statusCode(201);
        }
        String hx = holdOf(partner, poisoned);
        String ha = holdOf(partner, a);
        String hb = holdOf(partner, b);
        poison(poisoned);
        // read before the hold is due: the scheduled run may get to it first, and count its failure then
        double before = failures("lapse");
        // past their time, the poisoned hold first in the job's order (expires_at)
        expireHoldAt(hx, LONG_AGO);
        expireHoldAt(ha, LONG_AGO.plusSeconds(60));
        expireHoldAt(hb, LONG_AGO.plusSeconds(120));

        jobs.lapseHolds(); // threw before, and lapsed nothing after the poisoned hold, on every run

        assertEquals("HELD", status(hx));
        // awaited: a scheduled run lapsing the same member meanwhile makes this run skip it (SKIP LOCKED) and
        // commit a moment later
        awaitStatus("LAPSED", ha);
        awaitStatus("LAPSED", hb);
        double counted = failures("lapse");
        assertTrue(counted >= before + 1, "the failure is counted: " + before + " -> " + counted);

        // a batch of one: the failing hold, left out for a while, does not take the batch again
        String hc = holdOf(partner, c);
        expireHoldAt(hc, LONG_AGO.plusSeconds(180));
        jobs.lapseHolds(1);
        awaitStatus("LAPSED", hc);
        assertEquals("HELD", status(hx));
        assertEquals(counted, failures("lapse"), "the failing hold is not tried again at once");
    }

    private void awaitStatus(String expected, String holdId) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertEquals(expected, status(holdId)));
    }

    @Test
    void aMemberWhoseLotsFailToMatureStopsNoOtherMember() throws Exception {
        String partner = LedgerFixture.partner(new BigDecimal("0.01"), 1);
        String poisoned = LedgerFixture.member();
        String a = LedgerFixture.member();
        String b = LedgerFixture.member();
        for (String m : new String[] {poisoned, a, b}) {
            earn(partner, m, "50000").statusCode(201);
        }
        poison(poisoned);
        double before = failures("expire");
        clock.advance(Duration.ofDays(3));

        jobs.matureAndExpire();

        assertEquals(0, maturedPoints(poisoned));
        assertEquals(500, maturedPoints(a));
        assertEquals(500, maturedPoints(b));
        assertTrue(failures("expire") >= before + 1, "the failure is counted");
        // the other jobs of a scheduled run went on as well: nothing to assert beyond the member's lots here, the
        // jobs run one by one (LedgerJobs.runAll)
    }

    @Test
    void aHoldWhoseMemberIsBusyIsSkippedNotWaitedForAndLapsesLater() throws Exception {
        String partner = LedgerFixture.partner();
        String m = LedgerFixture.member();
        earn(partner, m, "50000").statusCode(201);
        String h = holdOf(partner, m);
        expireHoldAt(h, LONG_AGO.plusSeconds(240));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection till = dataSource.getConnection()) {
            // a till's posting (or another replica's job) holds the member
            till.setAutoCommit(false);
            try (PreparedStatement lock =
                    till.prepareStatement("SELECT 1 FROM member_balance WHERE member_id = ? FOR UPDATE")) {
                lock.setString(1, m);
                lock.executeQuery().close();
            }
            Future<Integer> run = executor.submit(() -> jobs.lapseHolds());
            try {
                run.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the lapse job waited for a member another transaction holds");
            } finally {
                till.rollback();
                till.setAutoCommit(true);
            }
            assertEquals("HELD", status(h), "skipped while the member was held");
        } finally {
            executor.shutdownNow();
        }
        jobs.lapseHolds();
        awaitStatus("LAPSED", h); // by this run, or by a scheduled one that held the member a moment
    }

    @Test
    void pointsPastTheirExpiryGetNoExpiringNotice() throws Exception {
        // validity of one month and of two: after 40 days the first lot expired (not yet emptied: its member's
        // postings fail, so no job empties it), the second expires within the notice period (30 days)
        String oneMonth = LedgerFixture.partner(new BigDecimal("0.01"), 0, 1, 30, BigDecimal.ZERO);
        String twoMonths = LedgerFixture.partner(new BigDecimal("0.01"), 0, 2, 30, BigDecimal.ZERO);
        String expired = LedgerFixture.member();
        String expiring = LedgerFixture.member();
        earn(oneMonth, expired, "50000").statusCode(201);
        earn(twoMonths, expiring, "50000").statusCode(201);
        poison(expired);
        clock.advance(Duration.ofDays(40));
        assertTrue(expiresAt(expired).isBefore(clock.instant()), "the first lot is past its expiry");

        for (int i = 0; i < 100 && jobs.noticeExpiring() > 0; i++) {
            // drain: other tests' lots may be due as well
        }

        assertEquals(1, lots(expired, "remaining > 0 AND NOT expiry_notified"), "no notice for expired points");
        assertEquals(1, lots(expiring, "remaining > 0 AND expiry_notified"), "a notice for points about to expire");
        assertEquals(0, expiringEvents(expired));
        assertEquals(1, expiringEvents(expiring));
    }

    // ------------------------------------------------------------------ helpers

    private static String holdOf(String partner, String member) {
        return hold(partner, member, 100).statusCode(201).extract().path("redemptionId");
    }

    private static double failures(String job) {
        return OutboxCrashTest.metric("pointmesh_ledger_job_failures_total", "ledger_job=\"" + job + "\"");
    }

    /** From now on the database refuses every change of this member's balance row: each posting of theirs fails. */
    private void poison(String member) throws SQLException {
        sql("CREATE OR REPLACE FUNCTION test_poisoned_member() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.member_id = '" + UUID.fromString(member) + "' THEN "
                + "RAISE EXCEPTION 'a broken member (a test)' USING ERRCODE = 'check_violation'; END IF; "
                + "RETURN NEW; END $$");
        sql("CREATE TRIGGER test_poisoned_member BEFORE UPDATE ON member_balance FOR EACH ROW "
                + "EXECUTE FUNCTION test_poisoned_member()");
    }

    private void expireHoldAt(String redemptionId, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE redemption SET expires_at = ? WHERE id = ?")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setObject(2, UUID.fromString(redemptionId));
            assertEquals(1, s.executeUpdate());
        }
    }

    private String status(String redemptionId) throws SQLException {
        return one("SELECT status FROM redemption WHERE id = '" + UUID.fromString(redemptionId) + "'");
    }

    private long maturedPoints(String member) throws SQLException {
        return Long.parseLong(one("SELECT coalesce(sum(remaining), 0) FROM lot WHERE member_id = '"
                + UUID.fromString(member) + "' AND matured"));
    }

    private long lots(String member, String condition) throws SQLException {
        return Long.parseLong(
                one("SELECT count(*) FROM lot WHERE member_id = '" + UUID.fromString(member) + "' AND " + condition));
    }

    private Instant expiresAt(String member) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT max(expires_at) FROM lot WHERE member_id = '" + UUID.fromString(member) + "'")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private long expiringEvents(String member) throws SQLException {
        return Long.parseLong(one("SELECT count(*) FROM outbox_event WHERE event_type = 'ledger.points-expiring' "
                + "AND event_key = '" + UUID.fromString(member) + "'"));
    }

    private String one(String query) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
