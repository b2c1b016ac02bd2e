package io.pointmesh.partner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pointmesh.testing.OpenApiEndpoints;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of partner-service, against every kind of caller: a partner reaches its own
 * record, rules, statements, stores and campaigns and nothing of any other partner; what only
 * operators do, a partner cannot; members and anonymous callers get nothing. The table is
 * checked against the service's OpenAPI document, so an endpoint added without a row here fails.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerAccessTest {

    enum Who {
        OPERATOR_ONLY,
        PARTNER_OR_OPERATOR,
        /** Public: the console's sign-in settings (nothing secret). */
        ANYONE
    }

    record Endpoint(String method, String path, Who who, Map<String, Object> body) {
        String url(String partnerId) {
            return path.replace("{partnerId}", partnerId)
                    .replace("{code}", "S-1")
                    .replace("{campaignId}", UUID.randomUUID().toString())
                    .replace("{statementId}", UUID.randomUUID().toString())
                    .replace("{webhookId}", UUID.randomUUID().toString())
                    .replace("{deliveryId}", UUID.randomUUID().toString())
                    .replace("{id}", "1");
        }
    }

    static final Map<String, Object> NONE = Map.of();
    static final Map<String, Object> REASON = Map.of("reason", "access test");

    static List<Endpoint> endpoints() {
        String p = "/partners/v1/partners/{partnerId}";
        Map<String, Object> campaign = Map.of(
                "name",
                "Access",
                "bonusKind",
                "FIXED",
                "fixedPoints",
                10,
                "startsAt",
                Instant.now().toString(),
                "endsAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString());
        return List.of(
                new Endpoint(
                        "POST", "/partners/v1/partners", Who.OPERATOR_ONLY, PartnerResourceTest.body("120-81-47521")),
                new Endpoint("GET", "/partners/v1/partners", Who.OPERATOR_ONLY, null),
                new Endpoint("GET", p, Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("POST", p + "/activation", Who.OPERATOR_ONLY, REASON),
                new Endpoint("POST", p + "/suspension", Who.OPERATOR_ONLY, REASON),
                new Endpoint("POST", p + "/reinstatement", Who.OPERATOR_ONLY, REASON),
                new Endpoint("POST", p + "/offboarding", Who.OPERATOR_ONLY, REASON),
                new Endpoint("POST", p + "/credentials/rotation", Who.OPERATOR_ONLY, REASON),
                new Endpoint("GET", p + "/history", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint(
                        "POST",
                        p + "/stores",
                        Who.PARTNER_OR_OPERATOR,
                        Map.of("code", "S-1", "name", "Store", "channel", "OFFLINE", "region", "Seoul")),
                new Endpoint("GET", p + "/stores", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("POST", p + "/stores/{code}/closure", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint("PUT", p + "/earn-rules", Who.OPERATOR_ONLY, Map.of("baseRate", 0.01)),
                new Endpoint("GET", p + "/earn-rules", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("POST", p + "/campaigns", Who.PARTNER_OR_OPERATOR, campaign),
                new Endpoint("GET", p + "/campaigns", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("POST", p + "/campaigns/{campaignId}/end", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint("GET", p + "/co-funding-requests", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("POST", p + "/co-funding-requests/{campaignId}/accept", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint("POST", p + "/co-funding-requests/{campaignId}/decline", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint("POST", p + "/co-funding-requests/{campaignId}/withdrawal", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint(
                        "PUT",
                        p + "/mileage-program",
                        Who.OPERATOR_ONLY,
                        Map.of("programCode", "MILES", "milesPerPoint", 0.5, "minimumPoints", 1000, "stepPoints", 100)),
                new Endpoint("GET", p + "/settlements", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("GET", p + "/settlements/preview", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("GET", p + "/settlements/{statementId}", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint(
                        "POST",
                        p + "/settlements",
                        Who.OPERATOR_ONLY,
                        Map.of("periodStart", "2020-01-01", "periodEnd", "2020-01-31")),
                new Endpoint(
                        "POST",
                        p + "/webhooks",
                        Who.PARTNER_OR_OPERATOR,
                        // refused for its address (400) once past access: nothing is registered
                        Map.of("url", "https://10.0.0.1/hook", "events", List.of("points.earned"))),
                new Endpoint("GET", p + "/webhooks", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("GET", p + "/webhooks/{webhookId}", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("DELETE", p + "/webhooks/{webhookId}", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint("POST", p + "/webhooks/{webhookId}/rotation", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint("POST", p + "/webhooks/{webhookId}/enable", Who.PARTNER_OR_OPERATOR, NONE),
                new Endpoint("GET", p + "/webhooks/{webhookId}/deliveries", Who.PARTNER_OR_OPERATOR, null),
                new Endpoint(
                        "POST",
                        p + "/webhooks/{webhookId}/deliveries/{deliveryId}/replay",
                        Who.PARTNER_OR_OPERATOR,
                        NONE),
                new Endpoint("GET", "/partners/v1/console/config", Who.ANYONE, null),
                new Endpoint("GET", "/partners/v1/dead-letters", Who.OPERATOR_ONLY, null),
                new Endpoint("GET", "/partners/v1/dead-letters/{id}", Who.OPERATOR_ONLY, null),
                new Endpoint("POST", "/partners/v1/dead-letters/{id}/replay", Who.OPERATOR_ONLY, NONE),
                new Endpoint("POST", "/partners/v1/dead-letters/{id}/discard", Who.OPERATOR_ONLY, REASON),
                new Endpoint(
                        "POST",
                        "/partners/v1/settlements/monthly-close",
                        Who.OPERATOR_ONLY,
                        Map.of("month", "2020-01")));
    }

    static int call(Endpoint e, String token, String partnerId) {
        RequestSpecification req = given();
        if (token != null) {
            req = req.auth().oauth2(token);
        }
        if (e.body() != null) {
            req = req.contentType(ContentType.JSON).body(e.body());
        }
        return req.request(e.method(), e.url(partnerId)).then().extract().statusCode();
    }

    @Test
    void everyEndpointAnswersOnlyWhomItShould() {
        String mine = PartnerLifecycleTest.register();
        String theirs = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(mine, "activation", "go").statusCode(200);
        String me = TestTokens.partner(mine);
        for (Endpoint e : endpoints()) {
            String what = e.method() + " " + e.path();
            if (e.who() == Who.ANYONE) {
                assertEquals(200, call(e, null, theirs), what + " without a token");
                continue;
            }
            assertEquals(401, call(e, null, theirs), what + " without a token");
            assertEquals(403, call(e, TestTokens.member("member-" + UUID.randomUUID()), theirs), what + " as a member");
            assertEquals(403, call(e, TestTokens.noRole(), theirs), what + " with no role");
            assertEquals(403, call(e, me, theirs), what + " as another partner");
            int own = call(e, me, mine);
            if (e.who() == Who.OPERATOR_ONLY) {
                assertEquals(403, own, what + " as the partner itself: operators only");
            } else {
                assertFalse(own == 401 || own == 403, what + " as the partner itself answered " + own);
            }
        }
    }

    /**
     * Staff sign-ins (no points:write scope) are read-only on every endpoint; a suspended partner's
     * tokens, integration and staff alike, get nothing within seconds, reads included.
     */
    @Test
    void staffAreReadOnlyAndASuspendedPartnerGetsNothing() {
        String mine = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(mine, "activation", "go").statusCode(200);
        String staff = TestTokens.partnerStaff(mine);
        for (Endpoint e : endpoints()) {
            String what = e.method() + " " + e.path();
            int status = call(e, staff, mine);
            if (!e.method().equals("GET")) {
                assertEquals(403, status, what + " as staff: read-only");
            } else if (e.who() == Who.PARTNER_OR_OPERATOR) {
                assertFalse(status == 401 || status == 403, what + " as staff answered " + status);
            }
        }
        PartnerLifecycleTest.transition(mine, "suspension", "unpaid").statusCode(200);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(mine))
                        .get("/partners/v1/partners/" + mine)
                        .then()
                        .statusCode(403)
                        .body("code", org.hamcrest.Matchers.is("partner-not-active")));
        for (Endpoint e : endpoints()) {
            if (e.who() == Who.ANYONE) {
                continue;
            }
            String what = e.method() + " " + e.path();
            assertEquals(403, call(e, TestTokens.partner(mine), mine), what + " as the suspended partner");
            assertEquals(403, call(e, staff, mine), what + " as the suspended partner's staff");
        }
        PartnerLifecycleTest.transition(mine, "reinstatement", "paid").statusCode(200);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(mine))
                        .get("/partners/v1/partners/" + mine)
                        .then()
                        .statusCode(200));
    }

    @Test
    void theTableCoversEveryEndpointOfTheService() {
        Set<String> tested = new TreeSet<>();
        endpoints().forEach(e -> tested.add(e.method() + " " + e.path()));
        assertEquals(OpenApiEndpoints.published(), tested);
    }
}
