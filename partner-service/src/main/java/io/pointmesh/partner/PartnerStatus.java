package io.pointmesh.partner;

/** A partner's place in its lifecycle: PENDING -> ACTIVE <-> SUSPENDED -> OFFBOARDED. */
public enum PartnerStatus {
    PENDING,
    ACTIVE,
    SUSPENDED,
    OFFBOARDED
}
