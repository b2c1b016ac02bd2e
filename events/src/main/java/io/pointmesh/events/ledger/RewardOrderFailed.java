package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A reward order could not be fulfilled: its points came back with their original expiry. */
@RegisterForReflection
public record RewardOrderFailed(
        String orderId, String rewardId, String memberId, String partnerId, long points, String reason)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
