package io.pointmesh.member;

import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class MemberResourceTest {

    @Test
    void aSignedInPersonWhoHasNotJoinedIsToldSo() {
        given().auth().oauth2(TestTokens.member("kc-user-1")).get("/members/v1/me")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not-joined"));
    }

    @Test
    void onlyOperatorsSearchMembers() {
        given().get("/members/v1/members").then().statusCode(401);
        given().auth().oauth2(TestTokens.partner("p")).get("/members/v1/members").then().statusCode(403);
        given().auth().oauth2(TestTokens.member("m")).get("/members/v1/members").then().statusCode(403);
        given().auth().oauth2(TestTokens.operator()).queryParam("q", "010").get("/members/v1/members").then().statusCode(200);
        given().auth().oauth2(TestTokens.operator()).queryParam("limit", 0).get("/members/v1/members")
                .then().statusCode(400).body("errors[0].field", is("limit"));
    }
}
