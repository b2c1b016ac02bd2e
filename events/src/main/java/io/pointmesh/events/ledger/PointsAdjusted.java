package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An operator credited (positive) or debited (negative) a member, with a reason. */
@RegisterForReflection
public record PointsAdjusted(String adjustmentId, String memberId, long points, String reason, String actor)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
