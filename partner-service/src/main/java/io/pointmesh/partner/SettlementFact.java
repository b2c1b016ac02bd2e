package io.pointmesh.partner;

import java.time.Instant;

/** One ledger posting as settlement counts it; {@code key} is the ledger's own operation id. */
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
        long pointsRedeemedRewardsReversed) {

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
}
