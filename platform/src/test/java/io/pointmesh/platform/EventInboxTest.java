package io.pointmesh.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.pointmesh.events.EventCodec;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.EventInbox.Outcome;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.OnVertx;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class EventInboxTest {

    @Inject
    EventInbox inbox;

    @Inject
    EventCodec codec;

    @Inject
    Pool pool;

    @ConfigProperty(name = "pointmesh.kafka.topic-prefix")
    String prefix;

    @ConfigProperty(name = "pointmesh.kafka.bootstrap")
    String bootstrap;

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        String json = event();
        AtomicInteger applied = new AtomicInteger();

        assertEquals(Outcome.APPLIED, OnVertx.await(() -> inbox.consume("inbox-test", json, e -> count(applied))));
        assertEquals(Outcome.DUPLICATE, OnVertx.await(() -> inbox.consume("inbox-test", json, e -> count(applied))));
        assertEquals(1, applied.get());
        // another consumer of the same event applies it for itself
        assertEquals(
                Outcome.APPLIED, OnVertx.await(() -> inbox.consume("another-consumer", json, e -> count(applied))));
    }

    @Test
    void aFailedEffectRollsBackItsClaimSoTheRetryAppliesIt() {
        String json = event();
        AtomicInteger attempts = new AtomicInteger();

        Outcome outcome = OnVertx.await(() -> inbox.consume(
                "inbox-test",
                json,
                e -> attempts.incrementAndGet() == 1
                        ? Uni.createFrom().failure(new IllegalStateException("database went away"))
                        : Uni.createFrom().voidItem()));

        assertEquals(Outcome.APPLIED, outcome, "had the claim survived the failure, the retry would be a duplicate");
        assertEquals(2, attempts.get());
        assertEquals(1L, claims(codec.decode(json).orElseThrow().id()));
    }

    @Test
    void concurrentDeliveriesOfOneEventApplyItOnce() throws Exception {
        String json = event();
        AtomicInteger applied = new AtomicInteger();
        List<CompletableFuture<Outcome>> deliveries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            deliveries.add(CompletableFuture.supplyAsync(
                    () -> OnVertx.await(() -> inbox.consume("inbox-test", json, e -> count(applied)))));
        }
        long appliedOutcomes = 0;
        for (CompletableFuture<Outcome> d : deliveries) {
            if (d.get() == Outcome.APPLIED) {
                appliedOutcomes++;
            }
        }
        assertEquals(1, appliedOutcomes);
        assertEquals(1, applied.get());
    }

    @Test
    void anEventTypeFromTheFutureIsSkipped() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"type\":\"partner.teleported\",\"data\":{}}";
        AtomicInteger applied = new AtomicInteger();
        assertEquals(Outcome.SKIPPED, OnVertx.await(() -> inbox.consume("inbox-test", json, e -> count(applied))));
        assertEquals(0, applied.get());
    }

    /** Through the real broker: the same record delivered twice has one effect. */
    @Test
    void throughKafkaTheSameRecordTwiceHasOneEffect() {
        String partnerId = UUID.randomUUID().toString();
        EventEnvelope<PartnerRegistered> event =
                codec.wrap(new PartnerRegistered(partnerId, "Twice", "220-81-62517", "retail"), Instant.now());
        String json = codec.encode(event);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", partnerId, json);
            kafka.send(prefix + "partner.events", partnerId, json);
            // a later, different event on the same partition proves both copies were consumed
            String marker = UUID.randomUUID().toString();
            kafka.send(
                    prefix + "partner.events",
                    partnerId,
                    codec.encode(codec.wrap(
                            new PartnerRegistered(marker, "Marker", "220-81-62517", "retail"), Instant.now())));
            await().atMost(Duration.ofSeconds(30)).until(() -> effects(marker) == 1);
        }
        assertEquals(1, effects(partnerId));
    }

    @Test
    void aRecordThatIsNotAnEventGoesToTheDeadLetterTopic() {
        String key = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", key, "this is not an event");
            kafka.await(prefix + "platform-service.dead-letters", r -> key.equals(r.key()), Duration.ofSeconds(30));
        }
    }

    private static Uni<Void> count(AtomicInteger counter) {
        counter.incrementAndGet();
        return Uni.createFrom().voidItem();
    }

    private String event() {
        return codec.encode(codec.wrap(
                new PartnerRegistered(UUID.randomUUID().toString(), "A", "220-81-62517", "retail"), Instant.now()));
    }

    private long claims(String eventId) {
        return OnVertx.await(() -> pool.preparedQuery("SELECT count(*) FROM processed_event WHERE event_id = $1")
                .execute(Tuple.of(eventId))
                .map(rows -> rows.iterator().next().getLong(0)));
    }

    private long effects(String partnerId) {
        return OnVertx.await(() -> pool.preparedQuery("SELECT count(*) FROM test_effect WHERE partner_id = $1")
                .execute(Tuple.of(partnerId))
                .map(rows -> rows.iterator().next().getLong(0)));
    }
}
