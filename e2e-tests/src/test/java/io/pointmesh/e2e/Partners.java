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

    /** Nine random digits and their check digit: a fresh, valid number for every run. */
    static String randomBusinessRegistrationNumber() {
        int[] weights = {1, 3, 7, 1, 3, 7, 1, 3, 5};
        int[] d = new int[10];
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            d[i] = ThreadLocalRandom.current().nextInt(10);
            sum += d[i] * weights[i];
        }
        sum += d[8] * 5 / 10;
        d[9] = (10 - sum % 10) % 10;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            s.append(d[i]);
            if (i == 2 || i == 4) {
                s.append('-');
            }
        }
        return s.toString();
    }
}
