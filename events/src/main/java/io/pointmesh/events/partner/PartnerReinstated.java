package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A suspended partner may earn and redeem again. */
@RegisterForReflection
public record PartnerReinstated(String partnerId, String actor, String reason) implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
