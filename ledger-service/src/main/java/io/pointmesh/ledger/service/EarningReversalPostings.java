package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.events.ledger.CoFunding;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PointsCalculation;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.ReversalRow;
import io.pointmesh.ledger.repository.PostingRepository.Taken;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A refund reverses part or all of an earning: the cumulative proportion of its points (I8), the
 * network's and each co-funder's share of them (I19), taken from the earning's own lot first (what remains of it, then
 * what of it expired, back from breakage), then from available points, the rest as debt, what of the lot is out on a
 * spend being owed by the lot until those points come back (I23); a full refund also takes back the referral bonus it
 * paid.
 */
final class EarningReversalPostings extends Postings {

    private final ReferralBonusPostings referralBonuses;

    EarningReversalPostings(Context context, ReferralBonusPostings referralBonuses) {
        super(context);
        this.referralBonuses = referralBonuses;
    }

    Outcome<ReversalRow> reverseEarning(
            Connection c,
            String partnerId,
            UUID earningId,
            String partnerTxId,
            String requestHash,
            BigDecimal refundAmount)
            throws SQLException {
        Optional<ReversalRow> existing = operations.findEarningReversal(c, partnerId, partnerTxId);
        if (existing.isPresent()) {
            return replay(existing.get(), existing.get().requestHash(), requestHash, partnerTxId);
        }
        EarningRow seen = operations
                .findEarning(c, earningId)
                .filter(e -> e.partnerId().equals(partnerId))
                .orElseThrow(() -> ProblemException.notFound("earning", earningId.toString()));
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        // a twin that held the lock before us committed meanwhile: its answer is ours
        existing = operations.findEarningReversal(c, partnerId, partnerTxId);
        if (existing.isPresent()) {
            return replay(existing.get(), existing.get().requestHash(), requestHash, partnerTxId);
        }
        // A member who left had their points forfeited to breakage; the refund is still reversed: the partner
        // pays for no points of a refunded purchase, and a referral bonus it paid is taken back from the referrer.
        // What the closed account cannot give back is left there as debt, matching the breakage it forfeited.
        EarningRow e = operations.lockEarning(c, earningId);
        int digits = Math.max(Currency.getInstance(e.currency()).getDefaultFractionDigits(), 0);
        if (refundAmount.stripTrailingZeros().scale() > digits) {
            throw ProblemException.unprocessable(
                    "invalid-amount",
                    "Invalid amount",
                    e.currency() + " amounts have at most " + digits + " decimal places");
        }
        BigDecimal refundedAfter = e.refundedAmount().add(refundAmount);
        if (refundedAfter.compareTo(e.amount()) > 0) {
            throw ProblemException.unprocessable(
                    "refund-exceeds-purchase",
                    "Refund exceeds the purchase",
                    "refunds would total " + refundedAfter.toPlainString() + " of a purchase of "
                            + e.amount().toPlainString());
        }
        long points = PointsCalculation.reversalPoints(e.points(), e.amount(), e.refundedAmount(), refundedAfter);
        // funders in a fixed order: the network, then the co-funders by partner id (I19)
        Map<String, Long> coFunders = new TreeMap<>();
        for (Bonus b : e.bonuses()) {
            if (b.coFundedPoints() > 0) {
                coFunders.merge(b.coFunderId(), b.coFundedPoints(), Long::sum);
            }
        }
        List<String> coFunderIds = new ArrayList<>(coFunders.keySet());
        long[] shares = new long[1 + coFunderIds.size()];
        shares[0] = e.networkPoints();
        for (int i = 0; i < coFunderIds.size(); i++) {
            shares[i + 1] = coFunders.get(coFunderIds.get(i));
        }
        long[] funderSteps = PointsCalculation.fundersReversalPoints(
                e.points(), shares, e.amount(), e.refundedAmount(), refundedAfter);
        long networkShare = funderSteps[0];
        List<CoFunding> coFunded = new ArrayList<>();
        long coFundedShare = 0;
        for (int i = 0; i < coFunderIds.size(); i++) {
            if (funderSteps[i + 1] > 0) {
                coFunded.add(new CoFunding(coFunderIds.get(i), funderSteps[i + 1]));
                coFundedShare += funderSteps[i + 1];
            }
        }
        UUID reversalId = PostingIds.next();
        long debt = 0;
        if (points > 0) {
            // Take back from the earning's own lot first, then from other available points; what
            // is left becomes debt (a reversal never fails for lack of points).
            long left = points;
            if (e.lotId() != null) {
                Taken own = postings.takeFromLot(c, e.lotId(), left, reversalId, "EARN_REVERSAL", now);
                if (own.matured()) {
                    m.available -= own.points();
                } else {
                    m.pending -= own.points();
                }
                left -= own.points();
            }
            // Then what of the earning's own points expired (breakage took them from the lot): back from breakage,
            // not again from the member's other points. A member who left had their lots forfeited into the same
            // count; their refund keeps the rule below (debt on the closed account, matching the forfeit).
            boolean stillMember = !hasLeft(c, m.memberId);
            if (left > 0 && e.lotId() != null && stillMember) {
                long back = postings.takeExpiredFromLot(c, e.lotId(), left);
                if (back > 0) {
                    postings.transfer(
                            c,
                            Accounts.BREAKAGE,
                            m.account(),
                            back,
                            TransferKind.EXPIRY_REVERSAL,
                            reversalId,
                            null,
                            m.shard(),
                            now);
                    m.expired -= back;
                    left -= back;
                }
            }
            // Then what of it is out on a draw that may come back (a hold, a captured hold, a reward order, another
            // refund's draw or a debt repayment that a settlement may give back): taken
            // from elsewhere below, and owed by the lot, so those points settle it when they come back rather than
            // return into the lot, where they could expire and leave the member paying twice (I23, giveBack).
            if (left > 0 && e.lotId() != null && stillMember) {
                postings.oweFromLot(c, e.lotId(), left, reversalId);
            }
            long fromOthers = Math.min(left, m.available);
            if (fromOthers > 0) {
                postings.drawFifo(c, m.memberId, fromOthers, reversalId, "EARN_REVERSAL", now);
                m.available -= fromOthers;
                left -= fromOthers;
            }
            debt = left;
            m.debt += debt;
            m.lifetimeEarned -= points;
            postings.transfer(
                    c,
                    m.account(),
                    Accounts.issuance(partnerId),
                    points - networkShare - coFundedShare,
                    TransferKind.EARN_REVERSAL,
                    reversalId,
                    partnerId,
                    m.shard(),
                    now);
            postings.transfer(
                    c,
                    m.account(),
                    Accounts.PROMOTION,
                    networkShare,
                    TransferKind.EARN_REVERSAL,
                    reversalId,
                    partnerId,
                    m.shard(),
                    now);
            for (CoFunding share : coFunded) {
                postings.transfer(
                        c,
                        m.account(),
                        Accounts.issuance(share.partnerId()),
                        share.points(),
                        TransferKind.EARN_REVERSAL,
                        reversalId,
                        share.partnerId(),
                        m.shard(),
                        now);
            }
        }
        operations.recordRefund(c, earningId, refundAmount, points);
        // The refunded part of each campaign's bonus goes back to its budget (I11), by the same cumulative
        // proportion as the points, and only as far as the refund took the points back: what became debt was spent,
        // and the campaign paid it (giving it back would let a member who spends a bonus and has the purchase
        // refunded make a budget pay again and again). Campaigns are locked after the member, in campaign-id order.
        List<Bonus> budgeted = new ArrayList<>(e.bonuses());
        budgeted.sort(Comparator.comparing(Bonus::campaignId));
        for (Bonus b : budgeted) {
            long back = PointsCalculation.budgetReturned(
                    PointsCalculation.reversalPoints(b.points(), e.amount(), e.refundedAmount(), refundedAfter),
                    points,
                    debt);
            if (back > 0) {
                postings.returnCampaignBudget(c, b.campaignId(), back);
            }
        }
        if (refundedAfter.compareTo(e.amount()) == 0
                || ReferralBonusPostings.leftUnderQualifying(
                        e.basePoints(), e.amount(), refundedAfter, policy.referralQualifyingPoints())) {
            // takeBack does nothing unless this earning paid a bonus not taken back yet
            referralBonuses.takeBack(c, m, earningId, now);
        }
        ReversalRow row = new ReversalRow(
                reversalId, earningId, partnerId, partnerTxId, requestHash, refundAmount, points, debt, now);
        if (!operations.insertEarningReversal(c, row)) {
            throw new DuplicateRequest();
        }
        postings.saveMember(c, m, now);
        events.publish(
                c,
                new EarningReversed(
                        reversalId.toString(),
                        earningId.toString(),
                        m.memberId,
                        partnerId,
                        partnerTxId,
                        refundAmount,
                        points,
                        debt,
                        networkShare,
                        coFunded),
                now);
        return new Outcome<>(row, false);
    }
}
