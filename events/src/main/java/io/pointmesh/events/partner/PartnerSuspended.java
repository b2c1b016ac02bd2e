package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The partner may no longer earn or redeem, even with valid tokens. */
@RegisterForReflection
public record PartnerSuspended(String partnerId, String actor, String reason) implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
