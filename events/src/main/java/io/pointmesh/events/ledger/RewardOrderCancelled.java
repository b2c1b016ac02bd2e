package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The member cancelled a reward order before it was fulfilled: its points came back with their original expiry. */
@RegisterForReflection
public record RewardOrderCancelled(String orderId, String rewardId, String memberId, String partnerId, long points)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
