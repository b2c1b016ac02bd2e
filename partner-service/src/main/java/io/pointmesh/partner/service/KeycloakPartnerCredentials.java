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
 * own client). Each partner client: confidential, client-credentials only, three mappers (the API
 * audience, the realm role {@code partner} as a hardcoded role, the {@code partner_id} claim) and
 * the client scope {@code points:write} as a default scope, so that its tokens may write points.
 *
 * <p>Least privilege: partner-service's service account may view and manage clients through the
 * realm's fine-grained admin permissions, except the realm's own clients (the operator's among
 * them). The realm cannot restrict it by client id nor restrict the mappers it defines, so this
 * class is the guard: it only ever touches clients whose client id is {@code partner-<id>}, and
 * only ever defines the mappers below (docs/deploy.md, "Identity: least privilege").
 */
@ApplicationScoped
public class KeycloakPartnerCredentials implements PartnerCredentials {

    /** The realm's client scope that lets a token write points; attached to partners' clients only. */
    public static final String POINTS_WRITE = "points:write";

    private static final String PREFIX = PartnerCredentials.clientIdOf("");
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
                        .chain(() -> grantPointsWrite(token, uuid))
                        .replaceWith(new Credentials(clientId, secret));
            }
            Map<String, Object> client = Map.of(
                    "clientId",
                    clientId,
                    "name",
                    "pointmesh partner " + partnerId,
                    "enabled",
                    true,
                    "publicClient",
                    false,
                    "clientAuthenticatorType",
                    "client-secret",
                    "secret",
                    secret,
                    "serviceAccountsEnabled",
                    true,
                    "standardFlowEnabled",
                    false,
                    "directAccessGrantsEnabled",
                    false,
                    "protocolMappers",
                    List.of(
                            mapper(
                                    "pointmesh-api-audience",
                                    "oidc-audience-mapper",
                                    Map.of(
                                            "included.custom.audience",
                                            "pointmesh-api",
                                            "access.token.claim",
                                            "true",
                                            "id.token.claim",
                                            "false")),
                            mapper("partner-role", "oidc-hardcoded-role-mapper", Map.of("role", "partner")),
                            mapper(
                                    "partner-id",
                                    "oidc-hardcoded-claim-mapper",
                                    Map.of(
                                            "claim.name",
                                            "partner_id",
                                            "claim.value",
                                            partnerId,
                                            "jsonType.label",
                                            "String",
                                            "access.token.claim",
                                            "true",
                                            "id.token.claim",
                                            "false",
                                            "userinfo.token.claim",
                                            "false"))));
            // Not "defaultClientScopes" in the new client: that would replace the realm's default scopes
            // (roles, basic, ...) instead of adding to them.
            return send(token, "POST", "/clients", client, 201)
                    .chain(() -> find(token, clientId))
                    .chain(created -> grantPointsWrite(
                            token,
                            created.orElseThrow(() -> new IllegalStateException(
                                            "the identity provider created " + clientId + " but does not show it"))
                                    .path("id")
                                    .asText()))
                    .replaceWith(new Credentials(clientId, secret));
        }));
    }

    @Override
    public Uni<Credentials> rotate(String clientId, boolean enable) {
        return token().chain(token -> find(token, clientId).chain(existing -> {
            if (existing.isEmpty()) {
                return Uni.createFrom()
                        .failure(ProblemException.conflict("no-client", "the partner has no OIDC client"));
            }
            String uuid = existing.get().path("id").asText();
            String secret = newSecret();
            // a client issued before points:write existed gets it with its new secret
            Map<String, Object> update = enable ? Map.of("enabled", true, "secret", secret) : Map.of("secret", secret);
            return send(token, "PUT", "/clients/" + uuid, update, 204)
                    .chain(() -> grantPointsWrite(token, uuid))
                    .replaceWith(new Credentials(clientId, secret));
        }));
    }

    @Override
    public Uni<Void> enable(String clientId) {
        return setEnabled(clientId, true);
    }

    @Override
    public Uni<Void> disable(String clientId) {
        return setEnabled(clientId, false);
    }

    /** PUT {"enabled": ...}; a client that is not there (never created, or deleted meanwhile: 404) is left so. */
    private Uni<Void> setEnabled(String clientId, boolean enabled) {
        return token().chain(token -> find(token, clientId)
                .chain(existing -> existing.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : send(
                                        token,
                                        "PUT",
                                        "/clients/" + existing.get().path("id").asText(),
                                        Map.of("enabled", enabled),
                                        204,
                                        404)
                                .replaceWithVoid()));
    }

    /** Whether partner-service may touch this client at all: a partner's, {@code partner-<id>}. */
    static boolean isPartnerClient(String clientId) {
        return clientId != null && clientId.length() > PREFIX.length() && clientId.startsWith(PREFIX);
    }

    /** Adds the realm's client scope points:write to the client's default scopes (Keycloak answers 204 again if it has it). */
    private Uni<Void> grantPointsWrite(String token, String clientUuid) {
        return admin.get(token, "/client-scopes").chain(scopes -> {
            for (JsonNode scope : scopes) {
                if (POINTS_WRITE.equals(scope.path("name").asText())) {
                    return send(
                                    token,
                                    "PUT",
                                    "/clients/" + clientUuid + "/default-client-scopes/"
                                            + scope.path("id").asText(),
                                    Map.of(),
                                    204)
                            .replaceWithVoid();
                }
            }
            return Uni.createFrom()
                    .failure(new IllegalStateException("the realm has no client scope " + POINTS_WRITE
                            + ": import the current realm (deploy/keycloak/pointmesh-realm.json)"));
        });
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

    /** The partner's client, by its exact client id; never a client of another shape. */
    private Uni<Optional<JsonNode>> find(String token, String clientId) {
        if (!isPartnerClient(clientId)) {
            return Uni.createFrom()
                    .failure(new IllegalArgumentException(
                            "partner-service only manages partners' clients (" + PREFIX + "<id>), not " + clientId));
        }
        return admin.get(token, "/clients?clientId=" + KeycloakAdmin.encode(clientId))
                .map(list -> {
                    if (list.isArray()) {
                        for (JsonNode client : list) {
                            if (clientId.equals(client.path("clientId").asText())) {
                                return Optional.of(client);
                            }
                        }
                    }
                    return Optional.empty();
                });
    }

    private Uni<String> send(String token, String method, String path, Object body, Integer... expected) {
        return admin.send(token, method, path, body, expected);
    }
}
