package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.PointsExpired;
import io.pointmesh.events.ledger.RedemptionVoided;
import io.pointmesh.events.ledger.VoidReason;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.RedemptionStatus;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.PostingRepository.Taken;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.service.Ledger.EventSink;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.ledger.service.Ledger.Policy;
import io.pointmesh.platform.problem.ProblemException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * What every posting shares: the member's row lock and the breakdown brought up to date under it
 * (I9), debt repaid first (I5), expiry, credits, a hold's points given back, and the answers to
 * retries (I7). Each kind of posting is a subclass; {@link Ledger} is the entry point to all of
 * them. Every method runs on the caller's transaction.
 */
abstract class Postings {

    /** What every posting works with: the repositories, the clock, where events go and the policy. */
    record Context(
            PostingRepository postings,
            OperationRepository operations,
            DirectoryRepository directory,
            ReferralRepository referrals,
            Clock clock,
            EventSink events,
            Policy policy) {

        /** The postings' time (microseconds, as the database keeps it). */
        Instant now() {
            return clock.instant().truncatedTo(ChronoUnit.MICROS);
        }
    }

    final PostingRepository postings;
    final OperationRepository operations;
    final DirectoryRepository directory;
    final EventSink events;
    final Policy policy;
    private final Context context;

    Postings(Context context) {
        this.postings = context.postings();
        this.operations = context.operations();
        this.directory = context.directory();
        this.events = context.events();
        this.policy = context.policy();
        this.context = context;
    }

    Instant now() {
        return context.now();
    }

    // ------------------------------------------------------------------ member state

    /**
     * Locks the member and brings the balance up to now: due pending lots mature, due lots
     * expire, and available points repay debt. Spends never see an expired or a pending point.
     */
    MemberBalance lockForPosting(Connection c, String memberId, Instant now) throws SQLException {
        MemberBalance m = lockKnownMember(c, memberId);
        bringUpToDate(c, m, now);
        return m;
    }

    /**
     * Locks a member who is to receive points: refused (422) if they left the network, as read once
     * their row is locked, so a {@code member.left} that forfeited everything while this request
     * waited for the lock is seen, and nothing is credited to a forgotten member.
     */
    MemberBalance lockForCredit(Connection c, String memberId, Instant now) throws SQLException {
        MemberBalance m = lockKnownMember(c, memberId);
        // the status comes with the clock's work, in the same statement, read after the lock
        if ("LEFT".equals(bringUpToDate(c, m, now).memberStatus())) {
            throw memberLeft(memberId);
        }
        return m;
    }

    private MemberBalance lockKnownMember(Connection c, String memberId) throws SQLException {
        MemberBalance m = postings.lockMember(c, memberId);
        if (m == null) {
            throw ProblemException.unprocessable(
                    "unknown-member", "Unknown member", "no account for member " + memberId);
        }
        return m;
    }

    boolean hasLeft(Connection c, String memberId) throws SQLException {
        return directory.memberStatus(c, memberId).map("LEFT"::equals).orElse(false);
    }

    void requireNotLeft(Connection c, String memberId) throws SQLException {
        if (hasLeft(c, memberId)) {
            throw memberLeft(memberId);
        }
    }

    private static ProblemException memberLeft(String memberId) {
        // word for word as ParticipantCheck answers a member who left: as one who never existed
        return ProblemException.unprocessable("unknown-member", "Unknown member", "no member " + memberId);
    }

    /**
     * For a member whose row this transaction has locked: what the clock did since the last posting.
     * Whatever changed is saved at once, so every path that locks a member (a replayed capture or
     * void, a lapse that finds nothing to do) commits lots and breakdown together (I9, checked at
     * commit by the lot_consistent trigger). One statement when nothing is due to expire (the
     * usual case); answers what it read (the member's status too).
     */
    PostingRepository.Due bringUpToDate(Connection c, MemberBalance m, Instant now) throws SQLException {
        PostingRepository.Due due = postings.matureDue(c, m.memberId, now);
        long matured = due.matured();
        m.pending -= matured;
        m.available += matured;
        long expired = due.expiryDue() ? expireDue(c, m, now) : 0;
        long debtBefore = m.debt;
        settleDebt(c, m, now);
        if (matured > 0 || expired > 0 || m.debt != debtBefore) {
            postings.saveMember(c, m, now);
        }
        return due;
    }

    /** Empties the member's lots due by now into breakage and tells of it; answers how many points went. */
    long expireDue(Connection c, MemberBalance m, Instant now) throws SQLException {
        long expired = empty(c, m, now, TransferKind.EXPIRY, now);
        if (expired > 0) {
            m.expired += expired;
            events.publish(c, new PointsExpired(m.memberId, expired, now), now);
        }
        return expired;
    }

    /** Invariant I5: debt > 0 only while nothing is available, so any available point repays debt first. */
    void settleDebt(Connection c, MemberBalance m, Instant now) throws SQLException {
        long repay = Math.min(m.debt, m.available);
        if (repay > 0) {
            postings.drawFifo(c, m.memberId, repay, UUID.randomUUID(), "DEBT_REPAYMENT", now);
            m.available -= repay;
            m.debt -= repay;
        }
    }

    /**
     * Moves what remains in the member's lots due by {@code cutoff} to breakage (expiry, or a
     * forfeit with a cutoff beyond every lot); answers how many points went.
     */
    long empty(Connection c, MemberBalance m, Instant cutoff, TransferKind kind, Instant now) throws SQLException {
        long total = 0;
        for (Taken t : postings.emptyLots(c, m.memberId, cutoff)) {
            if (t.matured()) {
                m.available -= t.points();
            } else {
                m.pending -= t.points();
            }
            total += t.points();
        }
        postings.transfer(c, m.account(), Accounts.BREAKAGE, total, kind, PostingIds.next(), null, m.shard(), now);
        return total;
    }

    /** Credits a new available lot expiring after the default validity (bonuses, positive adjustments). */
    void credit(
            Connection c,
            MemberBalance m,
            long points,
            String source,
            UUID ref,
            String from,
            TransferKind kind,
            String partnerId,
            Instant now)
            throws SQLException {
        credit(c, m, points, source, ref, from, kind, partnerId, now, now);
    }

    /**
     * Credits a new lot expiring after the default validity (and not before it is available): available now, or
     * pending until {@code availableAt} (a referral bonus held with its purchase), when it matures as any lot does.
     */
    void credit(
            Connection c,
            MemberBalance m,
            long points,
            String source,
            UUID ref,
            String from,
            TransferKind kind,
            String partnerId,
            Instant availableAt,
            Instant now)
            throws SQLException {
        boolean matured = !availableAt.isAfter(now);
        Instant expires = ZonedDateTime.ofInstant(now, policy.zone())
                .plusMonths(policy.defaultValidityMonths())
                .toInstant();
        Instant availableFrom = matured ? now : availableAt;
        postings.insertLot(
                c,
                m.memberId,
                source,
                ref,
                points,
                now,
                availableFrom,
                expires.isBefore(availableFrom) ? availableFrom : expires,
                matured);
        postings.transfer(c, from, m.account(), points, kind, ref, partnerId, m.shard(), now);
        if (matured) {
            m.available += points;
            settleDebt(c, m, now);
        } else {
            m.pending += points;
        }
    }

    /** A spend needs no debt and enough available points (invariant: available never goes negative). */
    static void requireSpendable(MemberBalance m, long points) {
        if (m.debt > 0) {
            throw ProblemException.unprocessable(
                    "debt-outstanding",
                    "Debt outstanding",
                    "the account owes " + m.debt + " points from a reversal; later earnings repay it first");
        }
        if (m.available < points) {
            throw ProblemException.unprocessable(
                    "insufficient-points",
                    "Insufficient points",
                    points + " points requested, " + m.available + " available");
        }
    }

    /**
     * Gives a hold's points back into the lots they came from (void, lapse, forfeit); restored
     * points whose lot expired meanwhile expire at once and never repay debt, except those the lot
     * owes to a refund of its earning ({@link #giveBack}).
     */
    RedemptionRow release(Connection c, MemberBalance m, RedemptionRow r, VoidReason reason, Instant now)
            throws SQLException {
        m.held -= r.points();
        giveBack(c, m, r.id(), r.points());
        expireDue(c, m, now); // points back in a lot that expired meanwhile expire now: they never repay debt
        settleDebt(c, m, now);
        RedemptionStatus status = reason == VoidReason.LAPSED ? RedemptionStatus.LAPSED : RedemptionStatus.VOIDED;
        RedemptionRow row = operations.updateRedemption(c, r.id(), status, 0, now);
        events.publish(c, new RedemptionVoided(r.id().toString(), m.memberId, r.partnerId(), r.points(), reason), now);
        return row;
    }

    /**
     * A spend's points come back to the member (a void, a lapse, a partial capture, a redemption reversal, a refunded
     * reward order): available again, in the lots they were drawn from, except what a lot owes to a refund of its
     * earning (I23). That refund took those points from elsewhere while they were out, so they repay the member's debt
     * first, then give back what the refund drew from the member's other lots, then debt repayments drawn since the lot
     * started owing (the refund's debt that later points repaid, earliest first), and only the rest goes into the lot.
     * Points given back into a lot that itself owes to its earning's refund settle that in turn (each step uses up open
     * draws, so it ends). The caller expires what came back into lots that expired meanwhile.
     */
    void giveBack(Connection c, MemberBalance m, UUID ref, long points) throws SQLException {
        m.available += points;
        java.util.ArrayDeque<PostingRepository.Owed> owed =
                new java.util.ArrayDeque<>(postings.restore(c, ref, points));
        while (!owed.isEmpty()) {
            PostingRepository.Owed o = owed.pop();
            long repaid = Math.min(o.points(), m.debt);
            m.debt -= repaid;
            m.available -= repaid;
            long left = o.points() - repaid;
            if (left > 0) {
                PostingRepository.Returned back = postings.restoreRefundDraws(c, o.lotId(), left);
                left -= back.points();
                owed.addAll(back.owed());
            }
            if (left > 0) {
                PostingRepository.Returned back = postings.restoreDebtRepayments(c, m.memberId, o.lotId(), left);
                left -= back.points();
                owed.addAll(back.owed());
            }
            if (left > 0) {
                postings.addToLot(c, o.lotId(), left);
            }
        }
    }

    // ------------------------------------------------------------------ retries

    /** The stored answer to a retried earn request; 409 if its key was used for a different request; empty if new. */
    Optional<Outcome<EarningRow>> replayEarning(Connection c, String partnerId, String partnerTxId, String requestHash)
            throws SQLException {
        Optional<EarningRow> stored = operations.findEarning(c, partnerId, partnerTxId);
        return stored.isEmpty()
                ? Optional.empty()
                : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, partnerTxId));
    }

    Optional<Outcome<RedemptionRow>> replayHold(Connection c, String partnerId, String partnerTxId, String requestHash)
            throws SQLException {
        Optional<RedemptionRow> stored = operations.findRedemption(c, partnerId, partnerTxId);
        return stored.isEmpty()
                ? Optional.empty()
                : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, partnerTxId));
    }

    Optional<Outcome<MemberOperationRow>> replayMemberOperation(
            Connection c, String memberId, String kind, String key, String requestHash) throws SQLException {
        Optional<MemberOperationRow> stored = operations.findMemberOperation(c, memberId, kind, key);
        return stored.isEmpty()
                ? Optional.empty()
                : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, key));
    }

    static <T> Outcome<T> replay(T stored, String storedHash, String requestHash, String key) {
        if (!storedHash.equals(requestHash)) {
            throw ProblemException.conflict(
                    "idempotency-key-reused",
                    "'" + key + "' was already used for a different request; a retry must repeat the original exactly");
        }
        return new Outcome<>(stored, true);
    }
}
