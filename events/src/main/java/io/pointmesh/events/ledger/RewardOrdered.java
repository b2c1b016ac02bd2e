package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A member ordered a reward of the catalogue: its points were taken and a unit of its stock (a
 * coupon's code) reserved, in one transaction. {@code partnerId} is null for a network reward.
 * Never carries a coupon code.
 */
@RegisterForReflection
public record RewardOrdered(
        String orderId,
        String rewardId,
        String memberId,
        String partnerId,
        String title,
        String fulfilment,
        long points)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
