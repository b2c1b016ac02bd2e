package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.platform.outbox.OutboxBacklog;
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
 * next instance publishes it, once, however often it runs. Meanwhile the outbox's backlog shows it,
 * and the business metrics count it only once it is published.
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

    @Inject
    OutboxBacklog backlog;

    @Test
    void anEarningCommittedBeforeACrashIsPublishedOnceByTheNextRelay() throws Exception {
        // the fixture's events come from the test's own producer, so the directory fills as usual
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        double earnedBefore = metric("pointmesh_points_total", "movement=\"earned\"", "partner_category=\"mart\"");
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
            backlog.refreshNow().await().atMost(Duration.ofSeconds(10));
            assertTrue(metric("pointmesh_outbox_backlog") >= 1, "the waiting event is in the backlog");
            assertTrue(metric("pointmesh_outbox_oldest_age_seconds") >= 0);
            assertEquals(
                    earnedBefore,
                    metric("pointmesh_points_total", "movement=\"earned\"", "partner_category=\"mart\""),
                    "points are counted once announced, not before");
            // the restarted instance's relay runs, and runs again
            relay.drain().await().atMost(Duration.ofSeconds(30));
            relay.drain().await().atMost(Duration.ofSeconds(30));
            assertEquals(
                    1, kafka.count(topic("ledger.events"), r -> r.value().contains(earningId), Duration.ofSeconds(5)));
        }
        // counted once, by the partner's category; never by member
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(
                        earnedBefore + 100,
                        metric("pointmesh_points_total", "movement=\"earned\"", "partner_category=\"mart\"")));
        backlog.refreshNow().await().atMost(Duration.ofSeconds(10));
        assertEquals(0, metric("pointmesh_outbox_backlog"), "nothing waits once the relay ran");
        assertEquals(0, metric("pointmesh_outbox_oldest_age_seconds"));
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertFalse(scrape.contains(member), "no member id in any metric");
        assertFalse(scrape.contains(partner), "no partner id either: categories only");
    }

    /** The value of the first series of a metric whose labels include all of these (0 when there is none yet). */
    static double metric(String name, String... labels) {
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
