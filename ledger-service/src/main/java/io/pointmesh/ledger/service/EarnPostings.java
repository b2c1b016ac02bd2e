package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.events.ledger.CampaignBudgetExhausted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PointsCalculation;
import io.pointmesh.ledger.PointsCalculation.GrantedBonus;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.PostingRepository.CampaignBudget;
import io.pointmesh.ledger.repository.PostingRepository.Credit;
import io.pointmesh.ledger.repository.PostingRepository.NewLot;
import io.pointmesh.ledger.repository.PostingRepository.PostedEarning;
import io.pointmesh.ledger.service.Ledger.BonusOffer;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.EarnPosting;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.outbox.Outbox;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Earn: joint campaigns' audiences checked and campaign budgets cut under their row locks (I11, I20),
 * the lot, the transfers from the partner's issuance, its co-funders' issuance and the network's
 * promotion accounts (I19), the earning's row (I7), and the referral bonus of
 * a referred member's first earning.
 */
final class EarnPostings extends Postings {

    private final ReferralBonusPostings referralBonuses;

    EarnPostings(Context context, ReferralBonusPostings referralBonuses) {
        super(context);
        this.referralBonuses = referralBonuses;
    }

    /**
     * Posts a new earning. A retry of a stored one is not looked up here: storing the earning row
     * finds its (partner, partner transaction id) taken and throws {@link DuplicateRequest}, which
     * rolls everything back; the caller answers from what was stored (EarnService).
     */
    Outcome<EarningRow> earn(Connection c, EarnPosting p) throws SQLException {
        Instant now = now();
        MemberBalance m = lockForCredit(c, p.memberId(), now);

        // Campaign budgets: locked in campaign-id order (no deadlock between two earnings), and
        // never granted past (the CHECK on campaign.spent_points backs this up).
        List<GrantedBonus> granted = new ArrayList<>();
        List<BonusOffer> offers = new ArrayList<>(p.bonuses());
        offers.sort(Comparator.comparing(BonusOffer::campaignId));
        for (BonusOffer offer : offers) {
            long points = offer.points();
            // a joint campaign's audience (consent, purchases elsewhere, never here) as it is now,
            // under the member's lock: two racing first purchases here cannot both be first (I20)
            // the window ends now, not at the purchase's stated time: a partner back-dating its
            // earnings must not be able to slide it and learn when a purchase elsewhere was made
            if (offer.audience() != null
                    && !directory.inAudience(c, p.memberId(), p.partnerId(), offer.audience(), now)) {
                continue;
            }
            // a co-funded bonus is paid only while its co-funder is ACTIVE: read here, under the lock, once
            if (offer.coFunderId() != null
                    && !directory
                            .partner(c, offer.coFunderId())
                            .map(f -> "ACTIVE".equals(f.status()))
                            .orElse(false)) {
                continue;
            }
            if (offer.budgetPoints() > 0) {
                // the budget as it is now, under the lock: it may have changed since the offer was priced
                CampaignBudget row =
                        postings.lockCampaignBudget(c, offer.campaignId()).orElse(new CampaignBudget(0, 0));
                long spent = row.spentPoints();
                long budget = row.budgetPoints();
                points = Math.max(0, Math.min(points, budget - spent));
                if (points > 0) {
                    postings.spendCampaignBudget(c, offer.campaignId(), points);
                    if (spent + points == budget) {
                        events.publish(
                                c, new CampaignBudgetExhausted(offer.campaignId(), offer.partnerId(), budget), now);
                    }
                }
            }
            if (points > 0) {
                granted.add(new GrantedBonus(
                        offer.campaignId(),
                        points,
                        offer.networkFunded(),
                        offer.coFunderId(),
                        offer.coFunderId() == null
                                ? 0
                                : PointsCalculation.coFundedPart(points, offer.coFunderShare())));
            }
        }
        PointsCalculation.Result points = PointsCalculation.total(p.basePoints(), granted, p.gradeMultiplier());

        boolean matured = !p.availableAt().isAfter(now);
        List<Credit> credits = credits(p, points, granted);
        EarningRow row = new EarningRow(
                p.earningId(),
                p.partnerId(),
                p.partnerTxId(),
                p.requestHash(),
                p.memberId(),
                p.storeCode(),
                p.amount(),
                p.currency(),
                p.occurredAt(),
                points.total(),
                points.basePoints(),
                points.partnerPoints(),
                points.networkPoints(),
                bonuses(granted),
                p.gradeMultiplier(),
                points.gradeBonus(),
                p.availableAt(),
                p.expiresAt(),
                null,
                BigDecimal.ZERO,
                0,
                now);
        PointsEarned earned = new PointsEarned(
                p.earningId().toString(),
                p.memberId(),
                p.partnerId(),
                p.storeCode(),
                p.partnerTxId(),
                p.amount(),
                p.currency(),
                p.occurredAt(),
                points.total(),
                points.basePoints(),
                row.bonuses(),
                p.gradeMultiplier(),
                p.availableAt(),
                p.expiresAt(),
                points.networkPoints());
        boolean payReferral = !p.imported() && points.total() > 0 && !p.firstEarningRecorded();
        Long lotId;
        if (m.debt == 0 && p.expiresAt().isAfter(now) && !payReferral) {
            // The usual earning (no debt to repay, not born expired, no referral bonus due): its rows in one
            // statement, then the breakdown.
            NewLot lot = points.total() > 0
                    ? new NewLot(
                            "EARN",
                            p.earningId(),
                            points.total(),
                            p.occurredAt(),
                            p.availableAt(),
                            p.expiresAt(),
                            matured)
                    : null;
            // the event's row goes in the same statement; a sink that stores no rows is given the event after
            Outbox.Row event = events.row(earned, now);
            PostedEarning posted = postings.postEarning(c, m, lot, credits, row, event, now);
            if (!posted.stored()) {
                throw new DuplicateRequest();
            }
            lotId = posted.lotId();
            credit(m, points.total(), matured);
            postings.saveMember(c, m, now);
            if (event == null) {
                events.publish(c, earned, now);
            }
        } else {
            // Everything else, row by row: what repays debt, expires or pays a referral bonus reads the rows before it.
            lotId = null;
            if (points.total() > 0) {
                lotId = postings.insertLot(
                        c,
                        p.memberId(),
                        "EARN",
                        p.earningId(),
                        points.total(),
                        p.occurredAt(),
                        p.availableAt(),
                        p.expiresAt(),
                        matured);
                for (Credit t : credits) {
                    postings.transfer(
                            c,
                            t.debit(),
                            m.account(),
                            t.amount(),
                            t.kind(),
                            p.earningId(),
                            t.partnerId(),
                            m.shard(),
                            now);
                }
                credit(m, points.total(), matured);
                if (matured) {
                    if (!p.expiresAt().isAfter(now)) {
                        // born expired (history imported from long ago): to breakage at once, never repaying debt
                        expireDue(c, m, now);
                    }
                    settleDebt(c, m, now);
                }
            }
            if (!operations.insertEarning(c, withLot(row, lotId))) {
                throw new DuplicateRequest();
            }
            if (payReferral) {
                // history from before a referral is not the referred member's first purchase in the network,
                // nor is a purchase that earned nothing
                referralBonuses.pay(c, m, p.earningId(), now);
            }
            postings.saveMember(c, m, now);
            events.publish(c, earned, now);
        }
        return new Outcome<>(withLot(row, lotId), false);
    }

    /** The new points in the member's breakdown: available at once, or pending until they mature. */
    private static void credit(MemberBalance m, long points, boolean matured) {
        m.lifetimeEarned += points;
        if (matured) {
            m.available += points;
        } else {
            m.pending += points;
        }
    }

    /**
     * The earning's transfers into the member's account, in this order: the partner's issuance (base,
     * then its own bonuses), the co-funders' parts of co-funded bonuses from their own issuance (I19),
     * then the network's promotion account (network-funded bonuses, the grade bonus). Amounts of 0
     * are left out.
     */
    private static List<Credit> credits(EarnPosting p, PointsCalculation.Result points, List<GrantedBonus> granted) {
        List<Credit> credits = new ArrayList<>();
        if (points.total() <= 0) {
            return credits;
        }
        String issuance = Accounts.issuance(p.partnerId());
        credits.add(new Credit(issuance, points.basePoints(), TransferKind.EARN, p.partnerId()));
        for (GrantedBonus b : granted) {
            if (!b.networkFunded()) {
                credits.add(new Credit(
                        issuance, b.points() - b.coFundedPoints(), TransferKind.CAMPAIGN_BONUS, p.partnerId()));
            }
        }
        for (GrantedBonus b : granted) {
            if (b.coFundedPoints() > 0) {
                // the co-funder's money: in its totals, as in its statement
                credits.add(new Credit(
                        Accounts.issuance(b.coFunderId()),
                        b.coFundedPoints(),
                        TransferKind.CAMPAIGN_BONUS,
                        b.coFunderId()));
            }
        }
        for (GrantedBonus b : granted) {
            if (b.networkFunded()) {
                credits.add(new Credit(Accounts.PROMOTION, b.points(), TransferKind.CAMPAIGN_BONUS, p.partnerId()));
            }
        }
        credits.add(new Credit(Accounts.PROMOTION, points.gradeBonus(), TransferKind.GRADE_BONUS, p.partnerId()));
        credits.removeIf(t -> t.amount() <= 0);
        return credits;
    }

    private static EarningRow withLot(EarningRow r, Long lotId) {
        return new EarningRow(
                r.id(),
                r.partnerId(),
                r.partnerTxId(),
                r.requestHash(),
                r.memberId(),
                r.storeCode(),
                r.amount(),
                r.currency(),
                r.occurredAt(),
                r.points(),
                r.basePoints(),
                r.partnerPoints(),
                r.networkPoints(),
                r.bonuses(),
                r.gradeMultiplier(),
                r.gradeBonus(),
                r.availableAt(),
                r.expiresAt(),
                lotId,
                r.refundedAmount(),
                r.reversedPoints(),
                r.postedAt());
    }

    private static List<Bonus> bonuses(List<GrantedBonus> granted) {
        return granted.stream()
                .map(b -> new Bonus(b.campaignId(), b.points(), b.coFunderId(), b.coFundedPoints()))
                .toList();
    }
}
