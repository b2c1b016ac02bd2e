package io.pointmesh.platform.security;

/** The realm roles of the pointmesh realm (deploy/keycloak/pointmesh-realm.json). */
public final class Roles {
    /** A member, through the mobile card app. */
    public static final String MEMBER = "member";
    /** A partner company's systems, with client credentials; tokens carry {@link Caller#PARTNER_ID_CLAIM}. */
    public static final String PARTNER = "partner";
    /** The network's platform team. */
    public static final String OPERATOR = "operator";
    /**
     * The OAuth scope that lets a partner's token change anything (earn, reverse, hold, capture,
     * void, and every other non-GET request); granted by the realm to partners' integration
     * clients only, never to staff sign-ins. Enforced for every service by {@link PartnerAccessFilter}.
     */
    public static final String POINTS_WRITE_SCOPE = "points:write";

    private Roles() {}
}
