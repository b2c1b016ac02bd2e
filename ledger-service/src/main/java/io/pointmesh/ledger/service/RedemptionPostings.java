package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionHeld;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.VoidReason;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.RedemptionStatus;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.HoldAuthorization;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Redemption, two-phase: a hold takes its points out of the lots at once; capture takes all or
 * part (the rest goes back), void gives all back, a hold not decided in time lapses; a cancelled
 * redemption gives its points back into the lots they came from.
 */
final class RedemptionPostings extends Postings {

    private final BreakagePostings breakage;

    RedemptionPostings(Context context, BreakagePostings breakage) {
        super(context);
        this.breakage = breakage;
    }

    Outcome<RedemptionRow> hold(
            Connection c,
            String partnerId,
            String partnerTxId,
            String requestHash,
            String memberId,
            String storeCode,
            long points,
            HoldAuthorization authorization)
            throws SQLException {
        Optional<Outcome<RedemptionRow>> retry = replayHold(c, partnerId, partnerTxId, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForPosting(c, memberId, now);
        retry = replayHold(c, partnerId, partnerTxId, requestHash); // a twin committed while we waited for the lock
        if (retry.isPresent()) {
            return retry.get();
        }
        requireSpendable(m, points);
        UUID id = PostingIds.next();
        // The hold takes its points out of the lots now, so nothing (expiry, another spend) can
        // touch them until capture or void decides where they go.
        postings.drawFifo(c, memberId, points, id, "HOLD", now);
        m.available -= points;
        m.held += points;
        RedemptionRow row = new RedemptionRow(
                id,
                partnerId,
                partnerTxId,
                requestHash,
                memberId,
                storeCode,
                points,
                0,
                RedemptionStatus.HELD,
                now.plus(policy.holdTimeout()),
                now,
                now);
        if (!operations.insertRedemption(c, row)) {
            throw new DuplicateRequest();
        }
        operations.insertRedemptionAuthorization(
                c, id, authorization.method(), authorization.actor(), authorization.reason());
        postings.saveMember(c, m, now);
        events.publish(
                c,
                new RedemptionHeld(id.toString(), memberId, partnerId, storeCode, partnerTxId, points, row.expiresAt()),
                now);
        return new Outcome<>(row, false);
    }

    Outcome<RedemptionRow> capture(Connection c, String partnerId, UUID redemptionId, Long requested)
            throws SQLException {
        RedemptionRow seen = visibleRedemption(c, partnerId, redemptionId);
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        long points = requested == null ? r.points() : requested;
        if (r.status() == RedemptionStatus.CAPTURED && (requested == null || r.captured() == requested)) {
            return new Outcome<>(r, true);
        }
        if (r.status() == RedemptionStatus.HELD && !r.expiresAt().isAfter(now)) {
            r = release(c, m, r, VoidReason.LAPSED, now);
            postings.saveMember(c, m, now);
            return new Outcome<>(r, false);
        }
        if (r.status() == RedemptionStatus.LAPSED) {
            // a retry of a capture that found the hold lapsed (or one that came after the lapse job): the same answer
            return new Outcome<>(r, true);
        }
        if (r.status() != RedemptionStatus.HELD) {
            throw ProblemException.conflict("redemption-not-held", "redemption " + redemptionId + " is " + r.status());
        }
        if (points <= 0 || points > r.points()) {
            throw ProblemException.unprocessable(
                    "invalid-capture",
                    "Invalid capture",
                    "a capture takes between 1 and the held " + r.points() + " points");
        }
        long released = r.points() - points;
        m.held -= r.points();
        giveBack(c, m, redemptionId, released);
        expireDue(c, m, now);
        m.spent += points;
        postings.transfer(
                c,
                m.account(),
                Accounts.redemption(partnerId),
                points,
                TransferKind.REDEMPTION,
                redemptionId,
                partnerId,
                m.shard(),
                now);
        settleDebt(c, m, now);
        RedemptionRow captured = operations.updateRedemption(c, redemptionId, RedemptionStatus.CAPTURED, points, now);
        postings.saveMember(c, m, now);
        events.publish(
                c,
                new RedemptionCaptured(redemptionId.toString(), m.memberId, partnerId, r.storeCode(), points, released),
                now);
        return new Outcome<>(captured, false);
    }

    Outcome<RedemptionRow> voidHold(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        RedemptionRow seen = visibleRedemption(c, partnerId, redemptionId);
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        if (r.status() == RedemptionStatus.VOIDED || r.status() == RedemptionStatus.LAPSED) {
            return new Outcome<>(r, true);
        }
        if (r.status() != RedemptionStatus.HELD) {
            throw ProblemException.conflict("redemption-not-held", "redemption " + redemptionId + " is " + r.status());
        }
        RedemptionRow voided = release(c, m, r, VoidReason.VOIDED, now);
        postings.saveMember(c, m, now);
        return new Outcome<>(voided, false);
    }

    /**
     * Lapses one hold past its time; safe to run on several instances. The member's row is taken with SKIP
     * LOCKED: a member another transaction holds (a till's posting, another instance's job) is not waited for,
     * the hold is left to the next run (false); the hold's status is read again under the lock.
     */
    boolean lapse(Connection c, UUID redemptionId, String memberId) throws SQLException {
        Instant now = now();
        MemberBalance m = postings.tryLockMember(c, memberId);
        if (m == null) {
            if (postings.readMember(c, memberId) == null) {
                // no account at all: a broken row, for the job to report (not to skip in silence)
                throw ProblemException.unprocessable(
                        "unknown-member", "Unknown member", "no account for member " + memberId);
            }
            return false; // held by another transaction: the next run
        }
        bringUpToDate(c, m, now);
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        if (r.status() != RedemptionStatus.HELD || r.expiresAt().isAfter(now)) {
            return false;
        }
        release(c, m, r, VoidReason.LAPSED, now);
        postings.saveMember(c, m, now);
        return true;
    }

    RedemptionRow redemption(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        return visibleRedemption(c, partnerId, redemptionId);
    }

    private RedemptionRow visibleRedemption(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        // Another partner's redemption is "not found", not "forbidden": ids are not to be probed.
        return operations
                .findRedemption(c, redemptionId)
                .filter(r -> partnerId == null || r.partnerId().equals(partnerId))
                .orElseThrow(() -> ProblemException.notFound("redemption", redemptionId.toString()));
    }

    Outcome<RedemptionRow> reverseRedemption(Connection c, String partnerId, UUID redemptionId, String partnerTxId)
            throws SQLException {
        Optional<UUID> twin = operations.findRedemptionReversal(c, partnerId, partnerTxId);
        if (twin.isPresent()) {
            if (!twin.get().equals(redemptionId)) {
                throw ProblemException.conflict(
                        "idempotency-key-reused", "partnerTxId " + partnerTxId + " was used for another request");
            }
            return new Outcome<>(operations.findRedemption(c, redemptionId).orElseThrow(), true);
        }
        RedemptionRow seen = visibleRedemption(c, partnerId, redemptionId);
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        twin = operations.findRedemptionReversal(c, partnerId, partnerTxId); // committed while we waited for the lock
        if (twin.isPresent()) {
            if (!twin.get().equals(redemptionId)) {
                throw ProblemException.conflict(
                        "idempotency-key-reused", "partnerTxId " + partnerTxId + " was used for another request");
            }
            return new Outcome<>(operations.findRedemption(c, redemptionId).orElseThrow(), true);
        }
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        if (r.status() != RedemptionStatus.CAPTURED) {
            throw ProblemException.conflict(
                    "redemption-not-captured", "redemption " + redemptionId + " is " + r.status());
        }
        // The points go back into the lots they were drawn from: they keep their expiry dates.
        giveBack(c, m, redemptionId, r.captured());
        m.spent -= r.captured();
        postings.transfer(
                c,
                Accounts.redemption(partnerId),
                m.account(),
                r.captured(),
                TransferKind.REDEMPTION_REVERSAL,
                redemptionId,
                partnerId,
                m.shard(),
                now);
        expireDue(c, m, now);
        settleDebt(c, m, now);
        UUID reversalId = PostingIds.next();
        if (!operations.insertRedemptionReversal(
                c, reversalId, redemptionId, partnerId, partnerTxId, r.captured(), now)) {
            throw new DuplicateRequest();
        }
        RedemptionRow reversed =
                operations.updateRedemption(c, redemptionId, RedemptionStatus.REVERSED, r.captured(), now);
        postings.saveMember(c, m, now);
        events.publish(
                c,
                new RedemptionReversed(
                        reversalId.toString(), redemptionId.toString(), m.memberId, partnerId, r.captured()),
                now);
        if (hasLeft(c, m.memberId)) {
            // the member left while the purchase stood: what comes back is forfeited like the rest
            breakage.forfeit(c, m.memberId);
        }
        return new Outcome<>(reversed, false);
    }
}
