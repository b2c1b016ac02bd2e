package io.pointmesh.partner;

import java.time.Instant;
import java.util.List;

/**
 * A partner's webhook: where its events go and which. The signing secret is not here: it lives
 * encrypted in the table and is only answered when created or rotated (and again to a retry of the
 * creation with the same Idempotency-Key: the first answer, docs/partners.md).
 * {@code previousSecretExpiresAt}: after a rotation, until when the previous secret still signs
 * beside the new one (null: it signs nothing).
 */
public record Webhook(
        String id,
        String partnerId,
        String url,
        List<String> events,
        Status status,
        String disabledReason,
        Instant disabledAt,
        Instant createdAt,
        String createdBy,
        Instant secretRotatedAt,
        Instant previousSecretExpiresAt) {

    public enum Status {
        ENABLED,
        /** Abandoned deliveries stopped it; enabling (or a replay) starts it again. */
        DISABLED
    }
}
