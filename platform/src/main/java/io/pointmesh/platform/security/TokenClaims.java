package io.pointmesh.platform.security;

import io.quarkus.arc.ClientProxy;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A token's string claims, read from the verified claims themselves. smallrye-jwt's
 * {@code getClaim(String)} first looks the name up among the standard claims with
 * {@code Claims.valueOf}, which throws (and fills a stack trace) for every custom claim:
 * {@code partner_id} and {@code scope} are read on every partner request (issue 17).
 */
final class TokenClaims {

    private TokenClaims() {}

    /**
     * The claim's string value; null if the token has none or it is not a JSON string. Every claim
     * read here is a string when our identity provider issues it, so anything else (an array, a
     * number, an object, JSON null) is a misconfigured mapper and is read as absent: it fails
     * closed (no partner id: 403; no scope: read-only; no {@code azp}: not an operator client),
     * where its text (e.g. {@code [p1]}) would have been a partner id no rule knows.
     */
    static String text(JsonWebToken token, String name) {
        Object value = ClientProxy.unwrap(token) instanceof OidcJwtCallerPrincipal verified
                ? verified.getClaims().getClaimValue(name)
                : token.getClaim(name);
        if (value instanceof String s) {
            return s; // jose4j's verified claims
        }
        return value instanceof JsonString s ? s.getString() : null;
    }
}
