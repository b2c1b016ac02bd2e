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

    /** The claim as text (a JSON string's value, anything else as its JSON), or null if the token has none. */
    static String text(JsonWebToken token, String name) {
        Object value = ClientProxy.unwrap(token) instanceof OidcJwtCallerPrincipal verified
                ? verified.getClaims().getClaimValue(name)
                : token.getClaim(name);
        if (value == null) {
            return null;
        }
        return value instanceof JsonString s ? s.getString() : value.toString();
    }
}
