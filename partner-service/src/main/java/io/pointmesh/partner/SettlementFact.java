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
        long pointsConverted) {}
