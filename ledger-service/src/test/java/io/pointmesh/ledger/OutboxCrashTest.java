package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.platform.outbox.OutboxRelay;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service "dies" between the database commit and the Kafka send: this instance's relay never
 * runs (as if killed right after the commit). The event waits in the outbox; the relay of the
 * next instance publishes it, once, however often it runs.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
@TestProfile(OutboxCrashTest.RelayDown.class)
class OutboxCrashTest {

    public static class RelayDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pointmesh.outbox.relay-enabled", "false");
        }
    }

    @Inject
    OutboxRelay relay;

    @Test
    void anEarningCommittedBeforeACrashIsPublishedOnceByTheNextRelay() throws Exception {
        // the fixture's events come from the test's own producer, so the directory fills as usual
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String earningId = earn(partner, member, "10000")
                .statusCode(201)
                .body("points", is(100))
                .extract()
                .path("earningId");
        try (KafkaTestClient kafka = kafka()) {
            assertEquals(
                    0,
                    kafka.count(topic("ledger.events"), r -> r.value().contains(earningId), Duration.ofSeconds(3)),
                    "nothing is sent while the relay is down");
            assertEquals(
                    List.of("1"),
                    LedgerScenariosTest.rows("SELECT count(*) FROM outbox_event WHERE published_at IS NULL "
                            + "AND payload LIKE '%" + earningId + "%'"));
            // the restarted instance's relay runs, and runs again
            relay.drain().await().atMost(Duration.ofSeconds(30));
            relay.drain().await().atMost(Duration.ofSeconds(30));
            assertEquals(
                    1, kafka.count(topic("ledger.events"), r -> r.value().contains(earningId), Duration.ofSeconds(5)));
        }
    }
}
