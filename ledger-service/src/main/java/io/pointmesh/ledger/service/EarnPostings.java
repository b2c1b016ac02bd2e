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
import io.pointmesh.ledger.service.Ledger.BonusOffer;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.EarnPosting;
import io.pointmesh.ledger.service.Ledger.Outcome;
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
 * a referred member's first qualifying earning.
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

        Long lotId = null;
        boolean matured = !p.availableAt().isAfter(now);
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
            // Postings, always in this order: partner issuance rows before network promotion rows.
            String issuance = Accounts.issuance(p.partnerId());
            postings.transfer(
                    c,
                    issuance,
                    m.account(),
                    points.basePoints(),
                    TransferKind.EARN,
                    p.earningId(),
                    p.partnerId(),
                    m.shard(),
                    now);
            for (GrantedBonus b : granted) {
                if (!b.networkFunded()) {
                    postings.transfer(
                            c,
                            issuance,
                            m.account(),
                            b.points() - b.coFundedPoints(),
                            TransferKind.CAMPAIGN_BONUS,
                            p.earningId(),
                            p.partnerId(),
                            m.shard(),
                            now);
                }
            }
            // the grade uplift on what the partner funds (its base, its bonuses, a co-funder's part) is its issuance
            // too
            postings.transfer(
                    c,
                    issuance,
                    m.account(),
                    points.partnerGradeBonus(),
                    TransferKind.GRADE_BONUS,
                    p.earningId(),
                    p.partnerId(),
                    m.shard(),
                    now);
            // a co-funder's part of a co-funded bonus, from its own issuance account (I19)
            for (GrantedBonus b : granted) {
                if (b.coFundedPoints() > 0) {
                    postings.transfer(
                            c,
                            Accounts.issuance(b.coFunderId()),
                            m.account(),
                            b.coFundedPoints(),
                            TransferKind.CAMPAIGN_BONUS,
                            p.earningId(),
                            b.coFunderId(), // the co-funder's money: in its totals, as in its statement
                            m.shard(),
                            now);
                }
            }
            for (GrantedBonus b : granted) {
                if (b.networkFunded()) {
                    postings.transfer(
                            c,
                            Accounts.PROMOTION,
                            m.account(),
                            b.points(),
                            TransferKind.CAMPAIGN_BONUS,
                            p.earningId(),
                            p.partnerId(),
                            m.shard(),
                            now);
                }
            }
            postings.transfer(
                    c,
                    Accounts.PROMOTION,
                    m.account(),
                    points.networkGradeBonus(),
                    TransferKind.GRADE_BONUS,
                    p.earningId(),
                    p.partnerId(),
                    m.shard(),
                    now);
            m.lifetimeEarned += points.total();
            if (matured) {
                m.available += points.total();
                if (!p.expiresAt().isAfter(now)) {
                    // born expired (history imported from long ago): to breakage at once, never repaying debt
                    expireDue(c, m, now);
                }
                settleDebt(c, m, now);
            } else {
                m.pending += points.total();
            }
        }
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
                lotId,
                BigDecimal.ZERO,
                0,
                now);
        if (!operations.insertEarning(c, row)) {
            throw new DuplicateRequest();
        }
        if (!p.imported()
                && points.total() > 0
                && points.basePoints() >= policy.referralQualifyingPoints()
                && !p.firstEarningRecorded()) {
            // history from before a referral is not the referred member's first purchase in the network, nor is a
            // purchase under the qualifying base points (first_earning_id: the first qualifying earning)
            referralBonuses.pay(c, m, p.earningId(), p.availableAt(), now);
        }
        postings.saveMember(c, m, now);
        events.publish(
                c,
                new PointsEarned(
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
                        points.networkPoints()),
                now);
        return new Outcome<>(row, false);
    }

    private static List<Bonus> bonuses(List<GrantedBonus> granted) {
        return granted.stream()
                .map(b -> new Bonus(b.campaignId(), b.points(), b.coFunderId(), b.coFundedPoints()))
                .toList();
    }
}
