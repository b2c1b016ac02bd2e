package io.pointmesh.analytics;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.redeliver;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.pointmesh.events.partner.PartnerOffboarded;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class NetworkSummaryTest {

    @Test
    void partnersAreCountedByStatusFromPartnerEvents() {
        int before = partners();
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            PartnerRegistered registeredA = new PartnerRegistered(a, "A", "120-81-47521", "mart");
            redeliver(kafka, registeredA, publish(kafka, registeredA));
            publish(kafka, new PartnerRegistered(b, "B", "220-81-62517", "cafe"));
            publish(kafka, new PartnerOffboarded(b, "op", "contract ended"));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/analytics/v1/network/summary")
                        .then()
                        .statusCode(200)
                        .body("partners", is(before + 2), "partnersByStatus.OFFBOARDED", is(1)));
    }

    @Test
    void onlyOperatorsSeeNetworkFigures() {
        given().get("/analytics/v1/network/summary").then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.partner("p"))
                .get("/analytics/v1/network/summary")
                .then()
                .statusCode(403);
    }

    private static int partners() {
        return given().auth()
                .oauth2(TestTokens.operator())
                .get("/analytics/v1/network/summary")
                .then()
                .statusCode(200)
                .extract()
                .path("partners");
    }
}
