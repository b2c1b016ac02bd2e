package io.pointmesh.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** One event on its way to one webhook: its log entry, as the delivery log answers it. */
@RegisterForReflection
public record WebhookDelivery(
        String deliveryId,
        String webhookId,
        String eventType,
        Status status,
        int attempts,
        Integer lastHttpStatus,
        String lastError,
        Instant createdAt,
        Instant lastAttemptAt,
        Instant nextAttemptAt,
        Instant finishedAt) {

    public enum Status {
        /** Waiting for its first or next attempt (or for an earlier delivery of the same member). */
        PENDING,
        /** The receiver answered 2xx. */
        DELIVERED,
        /** Retried for the whole retry window without success; its webhook was disabled. */
        ABANDONED
    }
}
