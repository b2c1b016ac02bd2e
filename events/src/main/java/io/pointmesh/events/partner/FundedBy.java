package io.pointmesh.events.partner;

/** Who pays a campaign's bonus points: the partner (its issuance account) or the network (promotions). */
public enum FundedBy {
    PARTNER,
    NETWORK
}
