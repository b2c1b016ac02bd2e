package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** A new version of a partner's earn rule, in force from {@code effectiveFrom}; versions are never edited. */
@RegisterForReflection
public record EarnRulePublished(
        String partnerId,
        int version,
        BigDecimal baseRate,
        Map<String, BigDecimal> storeRates,
        Map<String, BigDecimal> categoryRates,
        BigDecimal minimumPurchase,
        Long perTransactionCap,
        int pendingDays,
        int validityMonths,
        int backdatingDays,
        Instant effectiveFrom)
        implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
