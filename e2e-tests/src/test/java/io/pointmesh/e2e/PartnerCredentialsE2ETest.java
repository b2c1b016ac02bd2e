package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Against the real Keycloak: activation creates the partner's confidential client, whose tokens
 * carry the partner role and the partner_id claim and are accepted by the other services; a
 * rotated secret replaces the old one; offboarding disables the client.
 */
class PartnerCredentialsE2ETest {

    @Test
    void activationIssuesWorkingCredentialsThatRotationReplacesAndOffboardingDisables() {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        String partnerId = Partners.register(stack, operator);
        String partners = stack.url("partner") + "/partners/v1/partners/" + partnerId;

        var activation = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "e2e"))
                .post(partners + "/activation")
                .then()
                .statusCode(200)
                .body("status", is("ACTIVE"), "clientId", startsWith("partner-"))
                .extract();
        String clientId = activation.path("clientId");
        String secret = activation.path("clientSecret");

        // the partner's own token reads its own record, and the ledger (which learned ACTIVE by event) knows it
        String token = stack.clientToken(clientId, secret);
        given().auth().oauth2(token).get(partners).then().statusCode(200).body("partnerId", is(partnerId));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .get(stack.url("ledger") + "/ledger/v1/partners/" + partnerId)
                        .then()
                        .statusCode(200)
                        .body("status", is("ACTIVE")));
        // and nothing of another partner
        given().auth()
                .oauth2(token)
                .get(stack.url("ledger") + "/ledger/v1/partners/someone-else")
                .then()
                .statusCode(403);

        String rotated = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "e2e rotation"))
                .post(partners + "/credentials/rotation")
                .then()
                .statusCode(200)
                .extract()
                .path("clientSecret");
        tokenRequest(stack, clientId, secret).statusCode(401);
        tokenRequest(stack, clientId, rotated).statusCode(200);

        given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "e2e offboarding"))
                .post(partners + "/offboarding")
                .then()
                .statusCode(200)
                .body("status", is("OFFBOARDED"));
        tokenRequest(stack, clientId, rotated).statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
    }

    private static io.restassured.response.ValidatableResponse tokenRequest(
            LocalStack stack, String clientId, String secret) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .post(stack.localJson().path("keycloak").path("tokenUrl").asText())
                .then();
    }
}
