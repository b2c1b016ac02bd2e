package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.events.ledger.PointsForfeited;
import io.pointmesh.events.ledger.VoidReason;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.repository.PostingRepository.ExpiryNotice;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points that leave members for the network's breakage account: expiry (by the jobs, one member per
 * transaction) and the forfeit of a member who left; and the notices of points about to expire.
 */
final class BreakagePostings extends Postings {

    /** A cutoff past every lot's expiry: a forfeit empties them all. */
    private static final Instant AFTER_EVERY_LOT = Instant.parse("9999-12-31T00:00:00Z");

    BreakagePostings(Context context) {
        super(context);
    }

    /** A member left the network: open holds are released and every remaining point goes to breakage. */
    long forfeit(Connection c, String memberId) throws SQLException {
        Instant now = now();
        MemberBalance m = postings.lockMember(c, memberId);
        if (m == null) {
            return 0;
        }
        for (RedemptionRow r : operations.heldRedemptions(c, memberId)) {
            release(c, m, operations.lockRedemption(c, r.id()), VoidReason.VOIDED, now);
        }
        long total = empty(c, m, AFTER_EVERY_LOT, TransferKind.FORFEIT, now);
        if (total > 0) {
            events.publish(c, new PointsForfeited(memberId, total), now);
        }
        postings.saveMember(c, m, now);
        return total;
    }

    // ------------------------------------------------------------------ jobs (one member per transaction)

    /** Expires the member's due lots; false when another transaction holds the member (try later). */
    boolean expireMember(Connection c, String memberId) throws SQLException {
        MemberBalance m = postings.tryLockMember(c, memberId);
        if (m == null) {
            return false;
        }
        Instant now = now();
        bringUpToDate(c, m, now);
        postings.saveMember(c, m, now);
        return true;
    }

    /**
     * Tells members about points expiring within the notice period (after now: points already past
     * their expiry are not "expiring"), once per lot. SKIP LOCKED: instances share the work and never
     * wait on a lot a posting holds.
     */
    int noticeExpiring(Connection c, int limit) throws SQLException {
        Instant now = now();
        Instant horizon = now.plus(Duration.ofDays(policy.expiryNoticeDays()));
        List<ExpiryNotice> due = postings.markExpiryNotices(c, now, horizon, limit);
        Map<String, Map<Instant, Long>> byMember = new LinkedHashMap<>();
        for (ExpiryNotice d : due) {
            Instant day = ZonedDateTime.ofInstant(d.expiresAt(), policy.zone())
                    .truncatedTo(ChronoUnit.DAYS)
                    .toInstant();
            byMember.computeIfAbsent(d.memberId(), k -> new LinkedHashMap<>()).merge(day, d.points(), Long::sum);
        }
        for (var member : byMember.entrySet()) {
            for (var day : member.getValue().entrySet()) {
                events.publish(c, new PointsExpiring(member.getKey(), day.getValue(), day.getKey()), now);
            }
        }
        return due.size();
    }
}
