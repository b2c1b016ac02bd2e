package io.pointmesh.e2e;

import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;

/** Registers partners through partner-service's real API. */
final class Partners {

    private Partners() {
    }

    static String register(LocalStack stack, String operatorToken) {
        return given().auth().oauth2(operatorToken).contentType(ContentType.JSON)
                .body(Map.of("legalName", "E2E Partner", "businessRegistrationNumber", randomBusinessRegistrationNumber(),
                        "category", "convenience-store", "contactEmail", "e2e@example.com",
                        "settlementAccount", Map.of("bank", "KB", "accountNumber", "123-456-7890", "accountHolder", "E2E")))
                .post(stack.url("partner") + "/partners/v1/partners")
                .then().statusCode(201).extract().path("partnerId");
    }

    static String randomBusinessRegistrationNumber() {
        return io.pointmesh.testing.TestData.businessRegistrationNumber();
    }
}
