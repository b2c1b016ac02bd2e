package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** Lots reached their expiry; what remained in them went to breakage. */
@RegisterForReflection
public record PointsExpired(String memberId, long points, Instant expiredAt) implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
