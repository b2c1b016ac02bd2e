package io.pointmesh.ledger;

import io.pointmesh.events.EventCodec;
import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/** The ledger learns partners' lifecycle from partner.events, in order and once per event. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerDirectoryTest {

    @Inject
    EventCodec codec;

    @ConfigProperty(name = "pointmesh.kafka.topic-prefix")
    String prefix;

    @ConfigProperty(name = "pointmesh.kafka.bootstrap")
    String bootstrap;

    @Test
    void aSuspensionReachesTheLedgerAndAReplayedRegistrationDoesNotUndoIt() {
        String id = UUID.randomUUID().toString();
        String registered = codec.encode(codec.wrap(new PartnerRegistered(id, "Lotte Mart", "120-81-47521", "mart"), Instant.now()));
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", id, registered);
            kafka.send(prefix + "partner.events", id, codec.encode(codec.wrap(new PartnerActivated(id, "partner-" + id, "op", "contract signed"), Instant.now())));
            kafka.send(prefix + "partner.events", id, codec.encode(codec.wrap(new PartnerSuspended(id, "op", "unpaid settlement"), Instant.now())));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.operator())
                    .get("/ledger/v1/partners/" + id).then().statusCode(200).body("status", is("SUSPENDED")));

            // Kafka redelivers the registration (same event id): it must not bring the partner back.
            kafka.send(prefix + "partner.events", id, registered);
            String marker = UUID.randomUUID().toString();
            kafka.send(prefix + "partner.events", id, codec.encode(codec.wrap(new PartnerRegistered(marker, "Marker", "120-81-47521", "mart"), Instant.now())));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.operator())
                    .get("/ledger/v1/partners/" + marker).then().statusCode(200));
        }
        given().auth().oauth2(TestTokens.operator()).get("/ledger/v1/partners/" + id)
                .then().statusCode(200).body("status", is("SUSPENDED"), "legalName", is("Lotte Mart"));
    }

    @Test
    void aPartnerSeesOnlyItselfAndUnknownPartnersAreNotFound() {
        given().get("/ledger/v1/partners/x").then().statusCode(401);
        given().auth().oauth2(TestTokens.member("m")).get("/ledger/v1/partners/x").then().statusCode(403);
        given().auth().oauth2(TestTokens.partner("a")).get("/ledger/v1/partners/b").then().statusCode(403);
        given().auth().oauth2(TestTokens.partner("a")).get("/ledger/v1/partners/a")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not-found"));
    }
}
