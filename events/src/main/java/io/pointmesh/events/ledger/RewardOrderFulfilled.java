package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A reward order was fulfilled (shipped, redeemed at the till; a coupon's code delivered). Never carries the code. */
@RegisterForReflection
public record RewardOrderFulfilled(String orderId, String rewardId, String memberId, String partnerId, long points)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
