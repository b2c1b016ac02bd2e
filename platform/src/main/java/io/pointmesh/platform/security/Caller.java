package io.pointmesh.platform.security;

import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling, from the bearer token. A partner is always the token's {@code partner_id}
 * claim, never a field of the request body, so one partner cannot act as another.
 */
@RequestScoped
public class Caller {

    public static final String PARTNER_ID_CLAIM = "partner_id";

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    /** The calling partner's id; a partner token without the claim is refused. */
    public String partnerId() {
        String claim = TokenClaims.text(token, PARTNER_ID_CLAIM);
        if (claim == null || claim.isBlank()) {
            throw ProblemException.forbidden("no-partner-id", "the token carries no partner_id claim");
        }
        return claim;
    }

    /** The token's subject: for a member, their account in the identity provider. */
    public String subject() {
        return token.getSubject();
    }

    /** Who did it, for audit trails: the user name or client of the token. */
    public String actor() {
        String name = TokenClaims.text(token, "preferred_username");
        return name != null ? name : token.getSubject();
    }

    public boolean isOperator() {
        return identity.hasRole(Roles.OPERATOR);
    }

    public boolean isPartner() {
        return identity.hasRole(Roles.PARTNER);
    }

    /**
     * For the few reads that act at the till (they record what the member was shown): only the
     * partner's integration client, with {@value Roles#POINTS_WRITE_SCOPE}; a staff sign-in is refused.
     */
    public void requireIntegrationClient() {
        if (!PartnerAccessFilter.hasScope(token, Roles.POINTS_WRITE_SCOPE)) {
            throw ProblemException.forbidden(
                    "read-only-credentials",
                    "only the partner's integration client (scope " + Roles.POINTS_WRITE_SCOPE + ") may do this");
        }
    }

    /** Operators may read any partner's data; a partner only its own. */
    public void requirePartnerOrOperator(String partnerId) {
        if (!isOperator() && !(isPartner() && partnerId.equals(partnerId()))) {
            throw ProblemException.forbidden("other-partner", "a partner may only read its own data");
        }
    }
}
