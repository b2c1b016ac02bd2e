package io.pointmesh.partner;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** One version of a partner's earn rule, effective from {@code effectiveFrom}; versions are never edited. */
public record EarnRule(
        int version,
        BigDecimal baseRate,
        Map<String, BigDecimal> storeRates,
        Map<String, BigDecimal> categoryRates,
        BigDecimal minimumPurchase,
        Long perTransactionCap,
        int pendingDays,
        int validityMonths,
        int backdatingDays,
        Instant effectiveFrom,
        String publishedBy,
        Instant publishedAt) {

    /** The same version with another {@code publishedBy}: a partner's own view shows {@code "operator"}. */
    public EarnRule withPublishedBy(String by) {
        return new EarnRule(
                version,
                baseRate,
                storeRates,
                categoryRates,
                minimumPurchase,
                perTransactionCap,
                pendingDays,
                validityMonths,
                backdatingDays,
                effectiveFrom,
                by,
                publishedAt);
    }
}
