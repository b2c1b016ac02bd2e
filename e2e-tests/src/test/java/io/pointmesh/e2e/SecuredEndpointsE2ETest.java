package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every service accepts the local Keycloak's real tokens: 401 without one, 403 with a token of
 * the wrong role, 200 with the right one.
 */
class SecuredEndpointsE2ETest {

    static LocalStack stack;
    static String operator;
    static String member;

    @BeforeAll
    static void tokens() {
        stack = LocalStack.connect();
        operator = stack.operatorToken();
        member = stack.newMemberToken();
    }

    @Test
    void memberService() {
        String url = stack.url("member") + "/members/v1/members";
        given().get(url).then().statusCode(401);
        given().auth().oauth2(member).get(url).then().statusCode(403);
        given().auth().oauth2(operator).get(url).then().statusCode(200);
        // a member's own endpoint takes the member's token (not yet joined: a problem, not a 401/403)
        given().auth()
                .oauth2(member)
                .get(stack.url("member") + "/members/v1/me")
                .then()
                .statusCode(404)
                .body("code", is("not-joined"));
        given().auth()
                .oauth2(operator)
                .get(stack.url("member") + "/members/v1/me")
                .then()
                .statusCode(403);
    }

    @Test
    void partnerService() {
        String url = stack.url("partner") + "/partners/v1/partners";
        given().get(url).then().statusCode(401);
        given().auth().oauth2(member).get(url).then().statusCode(403);
        given().auth().oauth2(operator).get(url).then().statusCode(200);
        given().auth().oauth2("not-a-token").get(url).then().statusCode(401);
    }

    @Test
    void ledgerService() {
        String partnerId = Partners.register(stack, operator);
        String url = stack.url("ledger") + "/ledger/v1/partners/" + partnerId;
        given().get(url).then().statusCode(401);
        given().auth().oauth2(member).get(url).then().statusCode(403);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(operator)
                        .get(url)
                        .then()
                        .statusCode(200)
                        .body("status", is("PENDING")));
    }

    @Test
    void analyticsService() {
        String url = stack.url("analytics") + "/analytics/v1/network/summary";
        given().get(url).then().statusCode(401);
        given().auth().oauth2(member).get(url).then().statusCode(403);
        given().auth().oauth2(operator).get(url).then().statusCode(200).contentType(ContentType.JSON);
    }
}
