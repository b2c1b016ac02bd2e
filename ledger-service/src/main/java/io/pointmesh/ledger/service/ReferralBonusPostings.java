package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.events.ledger.ReferralBonusReversed;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.repository.ReferralRepository.PaidBonus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The referral bonus: paid to both members by the referred member's first earning of at least
 * {@code referral-qualifying-points} base points, and taken back when refunds leave that purchase under
 * them (or refund it in full), once each (the referral_bonus row).
 */
final class ReferralBonusPostings extends Postings {

    private final ReferralRepository referrals;

    ReferralBonusPostings(Context context) {
        super(context);
        this.referrals = context.referrals();
    }

    /**
     * Whether refunds up to {@code refundedAfter} leave an earning of {@code basePoints} base points under the
     * qualifying points: the bonus it paid is then taken back (a purchase refunded but for a won no longer pays).
     */
    static boolean leftUnderQualifying(
            long basePoints, java.math.BigDecimal amount, java.math.BigDecimal refundedAfter, long qualifying) {
        long refundedBase = refundedAfter.compareTo(amount) >= 0
                ? basePoints
                : java.math.BigDecimal.valueOf(basePoints)
                        .multiply(refundedAfter)
                        .divide(amount, 0, java.math.RoundingMode.FLOOR)
                        .longValueExact();
        // an earning that never reached the qualifying points (a bonus paid before the rule, or under a lower
        // bound) goes back only with a full refund, as it was paid
        return basePoints >= qualifying && basePoints - refundedBase < qualifying;
    }

    /**
     * The first qualifying earning of a referred member pays both members the referral bonus, once (referral_bonus's
     * key). The bonus is pending while the earning is: it becomes available at {@code availableAt}, with the purchase's
     * own points, so that a purchase refunded within the partner's pending period takes it back before anyone could
     * spend or give it away (a throwaway account's refunded purchase would otherwise mint the network's points).
     */
    void pay(Connection c, MemberBalance member, UUID earningId, Instant earningAvailableAt, Instant now)
            throws SQLException {
        // at least the network's hold, whatever the partner's pending period or the purchase's stated time
        Instant held = now.plus(policy.referralBonusHold());
        Instant availableAt = held.isAfter(earningAvailableAt) ? held : earningAvailableAt;
        Optional<String> referrer = referrals.claimFirstEarning(c, member.memberId, earningId);
        long bonus = policy.referralBonusPoints();
        if (referrer.isEmpty() || bonus <= 0 || referrer.get().equals(member.memberId)) {
            return;
        }
        if (!referrals.insertBonus(c, member.memberId, referrer.get(), earningId, now)) {
            return;
        }
        UUID ref = PostingIds.next();
        creditBonus(c, member, bonus, ref, availableAt, now);
        long referrerPoints = 0;
        // the referrer's status is read once their row is locked (a racing member.left is seen)
        MemberBalance other = postings.lockMember(c, referrer.get());
        boolean referrerActive = other != null
                && directory
                        .memberStatus(c, referrer.get())
                        .map("ACTIVE"::equals)
                        .orElse(false);
        if (referrerActive) {
            bringUpToDate(c, other, now);
            creditBonus(c, other, bonus, ref, availableAt, now);
            postings.saveMember(c, other, now);
            referrerPoints = bonus;
        }
        referrals.recordPaid(c, member.memberId, bonus, referrerPoints, ref);
        events.publish(
                c,
                new ReferralBonusPaid(member.memberId, referrer.get(), bonus, referrerPoints, earningId.toString()),
                now);
    }

    /**
     * The purchase that paid a referral bonus was refunded under the qualifying points: the bonus is taken back from
     * both members (available points first, the rest as debt), once (referral_bonus.reversed_at).
     * The referred member's row is locked by the caller; the referrer's is locked after it, as when paid.
     */
    void takeBack(Connection c, MemberBalance member, UUID earningId, Instant now) throws SQLException {
        Optional<PaidBonus> paid = referrals.markReversed(c, member.memberId, earningId, now);
        if (paid.isEmpty()) {
            return;
        }
        String referrer = referrals.referrer(c, member.memberId).orElseThrow();
        UUID ref = PostingIds.next();
        debit(c, member, paid.get().memberPoints(), paid.get().ref(), ref, now);
        if (paid.get().referrerPoints() > 0) {
            MemberBalance other = postings.lockMember(c, referrer);
            if (other != null) {
                bringUpToDate(c, other, now);
                debit(c, other, paid.get().referrerPoints(), paid.get().ref(), ref, now);
                postings.saveMember(c, other, now);
            }
        }
        events.publish(
                c,
                new ReferralBonusReversed(
                        member.memberId,
                        referrer,
                        paid.get().memberPoints(),
                        paid.get().referrerPoints(),
                        earningId.toString()),
                now);
    }

    /**
     * Takes points back to the promotion account: from the bonus's own lot while it is still pending ({@code paidRef},
     * its posting), then from available points (oldest expiry first), the rest as debt.
     */
    private void debit(Connection c, MemberBalance m, long points, UUID paidRef, UUID ref, Instant now)
            throws SQLException {
        if (points <= 0) {
            return;
        }
        long left = points;
        java.util.Optional<Long> pending =
                paidRef == null ? java.util.Optional.empty() : postings.pendingLot(c, m.memberId, "REFERRAL", paidRef);
        if (pending.isPresent()) {
            long taken = postings.takeFromLot(c, pending.get(), left, ref, "REFERRAL_REVERSAL", now)
                    .points();
            m.pending -= taken;
            left -= taken;
        }
        long fromAvailable = Math.min(left, m.available);
        if (fromAvailable > 0) {
            postings.drawFifo(c, m.memberId, fromAvailable, ref, "REFERRAL_REVERSAL", now);
            m.available -= fromAvailable;
        }
        m.debt += left - fromAvailable;
        postings.transfer(
                c, m.account(), Accounts.PROMOTION, points, TransferKind.REFERRAL_REVERSAL, ref, null, m.shard(), now);
    }

    /** One side's bonus, from the promotion account: pending until {@code availableAt}, under the posting's ref. */
    private void creditBonus(Connection c, MemberBalance m, long bonus, UUID ref, Instant availableAt, Instant now)
            throws SQLException {
        credit(c, m, bonus, "REFERRAL", ref, Accounts.PROMOTION, TransferKind.REFERRAL_BONUS, null, availableAt, now);
    }
}
