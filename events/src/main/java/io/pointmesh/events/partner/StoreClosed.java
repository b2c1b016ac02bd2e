package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A store closed; purchases there are no longer earned. */
@RegisterForReflection
public record StoreClosed(String partnerId, String storeCode) implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
