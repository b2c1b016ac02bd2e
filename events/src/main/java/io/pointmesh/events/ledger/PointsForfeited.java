package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A departing member's remaining points went to breakage. */
@RegisterForReflection
public record PointsForfeited(String memberId, long points) implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
