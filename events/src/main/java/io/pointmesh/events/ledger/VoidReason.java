package io.pointmesh.events.ledger;

public enum VoidReason {
    VOIDED,
    LAPSED
}
