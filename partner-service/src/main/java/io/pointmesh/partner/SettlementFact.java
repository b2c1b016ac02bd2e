package io.pointmesh.partner;

import java.time.Instant;

/**
 * One ledger posting as settlement counts it; {@code key} is the ledger's own operation id.
 * {@code pointsCoFundedForPartners}: of this fact's issuance (or, negative, its reversal), the points
 * the partner paid on another partner's joint campaign; {@code pointsCoFundedByPartners}: the points
 * co-funders paid on this partner's campaigns (charged to them, shown here for information).
 */
public record SettlementFact(
        String key,
        String partnerId,
        Instant postedAt,
        long pointsIssued,
        long pointsIssuedReversed,
        long networkFunded,
        long networkFundedReversed,
        long pointsRedeemed,
        long pointsRedeemedReversed,
        long pointsConverted,
        long pointsRedeemedRewards,
        long pointsRedeemedRewardsReversed,
        long pointsCoFundedForPartners,
        long pointsCoFundedByPartners) {

    /** A fact that is not about co-funding. */
    public SettlementFact(
            String key,
            String partnerId,
            Instant postedAt,
            long pointsIssued,
            long pointsIssuedReversed,
            long networkFunded,
            long networkFundedReversed,
            long pointsRedeemed,
            long pointsRedeemedReversed,
            long pointsConverted,
            long pointsRedeemedRewards,
            long pointsRedeemedRewardsReversed) {
        this(
                key,
                partnerId,
                postedAt,
                pointsIssued,
                pointsIssuedReversed,
                networkFunded,
                networkFundedReversed,
                pointsRedeemed,
                pointsRedeemedReversed,
                pointsConverted,
                pointsRedeemedRewards,
                pointsRedeemedRewardsReversed,
                0,
                0);
    }

    /** A fact that is not about a reward order. */
    public SettlementFact(
            String key,
            String partnerId,
            Instant postedAt,
            long pointsIssued,
            long pointsIssuedReversed,
            long networkFunded,
            long networkFundedReversed,
            long pointsRedeemed,
            long pointsRedeemedReversed,
            long pointsConverted) {
        this(
                key,
                partnerId,
                postedAt,
                pointsIssued,
                pointsIssuedReversed,
                networkFunded,
                networkFundedReversed,
                pointsRedeemed,
                pointsRedeemedReversed,
                pointsConverted,
                0,
                0);
    }

    /**
     * The campaign partner's fact of an earning (or its reversal) whose bonuses co-funders paid
     * part of: its issuance less what they issued ({@code coFundedIssued}), its reversal less what
     * went back to them ({@code coFundedReversed}), and the net shown as pointsCoFundedByPartners.
     */
    public SettlementFact lessCoFunded(long coFundedIssued, long coFundedReversed) {
        return new SettlementFact(
                key,
                partnerId,
                postedAt,
                pointsIssued - coFundedIssued,
                pointsIssuedReversed - coFundedReversed,
                networkFunded,
                networkFundedReversed,
                pointsRedeemed,
                pointsRedeemedReversed,
                pointsConverted,
                pointsRedeemedRewards,
                pointsRedeemedRewardsReversed,
                pointsCoFundedForPartners,
                pointsCoFundedByPartners + coFundedIssued - coFundedReversed);
    }
}
