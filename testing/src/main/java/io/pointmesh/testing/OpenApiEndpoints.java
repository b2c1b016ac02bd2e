package io.pointmesh.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The endpoints a running service publishes in its OpenAPI document, as "METHOD /path" strings:
 * access tests compare their table of endpoints with it, so an endpoint added without an access
 * rule fails the build.
 */
public final class OpenApiEndpoints {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");

    private OpenApiEndpoints() {}

    /** Of the service under test (RestAssured's base URI and port). */
    public static Set<String> published() {
        Map<String, Object> paths = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("paths");
        Set<String> published = new TreeSet<>();
        paths.forEach((path, operations) -> ((Map<?, ?>) operations).keySet().forEach(method -> {
            String m = method.toString().toUpperCase();
            if (METHODS.contains(m)) {
                published.add(m + " " + path);
            }
        }));
        return published;
    }
}
