package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credentials bound to their purpose, with real Keycloak tokens (docs/security.md): a partner's
 * staff member signed in through Keycloak's real login page gets 403 on every write endpoint of
 * every service (listed from their OpenAPI documents), while reading works; an offboarded
 * partner's integration and staff tokens are refused everywhere within seconds.
 */
class StaffReadOnlyE2ETest {

    static final List<String> SERVICES = List.of("member", "partner", "ledger", "analytics");

    @Test
    void staffSignInsAreReadOnlyEverywhereAndAnOffboardedPartnerGetsNothing() {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        Partners.ActivePartner partner = Partners.active(stack, operator);
        String username = "staff-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "Staff-" + UUID.randomUUID() + "-Pw1!";
        stack.createStaffUser(username, password, "partner", partner.partnerId());
        String staff = stack.staffToken(username, password);

        assertTrue(scopes(partner.token()).contains("points:write"), "the integration client writes");
        assertFalse(scopes(staff).contains("points:write"), "a staff sign-in does not");
        assertEquals(partner.partnerId(), claim(staff, "partner_id"));

        List<String> tried = new ArrayList<>();
        for (String service : SERVICES) {
            String base = stack.url(service);
            Map<String, Map<String, Object>> paths = given().get(base + "/q/openapi?format=json")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getMap("paths");
            paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
                String m = method.toUpperCase();
                if (List.of("POST", "PUT", "PATCH", "DELETE").contains(m)) {
                    String url = base
                            + path.replace("{partnerId}", partner.partnerId())
                                    .replace("{id}", partner.partnerId())
                                    .replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                    int status = given().auth()
                            .oauth2(staff)
                            .contentType(ContentType.JSON)
                            .body("{}")
                            .request(m, url)
                            .then()
                            .extract()
                            .statusCode();
                    assertEquals(403, status, m + " " + path + " with a staff sign-in");
                    tried.add(m + " " + path);
                }
            }));
        }
        assertTrue(
                tried.contains("POST /ledger/v1/earnings")
                        && tried.contains("POST /ledger/v1/redemptions")
                        && tried.contains("POST /ledger/v1/redemptions/{id}/capture"),
                tried.toString());

        // reading works for staff
        String self = stack.url("partner") + "/partners/v1/partners/" + partner.partnerId();
        given().auth().oauth2(staff).get(self).then().statusCode(200);
        given().auth().oauth2(staff).get(self + "/stores").then().statusCode(200);
        given().auth().oauth2(staff).get(self + "/settlements").then().statusCode(200);

        // offboarded: integration and staff tokens are refused on every service, reads included
        given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "contract ended"))
                .post(self + "/offboarding")
                .then()
                .statusCode(200);
        List<String> reads = List.of(
                self,
                stack.url("ledger") + "/ledger/v1/partners/" + partner.partnerId(),
                stack.url("member") + "/members/v1/cards/9400000000000000",
                stack.url("analytics") + "/analytics/v1/campaigns?partnerId=" + partner.partnerId());
        for (String token : List.of(partner.token(), staff)) {
            for (String read : reads) {
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertEquals(
                                403,
                                given().auth()
                                        .oauth2(token)
                                        .get(read)
                                        .then()
                                        .extract()
                                        .statusCode(),
                                read));
            }
        }
    }

    static String scopes(String jwt) {
        String scope = claim(jwt, "scope");
        return scope == null ? "" : scope;
    }

    static String claim(String jwt, String name) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(payload)
                    .path(name);
            return node.isMissingNode() ? null : node.asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
