package io.pointmesh.partner.service;

import io.smallrye.mutiny.Uni;

/**
 * The partners' OIDC clients in the identity provider. The production implementation is
 * {@link KeycloakPartnerCredentials}; every method is idempotent, so a transition that failed
 * after the identity provider answered can simply be repeated.
 */
public interface PartnerCredentials {

    /** A client id and its secret, shown to the partner once. */
    record Credentials(String clientId, String clientSecret) {}

    /** Creates (or, if it exists, re-enables with a new secret) the partner's confidential client. */
    Uni<Credentials> issue(String partnerId);

    /**
     * A new secret for the partner's client; the old one stops working. {@code enable}: the client is
     * enabled too (an ACTIVE partner's; a client already enabled stays so); else its enabled flag is
     * left as it is. No client: 409 {@code no-client}.
     */
    Uni<Credentials> rotate(String clientId, boolean enable);

    /** The client can obtain tokens again (one already enabled stays so); a client that does not exist is left so. */
    Uni<Void> enable(String clientId);

    /** The client can no longer obtain tokens; a client that does not exist (never created, or deleted) is fine. */
    Uni<Void> disable(String clientId);

    static String clientIdOf(String partnerId) {
        return "partner-" + partnerId;
    }
}
