package io.pointmesh.ledger;

/** HELD -> CAPTURED -> (REVERSED); HELD -> VOIDED; HELD -> LAPSED (nobody captured or voided it in time). */
public enum RedemptionStatus {
    HELD,
    CAPTURED,
    VOIDED,
    LAPSED,
    REVERSED
}
