package io.pointmesh.partner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pointmesh.platform.identity.KeycloakAdmin;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@link KeycloakPartnerCredentials} asks of Keycloak's admin API, against a stand-in that
 * answers as Keycloak does (the component tests replace the whole class; the end-to-end suite runs
 * it against the real Keycloak): rotation of an ACTIVE partner's client enables it, enabling and
 * disabling a client that is not there (never created, or deleted meanwhile: 404) is fine.
 */
class KeycloakPartnerCredentialsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Keycloak's admin API for one realm: clients by client id, and the points:write scope. */
    static class StandInAdmin extends KeycloakAdmin {
        final Map<String, String> clients = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> requests = new ArrayList<>();
        /** Clients deleted after they were looked up: a PUT to them answers 404. */
        final Set<String> deleted = new java.util.HashSet<>();

        @Override
        public Uni<String> token() {
            return Uni.createFrom().item("token");
        }

        @Override
        public Uni<JsonNode> get(String token, String path) {
            if (path.equals("/client-scopes")) {
                return Uni.createFrom()
                        .item(JSON.createArrayNode()
                                .add(JSON.createObjectNode()
                                        .put("id", "scope-1")
                                        .put("name", KeycloakPartnerCredentials.POINTS_WRITE)));
            }
            String clientId = java.net.URLDecoder.decode(
                    path.substring("/clients?clientId=".length()), java.nio.charset.StandardCharsets.UTF_8);
            ArrayNode found = JSON.createArrayNode();
            if (clients.containsKey(clientId)) {
                found.add(
                        JSON.createObjectNode().put("id", clients.get(clientId)).put("clientId", clientId));
            }
            return Uni.createFrom().item(found);
        }

        @Override
        public Uni<String> send(String token, String method, String path, Object body, Integer... expected) {
            try {
                requests.add(method + " " + path + " " + JSON.writeValueAsString(body));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            int status = deleted.stream().anyMatch(uuid -> path.startsWith("/clients/" + uuid)) ? 404 : 204;
            return List.of(expected).contains(status)
                    ? Uni.createFrom().item("")
                    : Uni.createFrom()
                            .failure(new IllegalStateException(
                                    "identity provider answered " + status + " to " + method + " " + path));
        }
    }

    static KeycloakPartnerCredentials credentials(StandInAdmin admin) {
        KeycloakPartnerCredentials c = new KeycloakPartnerCredentials();
        c.admin = admin;
        return c;
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(5));
    }

    static JsonNode body(String request) throws Exception {
        return JSON.readTree(request.substring(request.indexOf('{')));
    }

    @Test
    void rotatingAnActivePartnersClientEnablesItAndASuspendedOnesLeavesTheFlag() throws Exception {
        StandInAdmin admin = new StandInAdmin();
        admin.clients.put("partner-p1", "uuid-1");
        var c = credentials(admin);

        var rotated = await(c.rotate("partner-p1", true));
        JsonNode put = body(admin.requests.get(0));
        assertTrue(admin.requests.get(0).startsWith("PUT /clients/uuid-1 "), admin.requests.get(0));
        assertEquals(true, put.path("enabled").asBoolean(false), admin.requests.get(0));
        assertEquals(rotated.clientSecret(), put.path("secret").asText());

        admin.requests.clear();
        await(c.rotate("partner-p1", false));
        put = body(admin.requests.get(0));
        assertTrue(put.has("secret"));
        assertTrue(!put.has("enabled"), "a suspended partner's flag is left as it is: " + admin.requests.get(0));
    }

    @Test
    void enablingAndDisablingPutTheFlagAndAClientThatIsNotThereIsFine() throws Exception {
        StandInAdmin admin = new StandInAdmin();
        admin.clients.put("partner-p1", "uuid-1");
        var c = credentials(admin);

        await(c.enable("partner-p1"));
        await(c.disable("partner-p1"));
        assertEquals(
                List.of("PUT /clients/uuid-1 {\"enabled\":true}", "PUT /clients/uuid-1 {\"enabled\":false}"),
                admin.requests);

        admin.requests.clear();
        await(c.disable("partner-never-created"));
        await(c.enable("partner-never-created"));
        assertEquals(List.of(), admin.requests, "nothing to change");

        admin.deleted.add("uuid-1"); // deleted between the lookup and the PUT: 404
        await(c.disable("partner-p1"));
        await(c.enable("partner-p1"));
        assertEquals(2, admin.requests.size());
    }
}
