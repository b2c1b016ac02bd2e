package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;

import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.util.Map;

/** Registers partners through partner-service's real API. */
final class Partners {

    private Partners() {}

    static String register(LocalStack stack, String operatorToken) {
        return given().auth()
                .oauth2(operatorToken)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "legalName",
                        "E2E Partner",
                        "businessRegistrationNumber",
                        randomBusinessRegistrationNumber(),
                        "category",
                        "convenience-store",
                        "contactEmail",
                        "e2e@example.com",
                        "settlementAccount",
                        Map.of("bank", "KB", "accountNumber", "123-456-7890", "accountHolder", "E2E")))
                .post(stack.url("partner") + "/partners/v1/partners")
                .then()
                .statusCode(201)
                .extract()
                .path("partnerId");
    }

    /** An active partner with its real Keycloak credentials, one store and a 1 % earn rule available at once. */
    record ActivePartner(String partnerId, String token, String storeCode, String clientId, String clientSecret) {}

    static ActivePartner active(LocalStack stack, String operatorToken) {
        String partnerId = register(stack, operatorToken);
        String partners = stack.url("partner") + "/partners/v1/partners/" + partnerId;
        var activation = given().auth()
                .oauth2(operatorToken)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "e2e"))
                .post(partners + "/activation")
                .then()
                .statusCode(200)
                .extract();
        String token = stack.clientToken(activation.path("clientId"), activation.path("clientSecret"));
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("code", "GN-001", "name", "Gangnam", "channel", "OFFLINE", "region", "Seoul"))
                .post(partners + "/stores")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(operatorToken)
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.01, "pendingDays", 0, "validityMonths", 60))
                .put(partners + "/earn-rules")
                .then()
                .statusCode(200);
        return new ActivePartner(
                partnerId, token, "GN-001", activation.path("clientId"), activation.path("clientSecret"));
    }

    static String randomBusinessRegistrationNumber() {
        return io.pointmesh.testing.TestData.businessRegistrationNumber();
    }
}
