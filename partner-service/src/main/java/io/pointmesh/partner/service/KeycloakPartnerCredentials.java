package io.pointmesh.partner.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.pointmesh.platform.identity.KeycloakAdmin;
import io.pointmesh.platform.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Partners' clients through Keycloak's admin REST API ({@link KeycloakAdmin}, as partner-service's
 * own client, whose service account holds realm-management's manage-clients).
 * Each partner client: confidential, client-credentials only, and three mappers: the API audience,
 * the realm role {@code partner} (hardcoded role mapper), and the {@code partner_id} claim.
 */
@ApplicationScoped
public class KeycloakPartnerCredentials implements PartnerCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    KeycloakAdmin admin;

    @Override
    public Uni<Credentials> issue(String partnerId) {
        String clientId = PartnerCredentials.clientIdOf(partnerId);
        String secret = newSecret();
        return token().chain(token -> find(token, clientId).chain(existing -> {
            if (existing.isPresent()) {
                String uuid = existing.get().path("id").asText();
                return send(token, "PUT", "/clients/" + uuid, Map.of("enabled", true, "secret", secret), 204)
                        .replaceWith(new Credentials(clientId, secret));
            }
            Map<String, Object> client = Map.of(
                    "clientId", clientId,
                    "name", "pointmesh partner " + partnerId,
                    "enabled", true,
                    "publicClient", false,
                    "clientAuthenticatorType", "client-secret",
                    "secret", secret,
                    "serviceAccountsEnabled", true,
                    "standardFlowEnabled", false,
                    "directAccessGrantsEnabled", false,
                    "protocolMappers", List.of(
                            mapper("pointmesh-api-audience", "oidc-audience-mapper",
                                    Map.of("included.custom.audience", "pointmesh-api", "access.token.claim", "true", "id.token.claim", "false")),
                            mapper("partner-role", "oidc-hardcoded-role-mapper", Map.of("role", "partner")),
                            mapper("partner-id", "oidc-hardcoded-claim-mapper", Map.of("claim.name", "partner_id",
                                    "claim.value", partnerId, "jsonType.label", "String", "access.token.claim", "true",
                                    "id.token.claim", "false", "userinfo.token.claim", "false"))));
            return send(token, "POST", "/clients", client, 201).replaceWith(new Credentials(clientId, secret));
        }));
    }

    @Override
    public Uni<Credentials> rotate(String clientId) {
        return token().chain(token -> find(token, clientId).chain(existing -> {
            if (existing.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.conflict("no-client", "the partner has no OIDC client"));
            }
            String secret = newSecret();
            return send(token, "PUT", "/clients/" + existing.get().path("id").asText(), Map.of("secret", secret), 204)
                    .replaceWith(new Credentials(clientId, secret));
        }));
    }

    @Override
    public Uni<Void> disable(String clientId) {
        return token().chain(token -> find(token, clientId).chain(existing -> existing.isEmpty() ? Uni.createFrom().voidItem()
                : send(token, "PUT", "/clients/" + existing.get().path("id").asText(), Map.of("enabled", false), 204).replaceWithVoid()));
    }

    private static Map<String, Object> mapper(String name, String type, Map<String, String> config) {
        return Map.of("name", name, "protocol", "openid-connect", "protocolMapper", type, "config", config);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private Uni<String> token() {
        return admin.token();
    }

    private Uni<Optional<JsonNode>> find(String token, String clientId) {
        return admin.get(token, "/clients?clientId=" + KeycloakAdmin.encode(clientId))
                .map(list -> list.isArray() && !list.isEmpty() ? Optional.of(list.get(0)) : Optional.empty());
    }

    private Uni<String> send(String token, String method, String path, Object body, int expected) {
        return admin.send(token, method, path, body, expected);
    }
}
