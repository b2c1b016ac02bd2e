package io.pointmesh.partner;

import io.pointmesh.events.partner.StoreChannel;
import java.time.Instant;

/** A partner's store (a branch, a web shop): opened, maybe closed, never deleted. */
public record Store(
        String partnerId,
        String code,
        String name,
        StoreChannel channel,
        String region,
        boolean open,
        Instant openedAt,
        Instant closedAt) {}
