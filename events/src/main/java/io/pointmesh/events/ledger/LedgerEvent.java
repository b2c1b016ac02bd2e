package io.pointmesh.events.ledger;

import io.pointmesh.events.DomainEvent;

/** Events published by ledger-service on {@code ledger.events}. */
public interface LedgerEvent extends DomainEvent {}
