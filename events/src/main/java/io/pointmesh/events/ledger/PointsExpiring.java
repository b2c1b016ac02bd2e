package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** Advance notice: points that will expire at {@code expiresAt} unless spent. */
@RegisterForReflection
public record PointsExpiring(String memberId, long points, Instant expiresAt) implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
