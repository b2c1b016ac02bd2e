package io.pointmesh.partner;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Campaigns of an active partner, by the partner or an operator; mileage programs by operators. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class CampaignTest {

    static Map<String, Object> campaign() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Double points weekend");
        body.put("bonusKind", "MULTIPLIER");
        body.put("multiplier", 2);
        body.put("startsAt", Instant.now().toString());
        body.put("endsAt", Instant.now().plus(3, ChronoUnit.DAYS).toString());
        body.put("target", "GRADE");
        body.put("targetValue", "VIP");
        body.put("budgetPoints", 100000);
        body.put("treatmentShare", 0.8);
        return body;
    }

    @Test
    void anActivePartnerRunsItsOwnCampaignsAndOnlyOperatorsSpendTheNetworksMoney() {
        String id = PartnerLifecycleTest.register();
        String campaigns = "/partners/v1/partners/" + id + "/campaigns";
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(campaign())
                .post(campaigns)
                .then()
                .statusCode(409)
                .body("code", is("partner-not-active"));
        PartnerLifecycleTest.transition(id, "activation", "go").statusCode(200);
        String campaignId = given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(campaign())
                .post(campaigns)
                .then()
                .statusCode(201)
                .body("campaignId", notNullValue(), "fundedBy", is("PARTNER"), "treatmentShare", is(0.8f))
                .extract()
                .path("campaignId");
        Map<String, Object> network = campaign();
        network.put("fundedBy", "NETWORK");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(network)
                .post(campaigns)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(network)
                .post(campaigns)
                .then()
                .statusCode(201);
        Map<String, Object> bad = campaign();
        bad.put("targetValue", "PLATINUM");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(bad)
                .post(campaigns)
                .then()
                .statusCode(400);
        bad = campaign();
        bad.put("endsAt", Instant.now().minus(1, ChronoUnit.DAYS).toString());
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(bad)
                .post(campaigns)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.partner("other"))
                .contentType(ContentType.JSON)
                .body(campaign())
                .post(campaigns)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "sold out"))
                .post(campaigns + "/" + campaignId + "/end")
                .then()
                .statusCode(200)
                .body("endedAt", notNullValue());
        given().auth()
                .oauth2(TestTokens.partner(id))
                .get(campaigns)
                .then()
                .statusCode(200)
                .body("$", hasSize(2));
        try (KafkaTestClient kafka = kafka()) {
            assertEquals(
                    2,
                    kafka.count(
                            topic("partner.events"),
                            r -> r.value().contains("partner.campaign-published")
                                    && r.value().contains(id),
                            Duration.ofSeconds(10)));
            kafka.await(
                    topic("partner.events"),
                    r -> r.key().equals(campaignId) && r.value().contains("partner.campaign-ended"),
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void operatorsSetMileageTerms() {
        String id = PartnerLifecycleTest.register();
        String program = "/partners/v1/partners/" + id + "/mileage-program";
        Map<String, Object> terms =
                Map.of("programCode", "SKYPASS", "milesPerPoint", 0.5, "minimumPoints", 1000, "stepPoints", 100);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(terms)
                .put(program)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("programCode", "X"))
                .put(program)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(terms)
                .put(program)
                .then()
                .statusCode(200)
                .body("milesPerPoint", is(0.5f));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("partner.events"),
                    r -> id.equals(r.key()) && r.value().contains("partner.mileage-program-published"),
                    Duration.ofSeconds(10));
        }
    }
}
