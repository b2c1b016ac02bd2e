package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the real Keycloak, the realm's least privilege (docs/deploy.md, "Identity: least
 * privilege"): partner-service's service account can neither read the operator client's secret nor
 * change any of the realm's own clients; member-service's service account may grant the realm role
 * {@code member} and no other; only partners' integration clients get the client scope
 * {@code points:write} in their tokens, never the operator, the card app, or dashboard staff.
 */
class IdentityLeastPrivilegeE2ETest {

    static final String POINTS_WRITE = "points:write";
    /** The realm's own clients: no delegated administrator may view or manage them. */
    static final List<String> REALM_CLIENTS = List.of(
            "pointmesh-operator",
            "pointmesh-dashboard",
            "pointmesh-mobile",
            "partner-service",
            "member-service",
            "realm-management",
            "admin-cli",
            "account",
            "security-admin-console");

    static LocalStack stack;
    static String keycloak;
    static String realmAdmin;

    @BeforeAll
    static void connect() {
        stack = LocalStack.connect();
        keycloak = stack.localJson().path("keycloak").path("url").asText();
        realmAdmin = keycloak + "/admin/realms/"
                + stack.localJson().path("keycloak").path("realm").asText();
    }

    @Test
    void partnerServiceCannotReadTheOperatorSecretNorChangeTheRealmsOwnClients() {
        String admin = adminToken();
        String partnerService = serviceToken("partner-service", "POINTMESH_PARTNER_SERVICE_CLIENT_SECRET");
        String operator = clientUuid(admin, "pointmesh-operator");
        String dashboard = clientUuid(admin, "pointmesh-dashboard");

        as(partnerService)
                .get(realmAdmin + "/clients/" + operator + "/client-secret")
                .then()
                .statusCode(403);
        as(partnerService).get(realmAdmin + "/clients/" + operator).then().statusCode(403);
        as(partnerService)
                .post(realmAdmin + "/clients/" + operator + "/client-secret")
                .then()
                .statusCode(403);
        as(partnerService)
                .body(Map.of("secret", "taken-over"))
                .put(realmAdmin + "/clients/" + operator)
                .then()
                .statusCode(403);
        as(partnerService)
                .body(Map.of("redirectUris", List.of("https://elsewhere.example/*")))
                .put(realmAdmin + "/clients/" + dashboard)
                .then()
                .statusCode(403);
        as(partnerService)
                .body(Map.of())
                .put(realmAdmin + "/clients/" + dashboard + "/default-client-scopes/" + pointsWriteScope(admin))
                .then()
                .statusCode(403);
        for (String own : List.of("partner-service", "member-service", "pointmesh-mobile")) {
            as(partnerService)
                    .body(Map.of("enabled", true))
                    .put(realmAdmin + "/clients/" + clientUuid(admin, own))
                    .then()
                    .statusCode(403);
        }
        // nor do listings show them (let alone their secrets)
        as(partnerService)
                .get(realmAdmin + "/clients?clientId=pointmesh-operator")
                .then()
                .statusCode(200)
                .body("size()", is(0));
        List<String> visible = as(partnerService)
                .get(realmAdmin + "/clients?max=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("clientId", String.class);
        for (String own : REALM_CLIENTS) {
            assertFalse(visible.contains(own), "partner-service's account sees " + own);
        }
        String operatorSecret =
                stack.localJson().path("operator").path("clientSecret").asText();
        assertFalse(as(partnerService)
                .get(realmAdmin + "/clients?max=1000")
                .asString()
                .contains(operatorSecret));
    }

    @Test
    void memberServiceMayGrantTheMemberRoleAndNoOther() {
        String admin = adminToken();
        String memberService = serviceToken("member-service", "POINTMESH_MEMBER_SERVICE_CLIENT_SECRET");
        String name = "e2e-lp-" + UUID.randomUUID().toString().substring(0, 12);
        stack.createUser(name, name + "-Pw1!", name + "@example.com");
        String user = as(admin)
                .get(realmAdmin + "/users?exact=true&username=" + name)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        String mappings = realmAdmin + "/users/" + user + "/role-mappings";

        for (String role : List.of("operator", "partner")) {
            as(memberService)
                    .body(List.of(realmRole(admin, role)))
                    .post(mappings + "/realm")
                    .then()
                    .statusCode(403);
        }
        String realmManagement = clientUuid(admin, "realm-management");
        Map<?, ?> realmAdminRole = as(admin)
                .get(realmAdmin + "/clients/" + realmManagement + "/roles/realm-admin")
                .then()
                .statusCode(200)
                .extract()
                .as(Map.class);
        as(memberService)
                .body(List.of(realmAdminRole))
                .post(mappings + "/clients/" + realmManagement)
                .then()
                .statusCode(403);
        as(memberService)
                .body(List.of(realmRole(admin, "member")))
                .post(mappings + "/realm")
                .then()
                .statusCode(204);

        List<String> roles = as(admin)
                .get(mappings + "/realm")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("name", String.class);
        assertTrue(roles.contains("member"), roles.toString());
        assertFalse(roles.contains("operator") || roles.contains("partner"), roles.toString());
        assertEquals(
                List.of(),
                as(admin)
                        .get(mappings + "/clients/" + realmManagement)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("name", String.class));
        // and it can still do its job: erase a member's account
        as(memberService).delete(realmAdmin + "/users/" + user).then().statusCode(204);
    }

    @Test
    void partnersIntegrationClientsGetPointsWrite() {
        String operator = stack.operatorToken();
        String partnerId = Partners.register(stack, operator);
        String partners = stack.url("partner") + "/partners/v1/partners/" + partnerId;
        var activation = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "e2e least privilege"))
                .post(partners + "/activation")
                .then()
                .statusCode(200)
                .extract();
        String clientId = activation.path("clientId");
        List<String> scope = scope(stack.clientToken(clientId, activation.path("clientSecret")));
        assertTrue(scope.contains(POINTS_WRITE), clientId + ": " + scope);

        String rotated = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "e2e least privilege"))
                .post(partners + "/credentials/rotation")
                .then()
                .statusCode(200)
                .extract()
                .path("clientSecret");
        assertTrue(scope(stack.clientToken(clientId, rotated)).contains(POINTS_WRITE));
    }

    @Test
    void theOperatorTheCardAppAndDashboardStaffNeverGetPointsWrite() {
        String admin = adminToken();
        assertFalse(scope(stack.operatorToken()).contains(POINTS_WRITE));
        assertFalse(scope(stack.newMemberToken()).contains(POINTS_WRITE));

        // the card app cannot even ask for it
        String name = "e2e-lp-" + UUID.randomUUID().toString().substring(0, 12);
        stack.createUser(name, name + "-Pw1!", name + "@example.com");
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("client_id", "pointmesh-mobile")
                .formParam("username", name)
                .formParam("password", name + "-Pw1!")
                .formParam("scope", "openid " + POINTS_WRITE)
                .post(stack.localJson().path("keycloak").path("tokenUrl").asText())
                .then()
                .statusCode(400)
                .body("error", is("invalid_scope"));

        // the dashboard (authorization code + PKCE, no password grant): neither a default nor an optional scope of its
        // client, nor a realm default; and the token Keycloak would issue to a partner's staff member there lacks it
        String dashboard = clientUuid(admin, "pointmesh-dashboard");
        for (String kind : List.of("default-client-scopes", "optional-client-scopes")) {
            assertFalse(
                    as(admin)
                            .get(realmAdmin + "/clients/" + dashboard + "/" + kind)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("name", String.class)
                            .contains(POINTS_WRITE),
                    kind);
        }
        for (String kind : List.of("default-default-client-scopes", "default-optional-client-scopes")) {
            assertFalse(
                    as(admin)
                            .get(realmAdmin + "/" + kind)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("name", String.class)
                            .contains(POINTS_WRITE),
                    kind);
        }
        String staff = "staff-lp-" + UUID.randomUUID().toString().substring(0, 8);
        stack.createStaffUser(staff, staff + "-Pw1!", "partner", "some-partner");
        String staffId = as(admin)
                .get(realmAdmin + "/users?exact=true&username=" + staff)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        var example = as(admin)
                .queryParam("scope", "openid " + POINTS_WRITE)
                .queryParam("userId", staffId)
                .get(realmAdmin + "/clients/" + dashboard + "/evaluate-scopes/generate-example-access-token")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("pointmesh-dashboard", example.getString("azp"));
        assertTrue(example.getList("realm_access.roles", String.class).contains("partner"));
        assertFalse(
                Arrays.asList(example.getString("scope").split(" ")).contains(POINTS_WRITE),
                example.getString("scope"));
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static String adminToken() {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", LocalInfra.setting("POINTMESH_KEYCLOAK_ADMIN_USERNAME", "admin"))
                .formParam("password", LocalInfra.setting("POINTMESH_KEYCLOAK_ADMIN_PASSWORD", null))
                .post(keycloak + "/realms/master/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    /** A token of a service's own admin client, with the secret ./pointmesh gives the service (.pointmesh/secrets.env). */
    private static String serviceToken(String clientId, String secretSetting) {
        return stack.clientToken(clientId, LocalInfra.setting(secretSetting, null));
    }

    private static String clientUuid(String admin, String clientId) {
        String id = as(admin)
                .get(realmAdmin + "/clients?clientId=" + clientId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        assertTrue(id != null && !id.isBlank(), "no client " + clientId);
        return id;
    }

    private static Map<?, ?> realmRole(String admin, String role) {
        return as(admin)
                .get(realmAdmin + "/roles/" + role)
                .then()
                .statusCode(200)
                .extract()
                .as(Map.class);
    }

    private static String pointsWriteScope(String admin) {
        return as(admin)
                .get(realmAdmin + "/client-scopes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("find { it.name == '" + POINTS_WRITE + "' }.id");
    }

    /** The access token's scope claim, as a list. */
    private static List<String> scope(String accessToken) {
        String payload = new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8);
        String scope = io.restassured.path.json.JsonPath.from(payload).getString("scope");
        return scope == null ? List.of() : Arrays.asList(scope.split(" "));
    }
}
