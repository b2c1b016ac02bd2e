package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A purchase earned points; they become available at {@code availableAt}. Of {@code points},
 * {@code networkFundedPoints} (network campaigns' bonuses and the grade uplift on them) are paid by
 * the network; the rest, with the grade uplift on it, is issued by the partner (what its settlement
 * charges).
 */
@RegisterForReflection
public record PointsEarned(
        String earningId,
        String memberId,
        String partnerId,
        String storeCode,
        String partnerTxId,
        BigDecimal amount,
        String currency,
        Instant occurredAt,
        long points,
        long basePoints,
        List<Bonus> bonuses,
        BigDecimal gradeMultiplier,
        Instant availableAt,
        Instant expiresAt,
        long networkFundedPoints)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
