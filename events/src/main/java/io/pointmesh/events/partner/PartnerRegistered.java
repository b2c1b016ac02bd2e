package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An operator registered a partner company; it is PENDING until activated. */
@RegisterForReflection
public record PartnerRegistered(String partnerId, String legalName, String businessRegistrationNumber, String category)
        implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
