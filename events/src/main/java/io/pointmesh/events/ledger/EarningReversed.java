package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;

/**
 * A purchase was (partly) refunded: points taken back in proportion; {@code debtIncurred} of them
 * were already spent. {@code networkFundedPoints} of them go back to the network, the rest to the
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
        long networkFundedPoints)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
