package io.pointmesh.analytics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pointmesh.testing.OpenApiEndpoints;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of analytics-service by who may call it (a partner only its own data), checked
 * against the OpenAPI document so a new endpoint without a row here fails.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class AnalyticsAccessTest {

    record Endpoint(String method, String path, Set<String> allowed) {}

    static final String MINE = "partner-mine";

    /** The dashboard's login settings: public, they name a public client only. */
    static final String ANYONE = "anyone";

    static List<Endpoint> endpoints() {
        Set<String> own = Set.of("operator", "partner");
        Set<String> ops = Set.of("operator");
        return List.of(
                new Endpoint("GET", "/analytics/v1/dashboard/config", Set.of(ANYONE)),
                new Endpoint("GET", "/analytics/v1/network/summary", ops),
                new Endpoint("GET", "/analytics/v1/network/partners", ops),
                new Endpoint("GET", "/analytics/v1/campaigns", own),
                new Endpoint("GET", "/analytics/v1/network/reports/{kind}", ops),
                new Endpoint("POST", "/analytics/v1/scores/recompute", ops),
                new Endpoint("GET", "/analytics/v1/members/{memberId}/scores", ops),
                new Endpoint("GET", "/analytics/v1/partners/{partnerId}/reports/{kind}", own),
                new Endpoint("GET", "/analytics/v1/partners/{partnerId}/churn-risk", own),
                new Endpoint("GET", "/analytics/v1/campaigns/{campaignId}/results", own),
                new Endpoint("GET", "/analytics/v1/campaigns/{campaignId}/lift", own),
                new Endpoint("GET", "/analytics/v1/offers", Set.of("partner")),
                new Endpoint("GET", "/analytics/v1/dead-letters", ops),
                new Endpoint("GET", "/analytics/v1/dead-letters/{id}", ops),
                new Endpoint("POST", "/analytics/v1/dead-letters/{id}/replay", ops),
                new Endpoint("POST", "/analytics/v1/dead-letters/{id}/discard", ops));
    }

    static int call(Endpoint e, String token, String partnerId) {
        var req = given();
        if (token != null) {
            req = req.auth().oauth2(token);
        }
        if (e.path().endsWith("/discard")) {
            req = req.contentType("application/json").body("{\"reason\": \"access test\"}");
        }
        String path = e.path()
                        .replace("{id}", "1")
                        .replace("{kind}", "members")
                        .replace("{memberId}", "nobody")
                        .replace("{partnerId}", partnerId)
                        .replace("{campaignId}", "no-campaign")
                + (e.path().endsWith("/offers") ? "?cardNumber=x&partnerId=" + partnerId : "")
                + (e.path().endsWith("recompute") ? "?asOf=2020-01-01" : "")
                + (e.path().endsWith("/campaigns") ? "?partnerId=" + partnerId : "");
        return req.request(e.method(), path).then().extract().statusCode();
    }

    @Test
    void everyEndpointAnswersOnlyWhomItShould() {
        Map<String, String> tokens = Map.of(
                "operator",
                TestTokens.operator(),
                "partner",
                TestTokens.partner(MINE),
                "member",
                TestTokens.member("m-access"),
                "none",
                TestTokens.noRole());
        for (Endpoint e : endpoints()) {
            String what = e.method() + " " + e.path();
            if (e.allowed().contains(ANYONE)) {
                assertEquals(200, call(e, null, MINE), what + " without a token");
                continue;
            }
            assertEquals(401, call(e, null, MINE), what + " without a token");
            tokens.forEach((role, token) -> {
                int status = call(e, token, MINE);
                if (e.allowed().contains(role)) {
                    // a campaign that does not exist is 404 before ownership can be judged
                    assertFalse(
                            status == 401 || (status == 403 && !e.path().contains("campaigns")),
                            what + " as " + role + ": " + status);
                } else {
                    assertEquals(403, status, what + " as " + role);
                }
            });
            if (e.path().contains("{partnerId}")
                    || e.path().endsWith("/offers")
                    || e.path().endsWith("/campaigns")) {
                assertEquals(403, call(e, TestTokens.partner("partner-other"), MINE), what + " as another partner");
            }
        }
    }

    /** Staff sign-ins read reports but write nothing, and cannot act at the till (offers record what was shown). */
    @Test
    void staffSignInsAreReadOnly() {
        String staff = TestTokens.partnerStaff(MINE);
        for (Endpoint e : endpoints()) {
            if (!e.allowed().contains("partner")) {
                continue;
            }
            String what = e.method() + " " + e.path();
            int status = call(e, staff, MINE);
            if (!e.method().equals("GET") || e.path().endsWith("/offers")) {
                assertEquals(403, status, what + " as staff");
            } else {
                assertFalse(
                        status == 401 || (status == 403 && !e.path().contains("campaigns")),
                        what + " as staff: " + status);
            }
        }
    }

    /** The dashboard runs only its own scripts and no other site may frame it (it shares the console's session). */
    @Test
    void theDashboardIsNeverFramedAndRunsOnlyItsOwnScripts() {
        given().get("/dashboard/")
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"))
                .header("Cache-Control", org.hamcrest.Matchers.is("no-cache"))
                .body(org.hamcrest.Matchers.containsString("/_web/oidc-client-ts.min.js"));
    }

    @Test
    void theTableCoversEveryEndpointOfTheService() {
        Set<String> tested = new TreeSet<>();
        endpoints().forEach(e -> tested.add(e.method() + " " + e.path()));
        assertEquals(OpenApiEndpoints.published(), tested);
    }
}
