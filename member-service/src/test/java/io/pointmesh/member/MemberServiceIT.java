package io.pointmesh.member;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.pointmesh.testing.PackagedService;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** member-service as packaged (JVM jar, or native executable with -Dnative): a member joins and reads their card. */
@QuarkusIntegrationTest
@WithTestResource(PointmeshTestResource.class)
class MemberServiceIT {

    @Test
    void aMemberJoinsAndReadsTheirCard() {
        PackagedService.isReadyAndDocumented("member-service");
        PackagedService.refusesWithoutToken("GET", "/members/v1/me");
        String token = TestTokens.member("it-" + UUID.randomUUID());
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Kim Minjun",
                        "mobileNumber",
                        "+821055501234",
                        "email",
                        "minjun@example.com",
                        "birthYear",
                        1990))
                .post("/members/v1/me")
                .then()
                .statusCode(201)
                .body("card.cardNumber", startsWith("9410"));
        given().auth()
                .oauth2(token)
                .get("/members/v1/me")
                .then()
                .statusCode(200)
                .body("name", is("Kim Minjun"));
        PackagedService.problem(
                given().auth()
                        .oauth2(TestTokens.member("it-" + UUID.randomUUID()))
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "", "mobileNumber", "12", "email", "not-an-address"))
                        .post("/members/v1/me")
                        .then(),
                400);
    }
}
