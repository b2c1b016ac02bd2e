package io.pointmesh.testing;

import io.smallrye.jwt.build.Jwt;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Bearer tokens for component tests, shaped like the pointmesh realm's (realm roles under
 * {@code realm_access}, the {@code pointmesh-api} audience, {@code partner_id} for partners) and
 * signed with the key of {@link PointmeshTestResource}'s OIDC stand-in.
 */
public final class TestTokens {

    private static final String ISSUER = "https://server.example.com";

    private TestTokens() {}

    /** The operators' client (client credentials); only its tokens (and the dashboard's) count as operator. */
    public static String operator() {
        return token("operator-" + UUID.randomUUID(), List.of("operator"), Map.of("azp", "pointmesh-operator"));
    }

    /** A token that claims the operator role but was issued to another client (say, one a partner-service mistake made). */
    public static String operatorRoleFromClient(String clientId) {
        return token("operator-" + UUID.randomUUID(), List.of("operator"), Map.of("azp", clientId));
    }

    /** A partner's integration client (client credentials): carries the {@code points:write} scope. */
    public static String partner(String partnerId) {
        return token(
                "service-account-" + partnerId,
                List.of("partner"),
                Map.of("partner_id", partnerId, "scope", "profile email points:write"));
    }

    /** A partner's staff sign-in (dashboard, console): role partner and the partner_id claim, no write scope. */
    public static String partnerStaff(String partnerId) {
        return token(
                "staff-" + UUID.randomUUID(),
                List.of("partner"),
                Map.of("partner_id", partnerId, "scope", "openid profile email", "azp", "pointmesh-dashboard"));
    }

    /** A member of the mobile app; {@code subject} is their identity-provider account. */
    public static String member(String subject) {
        return token(subject, List.of("member"), Map.of());
    }

    /** A token with no pointmesh role at all. */
    public static String noRole() {
        return token("nobody-" + UUID.randomUUID(), List.of(), Map.of());
    }

    /** A well-signed token for another audience: must be refused. */
    public static String forAudience(String audience) {
        return Jwt.claims()
                .issuer(ISSUER)
                .audience(audience)
                .subject("someone")
                .claim("realm_access", Map.of("roles", List.of("operator")))
                .jws()
                .keyId("1")
                .sign("privateKey.jwk");
    }

    public static String token(String subject, List<String> roles, Map<String, Object> claims) {
        var builder = Jwt.claims()
                .issuer(ISSUER)
                .audience("pointmesh-api")
                .subject(subject)
                .preferredUserName(subject)
                .claim("realm_access", Map.of("roles", roles));
        claims.forEach(builder::claim);
        return builder.jws().keyId("1").sign("privateKey.jwk");
    }
}
