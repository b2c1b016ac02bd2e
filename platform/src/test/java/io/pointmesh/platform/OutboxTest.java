package io.pointmesh.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventCodec;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.outbox.OutboxRelay;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.OnVertx;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class OutboxTest {

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    EventCodec codec;

    @Inject
    Pool pool;

    @ConfigProperty(name = "pointmesh.kafka.topic-prefix")
    String prefix;

    @ConfigProperty(name = "pointmesh.kafka.bootstrap")
    String bootstrap;

    KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(bootstrap);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void aCommittedEventIsPublishedOnceAsACloudEventKeyedByItsAggregate() {
        String partnerId = UUID.randomUUID().toString();
        EventEnvelope<DomainEvent> written = OnVertx.await(() -> Panache.withTransaction(
                () -> outbox.publish(new PartnerRegistered(partnerId, "Acme", "220-81-62517", "retail"))));

        ConsumerRecord<String, String> record =
                kafka.await(prefix + "partner.events", r -> partnerId.equals(r.key()), Duration.ofSeconds(20));
        EventEnvelope<DomainEvent> read = codec.decode(record.value()).orElseThrow();
        assertEquals(written.id(), read.id());
        assertEquals("partner.registered", read.type());
        assertEquals(partnerId, read.subject());
        assertEquals(new PartnerRegistered(partnerId, "Acme", "220-81-62517", "retail"), read.data());
        assertEquals(
                "application/cloudevents+json",
                new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(10)).until(() -> publishedAt(written.id()) != null);
        assertEquals(
                1,
                kafka.count(prefix + "partner.events", r -> r.value().contains(written.id()), Duration.ofSeconds(3)));
    }

    @Test
    void aRolledBackTransactionLeavesNoEvent() {
        String partnerId = UUID.randomUUID().toString();
        assertThrows(
                IllegalStateException.class,
                () -> OnVertx.await(() -> Panache.withTransaction(() -> outbox.publish(
                                new PartnerRegistered(partnerId, "Rolled", "220-81-62517", "retail"))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("the state change failed"))))));

        OnVertx.await(() -> relay.drain());
        long rows = OnVertx.await(() -> pool.preparedQuery("SELECT count(*) FROM outbox_event WHERE event_key = $1")
                .execute(Tuple.of(partnerId))
                .map(r -> r.iterator().next().getLong(0)));
        assertEquals(0L, rows);
        assertEquals(0, kafka.count(prefix + "partner.events", r -> partnerId.equals(r.key()), Duration.ofSeconds(2)));
    }

    @Test
    void publishingOutsideATransactionIsRefused() {
        Exception e = assertThrows(
                IllegalStateException.class,
                () -> OnVertx.await(() -> Panache.withSession(
                        () -> outbox.publish(new PartnerRegistered("p", "x", "220-81-62517", "retail")))));
        assertTrue(e.getMessage().contains("inside a transaction"), e.getMessage());
    }

    /** The process died after its commit and before any send: the next relay publishes the event. */
    @Test
    void anEventCommittedByACrashedInstanceIsStillPublished() {
        String partnerId = UUID.randomUUID().toString();
        EventEnvelope<PartnerRegistered> orphan =
                codec.wrap(new PartnerRegistered(partnerId, "Orphan", "220-81-62517", "retail"), Instant.now());
        OnVertx.await(
                () -> pool.preparedQuery("INSERT INTO outbox_event (event_id, topic, event_key, event_type, payload) "
                                + "VALUES ($1, 'partner.events', $2, 'partner.registered', $3)")
                        .execute(Tuple.of(UUID.fromString(orphan.id()), partnerId, codec.encode(orphan))));

        ConsumerRecord<String, String> record =
                kafka.await(prefix + "partner.events", r -> partnerId.equals(r.key()), Duration.ofSeconds(20));
        assertEquals(orphan.id(), codec.decode(record.value()).orElseThrow().id());
    }

    @Test
    void oneAggregatesEventsArePublishedInCommitOrder() {
        String partnerId = UUID.randomUUID().toString();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int n = i;
            written.add(OnVertx.await(() -> Panache.withTransaction(() ->
                            outbox.publish(new PartnerRegistered(partnerId, "Name " + n, "220-81-62517", "retail"))))
                    .id());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> publishedAt(written.get(29)) != null);
        List<String> read =
                kafka.readAll(prefix + "partner.events", r -> partnerId.equals(r.key()), Duration.ofSeconds(3)).stream()
                        .map(r -> codec.decode(r.value()).orElseThrow().id())
                        .toList();
        assertEquals(written, read);
    }

    /**
     * The hourly purge deletes published rows past the retention (168 hours here) in bounded batches, from the oldest,
     * and stops at the first row it must keep: an unpublished one (whatever its age) or one published within the
     * retention. One instance at a time: while another holds the purge lock, a purge deletes nothing.
     */
    @Test
    void thePurgeDeletesOldPublishedRowsInBatchesKeepsTheRestAndRunsOnOneInstanceAtATime() {
        String key = "purge-" + UUID.randomUUID();
        SqlConnection other = OnVertx.await(() -> pool.getConnection());
        try {
            // the relay is kept away (another instance holds it), so the unpublished row stays unpublished
            OnVertx.await(
                    () -> other.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(OutboxRelay.RELAY_LOCK)));
            // the outbox's oldest rows, below every row of this run: in seq order 25 published 200 hours ago, one
            // written 200 hours ago and never published, 2 published 200 hours ago, one published an hour ago, 3
            // more published 200 hours ago
            OnVertx.await(() -> pool.preparedQuery(
                            "INSERT INTO outbox_event (seq, event_id, topic, event_key, event_type, payload, created_at, "
                                    + "published_at) SELECT b.base + i, gen_random_uuid(), 'partner.events', $1, "
                                    + "'test.purge', '{}', now() - interval '200 hours', CASE WHEN i = 25 THEN NULL "
                                    + "WHEN i = 28 THEN now() - interval '1 hour' ELSE now() - interval '200 hours' END "
                                    + "FROM (SELECT coalesce(min(seq), 1) - 1000 AS base FROM outbox_event) b, "
                                    + "generate_series(0, 31) i")
                    .execute(Tuple.of(key)));
            assertEquals(32L, outboxRows(key, "true"));

            // another instance is purging: this one stops at once
            OnVertx.await(
                    () -> other.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(OutboxRelay.PURGE_LOCK)));
            assertEquals(new OutboxRelay.Purged(0, 0), OnVertx.await(() -> relay.purge(10)));
            assertEquals(32L, outboxRows(key, "true"));
            OnVertx.await(() ->
                    other.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(OutboxRelay.PURGE_LOCK)));

            // 25 rows, at most 10 a transaction: three batches; the unpublished row stops it, and all after it stay
            assertEquals(new OutboxRelay.Purged(25, 3), OnVertx.await(() -> relay.purge(10)));
            assertEquals(7L, outboxRows(key, "true"));
            assertEquals(1L, outboxRows(key, "published_at IS NULL"));

            // once that row is published (long ago) it goes as well, and the 2 after it; the row published an hour ago
            // stops the purge
            OnVertx.await(
                    () -> pool.preparedQuery("UPDATE outbox_event SET published_at = now() - interval '200 hours' "
                                    + "WHERE event_key = $1 AND published_at IS NULL")
                            .execute(Tuple.of(key)));
            assertEquals(new OutboxRelay.Purged(3, 1), OnVertx.await(() -> relay.purge(10)));
            assertEquals(4L, outboxRows(key, "true"));
            assertEquals(1L, outboxRows(key, "published_at > now() - interval '2 hours'"));
        } finally {
            OnVertx.await(() -> pool.preparedQuery("DELETE FROM outbox_event WHERE event_key = $1")
                    .execute(Tuple.of(key)));
            OnVertx.await(() -> other.query("SELECT pg_advisory_unlock_all()").execute());
            OnVertx.await(() -> other.close());
        }
    }

    private long outboxRows(String key, String condition) {
        return OnVertx.await(
                () -> pool.preparedQuery("SELECT count(*) FROM outbox_event WHERE event_key = $1 AND " + condition)
                        .execute(Tuple.of(key))
                        .map(r -> r.iterator().next().getLong(0)));
    }

    private Instant publishedAt(String eventId) {
        return OnVertx.await(() -> pool.preparedQuery("SELECT published_at FROM outbox_event WHERE event_id = $1")
                .execute(Tuple.of(UUID.fromString(eventId)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0))
                .map(t -> t == null ? null : t.toInstant()));
    }
}
