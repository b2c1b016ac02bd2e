package io.pointmesh.partner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * What the console needs from partner-service before anyone signs in (docs/console.md): the page and
 * the sign-in library, served with a policy that runs only their own scripts and forbids framing; the
 * public sign-in settings; and cross-origin calls from the console's origin only, without cookies.
 * The console itself is driven in a real browser by ConsoleE2ETest.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class ConsoleTest {

    static final String CONSOLE_ORIGIN = "http://127.0.0.1:8082";

    @Test
    void theConsoleIsServedWithItsOwnScriptsOnlyAndNeverFramed() {
        given().get("/console/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", containsString("form-action 'none'"))
                // the scripts may reach the APIs and Keycloak, named by configuration, and nothing else
                .header("Content-Security-Policy", containsString("connect-src 'self' http://127.0.0.1:8180 "))
                .header("Referrer-Policy", equalTo("same-origin"))
                .header("Cache-Control", equalTo("no-cache"))
                .body(containsString("/_web/oidc-client-ts.min.js"));
        given().get("/console/console.js").then().statusCode(200).header("Cache-Control", equalTo("no-cache"));
        // the maintained OIDC library from npm (platform's build), and the sign-in that uses it
        String library = given().get("/_web/oidc-client-ts.min.js")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(library.contains("UserManager") && library.contains("code_challenge"), "oidc-client-ts");
        given().get("/_web/signin.js").then().statusCode(200).body(containsString("new oidc.UserManager"));
    }

    @Test
    void theApiReferenceShowsTheFourCommittedDocumentsInOneSwaggerUi() {
        String page =
                given().get("/api-reference/").then().statusCode(200).extract().asString();
        // every asset the page loads is served (a Swagger UI version bump without the page's fails here)
        java.util.regex.Matcher assets =
                java.util.regex.Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page);
        int count = 0;
        while (assets.find()) {
            String asset = assets.group(1);
            given().get(asset.startsWith("/") ? asset : "/api-reference/" + asset)
                    .then()
                    .statusCode(200);
            count++;
        }
        assertTrue(count >= 5, "the page's scripts and styles: " + count);
        String script =
                given().get("/api-reference/api-reference.js").then().extract().asString();
        for (String service : new String[] {"partner", "ledger", "member", "analytics"}) {
            assertTrue(script.contains("\"" + service + ".json\""), service);
            given().get("/api-reference/" + service + ".json")
                    .then()
                    .statusCode(200)
                    .body("openapi", org.hamcrest.Matchers.startsWith("3."))
                    .body("paths.keySet().every { it.startsWith('/" + prefix(service) + "/') }", equalTo(true));
        }
    }

    private static String prefix(String service) {
        return service.equals("partner") || service.equals("member") ? service + "s" : service;
    }

    @Test
    void theSignInSettingsArePublicAndNameThePublicClient() {
        given().get("/partners/v1/console/config")
                .then()
                .statusCode(200)
                .body("clientId", equalTo("pointmesh-dashboard"))
                .body("oidcUrl", containsString("/realms/"))
                .body("apis.partner", equalTo(""))
                // the console's "today" is the network's (settlement periods), not the browser's
                .body("zone", equalTo("Asia/Seoul"))
                // the webhook form offers every event the API takes: the service's one list (a list of the
                // console's own missed the reward order events)
                .body("webhookEvents", equalTo(WebhookEventType.names()))
                .body(
                        "webhookEvents",
                        org.hamcrest.Matchers.hasItems(
                                "reward.ordered",
                                "reward.order-fulfilled",
                                "reward.order-cancelled",
                                "reward.order-failed"));
        String console = given().get("/console/console.js").then().extract().asString();
        assertTrue(console.contains("settings.webhookEvents"), "the webhook form's events come from the settings");
        assertTrue(!console.contains("\"campaign.budget-exhausted\""), "and are not listed in the console's code");
    }

    @Test
    void onlyTheConsolesOriginMayCallAcrossOriginsAndNoCookieIsShared() {
        given().header("Origin", CONSOLE_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .options("/partners/v1/partners")
                .then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(CONSOLE_ORIGIN))
                .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"))
                .header("Access-Control-Allow-Credentials", equalTo("false"));
        // another site's page gets no permission to read answers with a person's token
        given().header("Origin", "https://attacker.example")
                .header("Access-Control-Request-Method", "POST")
                .options("/partners/v1/partners")
                .then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://attacker.example")
                .get("/partners/v1/console/config")
                .then()
                .statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
