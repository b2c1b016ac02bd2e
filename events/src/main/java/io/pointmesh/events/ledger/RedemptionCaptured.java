package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A hold was captured (phase two): the points are spent at the partner. */
@RegisterForReflection
public record RedemptionCaptured(
        String redemptionId, String memberId, String partnerId, String storeCode, long points, long releasedPoints)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
