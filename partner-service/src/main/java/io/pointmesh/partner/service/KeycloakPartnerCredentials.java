package io.pointmesh.partner.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.platform.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Partners' clients through Keycloak's admin REST API, authenticated as partner-service's own
 * client (client credentials; its service account holds realm-management's manage-clients).
 * Each partner client: confidential, client-credentials only, and three mappers: the API audience,
 * the realm role {@code partner} (hardcoded role mapper), and the {@code partner_id} claim.
 */
@ApplicationScoped
public class KeycloakPartnerCredentials implements PartnerCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    @ConfigProperty(name = "pointmesh.keycloak.url")
    String keycloakUrl;

    @ConfigProperty(name = "pointmesh.keycloak.realm", defaultValue = "pointmesh")
    String realm;

    @ConfigProperty(name = "pointmesh.keycloak.admin-client-id", defaultValue = "partner-service")
    String adminClientId;

    @ConfigProperty(name = "pointmesh.keycloak.admin-client-secret")
    Optional<String> adminClientSecret;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        String secret = adminClientSecret.filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "pointmesh.keycloak.admin-client-secret is not set: partner-service cannot manage partner clients"));
        String form = "grant_type=client_credentials&client_id=" + enc(adminClientId) + "&client_secret=" + enc(secret);
        HttpRequest request = HttpRequest.newBuilder(URI.create(keycloakUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return call(request, 200).map(body -> read(body).path("access_token").asText());
    }

    private Uni<Optional<JsonNode>> find(String token, String clientId) {
        HttpRequest request = admin(token, "/clients?clientId=" + enc(clientId)).GET().build();
        return call(request, 200).map(body -> {
            JsonNode list = read(body);
            return list.isArray() && !list.isEmpty() ? Optional.of(list.get(0)) : Optional.empty();
        });
    }

    private Uni<String> send(String token, String method, String path, Object body, int expected) {
        try {
            HttpRequest request = admin(token, path).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
            return call(request, expected);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private HttpRequest.Builder admin(String token, String path) {
        return HttpRequest.newBuilder(URI.create(keycloakUrl + "/admin/realms/" + realm + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
    }

    private Uni<String> call(HttpRequest request, int expected) {
        // The JDK client completes on its own threads; Hibernate Reactive must continue on the caller's Vert.x context.
        return Uni.createFrom().deferred(() -> {
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            Uni<HttpResponse<String>> response = Uni.createFrom().completionStage(() -> http.sendAsync(request,
                    HttpResponse.BodyHandlers.ofString()));
            return context == null ? response : response.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }).map(r -> {
                    if (r.statusCode() != expected) {
                        throw new IllegalStateException("identity provider answered " + r.statusCode() + " to "
                                + request.method() + " " + request.uri().getPath() + ": " + r.body());
                    }
                    return r.body();
                });
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable answer from the identity provider", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
