package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * Too many wrong spending PINs in a row: no partner can spend the member's points with the PIN
 * until {@code lockedUntil} (payment codes from the member's own app still work). The member is told.
 */
@RegisterForReflection
public record SpendingLocked(String memberId, int failedAttempts, Instant lockedUntil) implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
