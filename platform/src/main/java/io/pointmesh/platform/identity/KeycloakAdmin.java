package io.pointmesh.platform.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keycloak's admin REST API, as the service's own confidential client (client credentials).
 * Its service account is a delegated administrator of the realm, with least privilege: no
 * realm-management role beyond {@code query-clients} / {@code query-users}, and the realm's
 * fine-grained admin permissions (v2) for the rest: partner-service views and manages clients but
 * none of the realm's own (the operator's secret is out of its reach), member-service manages
 * users and may map only the realm role {@code member} (deploy/keycloak/pointmesh-realm.json,
 * docs/deploy.md "Identity: least privilege"). What the realm cannot express, the callers guard.
 * Configuration: {@code pointmesh.keycloak.url}, {@code .realm}, {@code .admin-client-id},
 * {@code .admin-client-secret}.
 *
 * <p>Answers complete on the caller's Vert.x context, so Hibernate Reactive can go on after them.
 */
@ApplicationScoped
public class KeycloakAdmin {

    @ConfigProperty(name = "pointmesh.keycloak.url", defaultValue = "http://127.0.0.1:8180")
    String keycloakUrl;

    @ConfigProperty(name = "pointmesh.keycloak.realm", defaultValue = "pointmesh")
    String realm;

    @ConfigProperty(name = "pointmesh.keycloak.admin-client-id", defaultValue = "none")
    String adminClientId;

    @ConfigProperty(name = "pointmesh.keycloak.admin-client-secret")
    Optional<String> adminClientSecret;

    @Inject
    ObjectMapper json;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An access token of the service's admin client. */
    public Uni<String> token() {
        String secret = adminClientSecret
                .filter(s -> !s.isBlank())
                .orElseThrow(
                        () -> new IllegalStateException(
                                "pointmesh.keycloak.admin-client-secret is not set: this service cannot use the identity provider's admin API"));
        String form =
                "grant_type=client_credentials&client_id=" + encode(adminClientId) + "&client_secret=" + encode(secret);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(keycloakUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return call(request, Set.of(200))
                .map(body -> read(body).path("access_token").asText());
    }

    /** GET on a path under {@code /admin/realms/<realm>}. */
    public Uni<JsonNode> get(String token, String path) {
        return call(admin(token, path).GET().build(), Set.of(200)).map(this::read);
    }

    /** GET on a path under {@code /admin/realms/<realm>}; empty when it is not there (404). */
    public Uni<Optional<JsonNode>> find(String token, String path) {
        HttpRequest request = admin(token, path).GET().build();
        return exchange(request).map(r -> {
            if (r.statusCode() == 404) {
                return Optional.<JsonNode>empty();
            }
            if (r.statusCode() != 200) {
                throw refused(request, r);
            }
            return Optional.of(read(r.body()));
        });
    }

    /** A JSON request on a path under {@code /admin/realms/<realm>}; any other status than {@code expected} fails. */
    public Uni<String> send(String token, String method, String path, Object body, Integer... expected) {
        try {
            HttpRequest request = admin(token, path)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                    .build();
            return call(request, Set.of(expected));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** DELETE on a path under {@code /admin/realms/<realm>}; what is already gone counts as deleted. */
    public Uni<Void> delete(String token, String path) {
        return call(admin(token, path).DELETE().build(), Set.of(204, 404)).replaceWithVoid();
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder admin(String token, String path) {
        return HttpRequest.newBuilder(URI.create(keycloakUrl + "/admin/realms/" + realm + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
    }

    private Uni<String> call(HttpRequest request, Set<Integer> expected) {
        return exchange(request).map(r -> {
            if (!expected.contains(r.statusCode())) {
                throw refused(request, r);
            }
            return r.body();
        });
    }

    private Uni<HttpResponse<String>> exchange(HttpRequest request) {
        // The JDK client completes on its own threads; the caller may need its Vert.x context back.
        return Uni.createFrom().deferred(() -> {
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            Uni<HttpResponse<String>> response = Uni.createFrom()
                    .completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            return context == null ? response : response.emitOn(task -> context.runOnContext(ignored -> task.run()));
        });
    }

    private static RuntimeException refused(HttpRequest request, HttpResponse<String> r) {
        String what = "identity provider answered " + r.statusCode() + " to " + request.method() + " "
                + request.uri().getPath();
        if (r.statusCode() >= 500 || r.statusCode() == 429) {
            // the identity provider away or overloaded: the caller's request is to be retried, not a bug (503)
            return io.pointmesh.platform.problem.ProblemException.unavailable(
                    "identity-provider-unavailable", what + "; retry shortly", 5);
        }
        return new IllegalStateException(what + ": " + r.body());
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable answer from the identity provider", e);
        }
    }
}
