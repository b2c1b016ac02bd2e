package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.joined;
import static io.pointmesh.member.MemberFixture.me;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pointmesh.testing.OpenApiEndpoints;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of member-service, by who may call it; the table is checked against the
 * OpenAPI document. Also the operators' search, suspension and reinstatement.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class MemberAccessTest {

    record Endpoint(String method, String path, Set<String> allowed, Map<String, Object> body) {}

    static final Set<String> MEMBER = Set.of("member");
    static final Set<String> OPERATOR = Set.of("operator");
    static final Set<String> POS = Set.of("partner", "operator");

    static List<Endpoint> endpoints() {
        Map<String, Object> reason = Map.of("reason", "access test");
        return List.of(
                new Endpoint("POST", "/members/v1/me", MEMBER, MemberFixture.joinBody("Access Test")),
                new Endpoint("GET", "/members/v1/me", MEMBER, null),
                new Endpoint("DELETE", "/members/v1/me", MEMBER, null),
                new Endpoint("POST", "/members/v1/me/card/replacement", MEMBER, null),
                new Endpoint("GET", "/members/v1/me/consents", MEMBER, null),
                new Endpoint("PUT", "/members/v1/me/consents", MEMBER, Map.of("marketingSms", true)),
                new Endpoint("GET", "/members/v1/me/notifications", MEMBER, null),
                new Endpoint("POST", "/members/v1/me/notifications/{id}/read", MEMBER, null),
                new Endpoint("GET", "/members/v1/cards/{cardNumber}", POS, null),
                new Endpoint("GET", "/members/v1/members", OPERATOR, null),
                new Endpoint("POST", "/members/v1/members/{memberId}/suspension", OPERATOR, reason),
                new Endpoint("POST", "/members/v1/members/{memberId}/reinstatement", OPERATOR, reason));
    }

    static int call(Endpoint e, String token) {
        RequestSpecification req = given();
        if (token != null) {
            req = req.auth().oauth2(token);
        }
        if (e.body() != null) {
            req = req.contentType(ContentType.JSON).body(e.body());
        }
        String path = e.path()
                .replace("{id}", UUID.randomUUID().toString())
                .replace("{cardNumber}", "4111111111111111")
                .replace("{memberId}", "nobody");
        return req.request(e.method(), path).then().extract().statusCode();
    }

    @Test
    void everyEndpointAnswersOnlyWhomItShould() {
        Map<String, String> tokens = Map.of(
                "member",
                TestTokens.member("access-" + UUID.randomUUID()),
                "partner",
                TestTokens.partner("p-access"),
                "operator",
                TestTokens.operator(),
                "none",
                TestTokens.noRole());
        for (Endpoint e : endpoints()) {
            String what = e.method() + " " + e.path();
            assertEquals(401, call(e, null), what + " without a token");
            tokens.forEach((role, token) -> {
                int status = call(e, token);
                if (e.allowed().contains(role)) {
                    assertFalse(status == 401 || status == 403, what + " as " + role + " answered " + status);
                } else {
                    assertEquals(403, status, what + " as " + role);
                }
            });
        }
    }

    @Test
    void theTableCoversEveryEndpointOfTheService() {
        Set<String> tested = new TreeSet<>();
        endpoints().forEach(e -> tested.add(e.method() + " " + e.path()));
        assertEquals(OpenApiEndpoints.published(), tested);
    }

    @Test
    void operatorsFindSuspendAndReinstateMembers() {
        String member = joined();
        String mobile = me(member).extract().path("mobileNumber");
        String card = me(member).extract().path("card.cardNumber");
        String op = TestTokens.operator();
        for (String q : List.of(mobile, card, "minji")) {
            given().auth()
                    .oauth2(op)
                    .queryParam("q", q)
                    .get("/members/v1/members")
                    .then()
                    .statusCode(200)
                    .body("memberId", hasItem(member));
        }
        given().auth()
                .oauth2(op)
                .queryParam("q", "%")
                .queryParam("limit", 500)
                .get("/members/v1/members")
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
        given().auth()
                .oauth2(op)
                .queryParam("limit", 0)
                .get("/members/v1/members")
                .then()
                .statusCode(400)
                .body("errors[0].field", is("limit"));
        String path = "/members/v1/members/" + member;
        given().auth()
                .oauth2(op)
                .contentType(ContentType.JSON)
                .body(Map.of())
                .post(path + "/suspension")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(op)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "card fraud check"))
                .post(path + "/suspension")
                .then()
                .statusCode(200)
                .body("status", is("SUSPENDED"));
        given().auth()
                .oauth2(op)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "again"))
                .post(path + "/suspension")
                .then()
                .statusCode(409);
        me(member).statusCode(200).body("status", is("SUSPENDED"));
        given().auth()
                .oauth2(TestTokens.partner("p"))
                .get("/members/v1/cards/" + card)
                .then()
                .body("memberStatus", is("SUSPENDED"));
        given().auth()
                .oauth2(op)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "cleared"))
                .post(path + "/reinstatement")
                .then()
                .statusCode(200)
                .body("status", is("ACTIVE"));
        given().auth()
                .oauth2(op)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "x"))
                .post("/members/v1/members/nobody/suspension")
                .then()
                .statusCode(404);
    }
}
