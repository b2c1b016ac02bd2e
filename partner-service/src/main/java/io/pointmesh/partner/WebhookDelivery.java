package io.pointmesh.partner;

import java.time.Instant;

/** One event on its way to one webhook: its log entry. */
public record WebhookDelivery(
        String id,
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
