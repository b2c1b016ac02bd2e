package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A hold was voided by the partner, or lapsed; its points are available again. */
@RegisterForReflection
public record RedemptionVoided(String redemptionId, String memberId, String partnerId, long points, VoidReason reason)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
