package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** Points were put on hold for a purchase at a partner (phase one). */
@RegisterForReflection
public record RedemptionHeld(
        String redemptionId,
        String memberId,
        String partnerId,
        String storeCode,
        String partnerTxId,
        long points,
        Instant expiresAt)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
