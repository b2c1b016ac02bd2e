package io.pointmesh.ledger;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.publishAt;
import static io.pointmesh.testing.TestEvents.redeliver;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ledger learns partners' lifecycle from partner.events, in order and once per event. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerDirectoryTest {

    @Test
    void aSuspensionReachesTheLedgerAndAReplayedRegistrationDoesNotUndoIt() {
        String id = UUID.randomUUID().toString();
        PartnerRegistered registration = new PartnerRegistered(id, "Lotte Mart", "120-81-47521", "mart");
        try (KafkaTestClient kafka = kafka()) {
            String registered = publish(kafka, registration);
            publish(kafka, new PartnerActivated(id, "partner-" + id, "op", "contract signed"));
            publish(kafka, new PartnerSuspended(id, "op", "unpaid settlement"));
            awaitStatus(id, "SUSPENDED");

            // Kafka redelivers the registration (same event id): it must not bring the partner back.
            redeliver(kafka, registration, registered);
            String marker = UUID.randomUUID().toString();
            publish(kafka, new PartnerRegistered(marker, "Marker", "120-81-47521", "mart"));
            awaitStatus(marker, null);
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + id)
                .then()
                .statusCode(200)
                .body("status", is("SUSPENDED"), "legalName", is("Lotte Mart"));
    }

    /**
     * An event that arrives late (an operator replaying a dead letter after later events of the partner were applied)
     * does not undo what happened since: an old reinstatement does not let a partner suspended since earn again.
     */
    @Test
    void aLateReinstatementDoesNotUndoALaterSuspension() {
        String id = UUID.randomUUID().toString();
        java.time.Instant start = java.time.Instant.now().minusSeconds(60);
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, new PartnerRegistered(id, "Late Mart", "120-81-47521", "mart"), start);
            publishAt(kafka, new PartnerActivated(id, "partner-" + id, "op", "go"), start.plusSeconds(1));
            publishAt(kafka, new PartnerSuspended(id, "op", "fraud"), start.plusSeconds(30));
            awaitStatus(id, "SUSPENDED");
            // a reinstatement from before the suspension, arriving now
            publishAt(kafka, new PartnerReinstated(id, "op", "paid"), start.plusSeconds(20));
            String marker = UUID.randomUUID().toString();
            publish(kafka, new PartnerRegistered(marker, "Marker", "120-81-47521", "mart"));
            awaitStatus(marker, null);
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + id)
                .then()
                .statusCode(200)
                .body("status", is("SUSPENDED"));
    }

    @Test
    void aPartnerSeesOnlyItselfAndUnknownPartnersAreNotFound() {
        given().get("/ledger/v1/partners/x").then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.member("m"))
                .get("/ledger/v1/partners/x")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner("a"))
                .get("/ledger/v1/partners/b")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner("a"))
                .get("/ledger/v1/partners/a")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", is("not-found"));
    }

    /** Waits until the ledger knows the partner, with {@code status} when one is given. */
    private static void awaitStatus(String partnerId, String status) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/ledger/v1/partners/" + partnerId)
                        .then()
                        .statusCode(200)
                        .body("status", status == null ? org.hamcrest.Matchers.notNullValue() : is(status)));
    }
}
