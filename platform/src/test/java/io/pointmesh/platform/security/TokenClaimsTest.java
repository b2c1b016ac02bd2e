package io.pointmesh.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenClaims} on the verified claims quarkus-oidc builds (jose4j's, from the token's JSON)
 * and on any other {@link JsonWebToken}: a string claim is its value; a claim of any other JSON
 * type is read as absent, so a misconfigured mapper fails closed.
 */
class TokenClaimsTest {

    static JsonWebToken verified(String claimsJson) throws Exception {
        return new OidcJwtCallerPrincipal(JwtClaims.parse(claimsJson), null);
    }

    @Test
    void aStringClaimIsItsValue() throws Exception {
        JsonWebToken token = verified(
                "{\"sub\":\"u1\",\"partner_id\":\"p-1\",\"scope\":\"openid points:write\",\"azp\":\"pointmesh-operator\"}");
        assertEquals("p-1", TokenClaims.text(token, "partner_id"));
        assertEquals("openid points:write", TokenClaims.text(token, "scope"));
        assertEquals("pointmesh-operator", TokenClaims.text(token, "azp"));
        assertEquals("", TokenClaims.text(verified("{\"partner_id\":\"\"}"), "partner_id"));
    }

    @Test
    void aClaimOfAnotherTypeIsReadAsAbsent() throws Exception {
        JsonWebToken token = verified("{\"sub\":\"u1\",\"partner_id\":[\"p-1\",\"p-2\"],\"one\":[\"p-1\"],"
                + "\"number\":42,\"decimal\":4.5,\"flag\":true,\"object\":{\"id\":\"p-1\"},\"nothing\":null}");
        for (String name : new String[] {"partner_id", "one", "number", "decimal", "flag", "object", "nothing"}) {
            assertNull(TokenClaims.text(token, name), name);
        }
        assertNull(TokenClaims.text(token, "absent"));
    }

    @Test
    void theCallersFailClosedOnANonStringClaim() throws Exception {
        // an array scope (as some providers issue "scp") gives no write scope: read-only, not every scope
        assertFalse(PartnerAccessFilter.hasScope(verified("{\"scope\":[\"points:write\"]}"), "points:write"));
        assertTrue(PartnerAccessFilter.hasScope(verified("{\"scope\":\"openid points:write\"}"), "points:write"));
        assertFalse(PartnerAccessFilter.hasScope(verified("{\"scope\":\"openid points:writer\"}"), "points:write"));
    }

    @Test
    void anyOtherTokenIsReadThroughItsClaims() {
        Map<String, Object> claims = Map.of(
                "partner_id", Json.createValue("p-1"),
                "azp", "pointmesh-dashboard",
                "number", Json.createValue(42),
                "array", Json.createArrayBuilder().add("p-1").build(),
                "nothing", JsonValue.NULL);
        JsonWebToken token = new JsonWebToken() {
            @Override
            public String getName() {
                return "u1";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
        assertEquals("p-1", TokenClaims.text(token, "partner_id"));
        assertEquals("pointmesh-dashboard", TokenClaims.text(token, "azp"));
        assertNull(TokenClaims.text(token, "number"));
        assertNull(TokenClaims.text(token, "array"));
        assertNull(TokenClaims.text(token, "nothing"));
        assertNull(TokenClaims.text(token, "absent"));
    }
}
