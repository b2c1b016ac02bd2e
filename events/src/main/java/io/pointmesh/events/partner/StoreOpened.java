package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A store (branch, web shop) of a partner opened or was changed. */
@RegisterForReflection
public record StoreOpened(String partnerId, String storeCode, String name, StoreChannel channel, String region)
        implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
