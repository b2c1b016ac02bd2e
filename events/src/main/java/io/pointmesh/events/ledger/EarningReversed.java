package io.pointmesh.events.ledger;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.util.List;

/**
 * A purchase was (partly) refunded: points taken back in proportion; {@code debtIncurred} of them
 * were already spent. {@code networkFundedPoints} of them go back to the network, those in
 * {@code coFunded} to the partners that co-funded the earning's joint campaigns, the rest to the
 * partner's issuance.
 */
@RegisterForReflection
public record EarningReversed(
        String reversalId,
        String earningId,
        String memberId,
        String partnerId,
        String partnerTxId,
        BigDecimal refundAmount,
        long points,
        long debtIncurred,
        long networkFundedPoints,
        List<CoFunding> coFunded)
        implements LedgerEvent {

    /** A reversal of an earning nobody co-funded. */
    public EarningReversed(
            String reversalId,
            String earningId,
            String memberId,
            String partnerId,
            String partnerTxId,
            BigDecimal refundAmount,
            long points,
            long debtIncurred,
            long networkFundedPoints) {
        this(
                reversalId,
                earningId,
                memberId,
                partnerId,
                partnerTxId,
                refundAmount,
                points,
                debtIncurred,
                networkFundedPoints,
                List.of());
    }

    /** The points of this reversal that went back to co-funding partners. */
    @JsonIgnore
    public long coFundedPoints() {
        return coFunded == null
                ? 0
                : coFunded.stream().mapToLong(CoFunding::points).sum();
    }

    @Override
    public String aggregateId() {
        return memberId;
    }
}
