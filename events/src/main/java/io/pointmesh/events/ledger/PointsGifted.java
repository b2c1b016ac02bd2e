package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A member gave points to another member; the receiver's lots keep the giver's expiry dates. */
@RegisterForReflection
public record PointsGifted(String giftId, String memberId, String recipientMemberId, long points)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
