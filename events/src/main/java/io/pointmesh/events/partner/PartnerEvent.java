package io.pointmesh.events.partner;

import io.pointmesh.events.DomainEvent;

/** Events published by partner-service on {@code partner.events}. */
public interface PartnerEvent extends DomainEvent {}
