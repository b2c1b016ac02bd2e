package io.pointmesh.platform.security;

import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The two rules every partner-scoped request passes, in one place for every service
 * (docs/security.md, "Credentials bound to their purpose"):
 *
 * <ol>
 *   <li><b>A barred partner gets nothing.</b> A token carrying a suspended or offboarded partner's
 *   {@code partner_id} is refused (403 {@code partner-not-active}) on every endpoint, reads included.</li>
 *   <li><b>Only an integration client writes.</b> A partner's token may use a method other than
 *   GET/HEAD/OPTIONS only if its {@code scope} claim holds {@value Roles#POINTS_WRITE_SCOPE}, which the
 *   realm grants to partners' client-credentials clients alone. Staff sign-ins (the dashboard, the
 *   console) never carry it, so they are read-only everywhere, whatever an endpoint declares.</li>
 * </ol>
 *
 * Deny by default: a new write endpoint is covered without anyone remembering an annotation.
 * Operators are not partners and are not affected; anonymous requests fall through to the
 * endpoints' own {@code @RolesAllowed} (401).
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class PartnerAccessFilter implements ContainerRequestFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @Inject
    PartnerAccess access;

    @Override
    public void filter(ContainerRequestContext request) {
        if (identity.isAnonymous() || !identity.hasRole(Roles.PARTNER) || identity.hasRole(Roles.OPERATOR)) {
            return;
        }
        String partnerId = TokenClaims.text(token, Caller.PARTNER_ID_CLAIM);
        if (partnerId != null && access.isBarred(partnerId)) {
            throw ProblemException.forbidden(
                    "partner-not-active",
                    "partner " + partnerId + " is suspended or offboarded; its credentials are refused");
        }
        if (!SAFE_METHODS.contains(request.getMethod()) && !hasScope(token, Roles.POINTS_WRITE_SCOPE)) {
            throw ProblemException.forbidden(
                    "read-only-credentials",
                    "this token is a staff sign-in without the " + Roles.POINTS_WRITE_SCOPE
                            + " scope: only the partner's integration client may change anything");
        }
    }

    static boolean hasScope(JsonWebToken token, String scope) {
        String claim = TokenClaims.text(token, "scope");
        if (claim == null) {
            return false;
        }
        for (String s : claim.split(" ")) {
            if (s.equals(scope)) {
                return true;
            }
        }
        return false;
    }
}
