package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.joined;
import static io.pointmesh.member.MemberFixture.me;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.OpenApiEndpoints;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of member-service, by who may call it; the table is checked against the
 * OpenAPI document. Also the operators' search, suspension and reinstatement, and one member with
 * the audit trail of operators' actions on them.
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
                new Endpoint("GET", "/members/v1/members/{memberId}", OPERATOR, null),
                new Endpoint("GET", "/members/v1/members/{memberId}/audit", OPERATOR, null),
                new Endpoint("POST", "/members/v1/members/{memberId}/suspension", OPERATOR, reason),
                new Endpoint("POST", "/members/v1/members/{memberId}/reinstatement", OPERATOR, reason),
                new Endpoint("POST", "/members/v1/consent-republications", OPERATOR, null),
                new Endpoint("GET", "/members/v1/dead-letters", OPERATOR, null),
                new Endpoint("GET", "/members/v1/dead-letters/{id}", OPERATOR, null),
                new Endpoint("POST", "/members/v1/dead-letters/{id}/replay", OPERATOR, null),
                new Endpoint("POST", "/members/v1/dead-letters/{id}/discard", OPERATOR, reason));
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
                .replace("/dead-letters/{id}", "/dead-letters/1")
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
        // a name with a wildcard in it is found by it as a character, and only by it
        String underscored = MemberFixture.subject();
        Map<String, Object> body = MemberFixture.joinBody("Kim_Minji " + underscored.substring(0, 6));
        MemberFixture.join(underscored, body).statusCode(201);
        for (String q : List.of("kim_minji " + underscored.substring(0, 6), "m_min")) {
            given().auth()
                    .oauth2(op)
                    .queryParam("q", q)
                    .get("/members/v1/members")
                    .then()
                    .statusCode(200)
                    .body("memberId", hasItem(underscored));
        }
        given().auth()
                .oauth2(op)
                .queryParam("q", "kimxmin")
                .get("/members/v1/members")
                .then()
                .statusCode(200)
                .body("memberId", org.hamcrest.Matchers.not(hasItem(underscored)));
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

    /** An operator's token with a user name of its own (the actor the audit trail must name). */
    static String operatorNamed(String name) {
        return TestTokens.token(name, List.of("operator"), Map.of("azp", "pointmesh-operator"));
    }

    static void post(String token, String path, String reason) {
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", reason))
                .post(path)
                .then()
                .statusCode(200);
    }

    @Test
    void operatorsSeeOneMemberAndTheirActionsOnThemNewestFirst() {
        String member = joined();
        String card = me(member).extract().path("card.cardNumber");
        String mobile = me(member).extract().path("mobileNumber");
        String suspender = "support-kim-" + UUID.randomUUID();
        String reinstater = "support-lee-" + UUID.randomUUID();
        String op = TestTokens.operator();
        String path = "/members/v1/members/" + member;

        given().auth()
                .oauth2(op)
                .get(path)
                .then()
                .statusCode(200)
                .body("memberId", is(member))
                .body("name", is("Kim Minji"))
                .body("mobileNumber", is(mobile))
                .body("status", is("ACTIVE"))
                .body("grade", is("GENERAL"))
                .body("joinedAt", notNullValue())
                .body("cards.cardNumber", contains(card))
                .body("cards[0].status", is("ACTIVE"));
        given().auth().oauth2(op).get(path + "/audit").then().statusCode(200).body("$", hasSize(0));

        post(operatorNamed(suspender), path + "/suspension", "card used at three stores within minutes");
        given().auth().oauth2(op).get(path).then().statusCode(200).body("status", is("SUSPENDED"));
        post(operatorNamed(reinstater), path + "/reinstatement", "the purchases were genuine");
        // another member's trail stays theirs
        String other = joined();
        post(operatorNamed(suspender), "/members/v1/members/" + other + "/suspension", "someone else's case");

        var trail = given().auth()
                .oauth2(op)
                .get(path + "/audit")
                .then()
                .statusCode(200)
                .body("action", contains("REINSTATED", "SUSPENDED"))
                .body("actor", contains(reinstater, suspender))
                .body("reason", contains("the purchases were genuine", "card used at three stores within minutes"))
                .extract()
                .jsonPath();
        Instant newest = Instant.parse(trail.getString("[0].at"));
        Instant older = Instant.parse(trail.getString("[1].at"));
        assertTrue(!newest.isBefore(older), newest + " before " + older);

        // paged: limit and offset
        given().auth()
                .oauth2(op)
                .queryParam("limit", 1)
                .get(path + "/audit")
                .then()
                .statusCode(200)
                .body("action", contains("REINSTATED"));
        given().auth()
                .oauth2(op)
                .queryParam("limit", 1)
                .queryParam("offset", 1)
                .get(path + "/audit")
                .then()
                .statusCode(200)
                .body("action", contains("SUSPENDED"));
        given().auth()
                .oauth2(op)
                .get("/members/v1/members/" + other + "/audit")
                .then()
                .statusCode(200)
                .body("reason", contains("someone else's case"));
    }

    @Test
    void onlyOperatorsSeeAMemberAndTheirAuditTrail() {
        String member = joined();
        String path = "/members/v1/members/" + member;
        for (String token : List.of(TestTokens.partner("p-audit"), TestTokens.member(member))) {
            for (String p : List.of(path, path + "/audit")) {
                given().auth().oauth2(token).get(p).then().statusCode(403).body("code", is("forbidden"));
            }
        }
        given().auth().oauth2(TestTokens.operator()).get(path).then().statusCode(200);
    }

    @Test
    void anUnknownOrDepartedMemberIsNotFoundAndABadPageIsRefused() {
        String op = TestTokens.operator();
        for (String p : List.of("/members/v1/members/nobody", "/members/v1/members/nobody/audit")) {
            given().auth()
                    .oauth2(op)
                    .get(p)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("status", is(404))
                    .body("code", is("not-found"))
                    .body("type", is("urn:pointmesh:problem:not-found"));
        }
        // a member who left is erased: not found, as the search does not show them
        String left = joined();
        given().auth()
                .oauth2(TestTokens.member(left))
                .delete("/members/v1/me")
                .then()
                .statusCode(204);
        given().auth().oauth2(op).get("/members/v1/members/" + left).then().statusCode(404);
        given().auth()
                .oauth2(op)
                .get("/members/v1/members/" + left + "/audit")
                .then()
                .statusCode(404);

        String audit = "/members/v1/members/" + joined() + "/audit";
        for (Map.Entry<String, Integer> bad :
                List.of(Map.entry("limit", 0), Map.entry("limit", 501), Map.entry("offset", -1))) {
            given().auth()
                    .oauth2(op)
                    .queryParam(bad.getKey(), bad.getValue())
                    .get(audit)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", is("validation-failed"))
                    .body("errors[0].field", is(bad.getKey()));
        }
        given().auth().oauth2(op).queryParam("limit", 500).get(audit).then().statusCode(200);
    }
}
