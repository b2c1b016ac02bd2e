package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A captured redemption was cancelled: the points return with their original expiry. */
@RegisterForReflection
public record RedemptionReversed(String reversalId, String redemptionId, String memberId, String partnerId, long points)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
