package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.LocalDate;

/** A partner's settlement statement for a period was closed; it is immutable from now on. */
@RegisterForReflection
public record SettlementClosed(
        String statementId,
        String partnerId,
        LocalDate periodStart,
        LocalDate periodEnd,
        long pointsIssued,
        long pointsIssuedReversed,
        long pointsRedeemed,
        long pointsRedeemedReversed,
        BigDecimal networkFee,
        BigDecimal netAmount,
        String currency)
        implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
