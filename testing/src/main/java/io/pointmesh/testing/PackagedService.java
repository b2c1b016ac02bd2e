package io.pointmesh.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.response.ValidatableResponse;

/**
 * Checks every packaged service must pass, for {@code @QuarkusIntegrationTest}s: they run against
 * the built artifact (the JVM jar, or the native executable with -Dnative), where what a native
 * image leaves out (reflection, resources, build-time initialisation) shows up.
 */
public final class PackagedService {

    private PackagedService() {}

    /** Ready (database and Kafka in the health checks), and its OpenAPI document served. */
    public static void isReadyAndDocumented(String title) {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200).body("info.title", containsString(title));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }

    /** Without a token: 401. */
    public static void refusesWithoutToken(String method, String path) {
        given().request(method, path).then().statusCode(401);
    }

    /** An RFC 7807 problem of this status (its JSON written by the packaged service's own mappers). */
    public static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType(containsString("application/problem+json"))
                .body("status", is(status), "title", notNullValue());
    }
}
