package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * One event travels partner-service's outbox -> Kafka -> analytics-service's idempotent
 * consumer; delivered a second time, it is not applied again.
 */
class EventFlowE2ETest {

    static final String CONSUMER = "analytics.partner-dimension";

    @Test
    void aPartnerRegistrationReachesAnalyticsOnceEvenWhenDeliveredTwice() {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        int partnersBefore = partners(stack, operator);
        double appliedBefore = consumed(stack, "applied");
        double duplicatesBefore = consumed(stack, "duplicate");

        String partnerId = Partners.register(stack, operator);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertEquals(partnersBefore + 1, partners(stack, operator)));
        assertEquals(appliedBefore + 1, consumed(stack, "applied"));

        try (KafkaTestClient kafka = new KafkaTestClient(LocalInfra.kafkaBootstrap())) {
            ConsumerRecord<String, String> published =
                    kafka.await("partner.events", r -> partnerId.equals(r.key()), Duration.ofSeconds(20));
            kafka.send("partner.events", published.key(), published.value()); // Kafka delivers it again
        }

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertEquals(duplicatesBefore + 1, consumed(stack, "duplicate")));
        assertEquals(appliedBefore + 1, consumed(stack, "applied"));
        assertEquals(partnersBefore + 1, partners(stack, operator));
        given().auth()
                .oauth2(operator)
                .get(stack.url("ledger") + "/ledger/v1/partners/" + partnerId)
                .then()
                .statusCode(200)
                .body("partnerId", is(partnerId));
    }

    private static int partners(LocalStack stack, String token) {
        return given().auth()
                .oauth2(token)
                .get(stack.url("analytics") + "/analytics/v1/network/summary")
                .then()
                .statusCode(200)
                .extract()
                .path("partners");
    }

    /** analytics' pointmesh_events_consumed_total for partner.registered and one outcome. */
    private static double consumed(LocalStack stack, String outcome) {
        String metrics = given().get(stack.url("analytics") + "/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return metrics.lines()
                .filter(l -> l.startsWith("pointmesh_events_consumed_total{")
                        && l.contains("consumer=\"" + CONSUMER + "\"")
                        && l.contains("outcome=\"" + outcome + "\"")
                        && l.contains("type=\"partner.registered\""))
                // "name{labels} value [# exemplar]": the value is the first token after the labels
                .mapToDouble(l -> Double.parseDouble(
                        l.substring(l.indexOf("} ") + 2).trim().split("\\s+")[0]))
                .sum();
    }
}
