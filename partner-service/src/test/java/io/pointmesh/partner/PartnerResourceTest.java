package io.pointmesh.partner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerResourceTest {

    // valid business registration numbers (check digit included)
    static final String[] VALID_BRN = {"220-81-62517", "120-81-47521", "124-81-00998", "104-81-36565"};

    static Map<String, Object> body(String brn) {
        return Map.of(
                "legalName",
                "GS Retail Co., Ltd.",
                "businessRegistrationNumber",
                brn,
                "category",
                "convenience-store",
                "contactEmail",
                "partners@gsretail.example",
                "settlementAccount",
                Map.of("bank", "KB Kookmin", "accountNumber", "123-456-789012", "accountHolder", "GS Retail"));
    }

    @Test
    void anOperatorRegistersAPartnerAndTheNetworkHearsOfIt() {
        String id = given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(body(VALID_BRN[0]))
                .when()
                .post("/partners/v1/partners")
                .then()
                .statusCode(201)
                .header("Location", containsString("/partners/v1/partners/"))
                .body("status", is("PENDING"), "businessRegistrationNumber", is(VALID_BRN[0]))
                .extract()
                .path("partnerId");

        try (KafkaTestClient kafka = TestEvents.kafka()) {
            var record =
                    kafka.await(TestEvents.topic("partner.events"), r -> id.equals(r.key()), Duration.ofSeconds(20));
            var event = TestEvents.CODEC.decode(record.value()).orElseThrow();
            assertEquals("partner.registered", event.type());
            assertEquals(
                    new PartnerRegistered(id, "GS Retail Co., Ltd.", VALID_BRN[0], "convenience-store"), event.data());
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/partners/v1/partners/" + id)
                .then()
                .statusCode(200)
                .body("partnerId", is(id));
    }

    @Test
    void invalidInputIsAProblemAndWritesNothing() {
        int before = partnerCount();
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "legalName",
                        "",
                        "businessRegistrationNumber",
                        "220-81-62518",
                        "category",
                        "Not A Slug",
                        "contactEmail",
                        "nope",
                        "settlementAccount",
                        Map.of("bank", "KB")))
                .when()
                .post("/partners/v1/partners")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "code",
                        is("validation-failed"),
                        "status",
                        is(400),
                        "errors.field",
                        hasItems("legalName", "category", "contactEmail", "settlementAccount.accountNumber"));
        // a well-formed body with a wrong check digit
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(body("220-81-62518"))
                .when()
                .post("/partners/v1/partners")
                .then()
                .statusCode(400)
                .body("errors[0].field", is("businessRegistrationNumber"));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body("{\"legalName\": ")
                .when()
                .post("/partners/v1/partners")
                .then()
                .statusCode(400)
                .body("code", is("malformed-body"));
        assertEquals(before, partnerCount());
        // a query parameter that is not one of its names, or not a number: 400 naming it (RESTEasy's 404 before)
        for (String query : new String[] {"status=SLEEPING", "limit=many"}) {
            given().auth()
                    .oauth2(TestTokens.operator())
                    .get("/partners/v1/partners?" + query)
                    .then()
                    .statusCode(400)
                    .body(
                            "code",
                            is("validation-failed"),
                            "errors[0].field",
                            is(query.substring(0, query.indexOf('='))));
        }
    }

    @Test
    void aBusinessRegistrationNumberJoinsOnce() {
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(body(VALID_BRN[1]))
                .post("/partners/v1/partners")
                .then()
                .statusCode(201);
        int before = partnerCount();
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(body("1208147521"))
                .post("/partners/v1/partners")
                .then()
                .statusCode(409)
                .body("code", is("duplicate-business-registration-number"));
        assertEquals(before, partnerCount());
    }

    @Test
    void onlyOperatorsManagePartnersAndAPartnerSeesOnlyItself() {
        given().get("/partners/v1/partners").then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.forAudience("another-api"))
                .get("/partners/v1/partners")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.member("someone"))
                .get("/partners/v1/partners")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner("p-1"))
                .contentType(ContentType.JSON)
                .body(body(VALID_BRN[2]))
                .post("/partners/v1/partners")
                .then()
                .statusCode(403);

        String id = given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(body(VALID_BRN[3]))
                .post("/partners/v1/partners")
                .then()
                .statusCode(201)
                .extract()
                .path("partnerId");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .get("/partners/v1/partners/" + id)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(TestTokens.partner("someone-else"))
                .get("/partners/v1/partners/" + id)
                .then()
                .statusCode(403)
                .body("code", is("other-partner"));
    }

    private static int partnerCount() {
        return given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("limit", 500)
                .get("/partners/v1/partners")
                .then()
                .statusCode(200)
                .extract()
                .path("size()");
    }
}
