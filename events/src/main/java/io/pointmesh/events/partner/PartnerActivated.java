package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The partner may now earn and redeem; its OIDC client exists. */
@RegisterForReflection
public record PartnerActivated(String partnerId, String clientId, String actor, String reason) implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
