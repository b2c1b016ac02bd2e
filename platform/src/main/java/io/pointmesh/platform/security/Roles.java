package io.pointmesh.platform.security;

/** The realm roles of the pointmesh realm (deploy/keycloak/pointmesh-realm.json). */
public final class Roles {
    /** A member, through the mobile card app. */
    public static final String MEMBER = "member";
    /** A partner company's systems, with client credentials; tokens carry {@link Caller#PARTNER_ID_CLAIM}. */
    public static final String PARTNER = "partner";
    /** The network's platform team. */
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}
