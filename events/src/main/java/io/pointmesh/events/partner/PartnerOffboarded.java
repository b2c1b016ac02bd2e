package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The partner left the network; its client is disabled, its data kept for settlement. */
@RegisterForReflection
public record PartnerOffboarded(String partnerId, String actor, String reason) implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
