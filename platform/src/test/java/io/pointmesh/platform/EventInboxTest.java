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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

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

    /**
     * A database away for longer than the retries of a bad event (a restart, a fail-over) is waited out: the
     * event is applied when it is back, not parked on the dead-letter topic, where it was lost until replayed.
     */
    @Test
    void aDatabaseAwayIsWaitedOutNotDeadLettered() {
        String json = event();
        AtomicInteger attempts = new AtomicInteger();
        int away = 4 * EventInbox.RETRIES;
        Outcome outcome = OnVertx.await(() -> inbox.consume(
                "inbox-test",
                json,
                e -> attempts.incrementAndGet() <= away
                        ? Uni.createFrom()
                                .failure(new RuntimeException(
                                        "could not write",
                                        new java.sql.SQLTransientConnectionException("the database is away", "08006")))
                        : Uni.createFrom().voidItem()));
        assertEquals(Outcome.APPLIED, outcome);
        assertEquals(away + 1, attempts.get());

        String jdbcJson = event();
        AtomicInteger jdbcAttempts = new AtomicInteger();
        assertEquals(Outcome.APPLIED, inbox.consumeWithJdbc("inbox-test", jdbcJson, (c, e) -> {
            if (jdbcAttempts.incrementAndGet() <= away) {
                throw new java.sql.SQLException("terminating connection due to administrator command", "57P01");
            }
        }));
        assertEquals(away + 1, jdbcAttempts.get());
        assertEquals(1L, claims(codec.decode(jdbcJson).orElseThrow().id()));
    }

    /**
     * A one-record JDBC channel whose instance stops (interrupted) while its record waits for the database neither
     * acknowledges nor nacks the record: the next instance gets it, instead of the dead-letter topic. Consumed, it is
     * acknowledged; failing for its own reason, nacked.
     */
    @Test
    void aJdbcRecordInterruptedWhileWaitingForTheDatabaseIsNeitherAckedNorNacked() throws Exception {
        String consumer = "inbox-stopping-" + UUID.randomUUID();
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger nacks = new AtomicInteger();
        String json = event();
        org.eclipse.microprofile.reactive.messaging.Message<String> record = record(json, acks, nacks);
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(3);
        CompletableFuture<java.util.concurrent.CompletionStage<Void>> answered = new CompletableFuture<>();
        Thread thread = new Thread(() -> answered.complete(inbox.consumeRecordWithJdbc(consumer, record, (c, e) -> {
            waiting.countDown();
            throw new java.sql.SQLException("the database system is shutting down", "57P03");
        })));
        thread.start();
        assertTrue(waiting.await(30, java.util.concurrent.TimeUnit.SECONDS), "waits for the database");
        thread.interrupt();
        answered.get(30, java.util.concurrent.TimeUnit.SECONDS)
                .toCompletableFuture()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, acks.get(), "not acknowledged: the next instance gets it");
        assertEquals(0, nacks.get(), "not nacked: not dead-lettered");
        assertEquals(0L, claims(codec.decode(json).orElseThrow().id()));

        // the records after it are not applied by this instance either: they would overtake it
        String next = event();
        inbox.consumeRecordWithJdbc(consumer, record(next, acks, nacks), (c, e) -> {})
                .toCompletableFuture()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, acks.get());
        assertEquals(0L, claims(codec.decode(next).orElseThrow().id()));

        // the next instance applies them, in order
        assertEquals(Outcome.APPLIED, inbox.consumeWithJdbc(consumer, json, (c, e) -> {}));
        assertEquals(Outcome.APPLIED, inbox.consumeWithJdbc(consumer, next, (c, e) -> {}));

        // elsewhere: consumed, a record is acknowledged; failing for its own reason, nacked
        String other = "inbox-record-" + UUID.randomUUID();
        inbox.consumeRecordWithJdbc(other, record(event(), acks, nacks), (c, e) -> {})
                .toCompletableFuture()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, acks.get());
        inbox.consumeRecordWithJdbc(other, record(event(), acks, nacks), (c, e) -> {
                    throw new IllegalStateException("a bug");
                })
                .toCompletableFuture()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, nacks.get());
        assertEquals(1, acks.get());
    }

    private static org.eclipse.microprofile.reactive.messaging.Message<String> record(
            String json, AtomicInteger acks, AtomicInteger nacks) {
        return org.eclipse.microprofile.reactive.messaging.Message.of(
                json,
                () -> {
                    acks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    nacks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                });
    }

    /** A failure of the event's own is given up after a few quick retries, so a poll of them is nacked in time. */
    @Test
    void aFailureOfTheEventsOwnIsGivenUpAfterAFewRetries() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(
                IllegalArgumentException.class,
                () -> OnVertx.await(() -> inbox.consume("inbox-test", event(), e -> {
                    attempts.incrementAndGet();
                    return Uni.createFrom().failure(new IllegalArgumentException("a bug"));
                })));
        assertEquals(EventInbox.RETRIES + 1, attempts.get());

        AtomicInteger jdbcAttempts = new AtomicInteger();
        String json = event();
        assertThrows(
                IllegalStateException.class,
                () -> inbox.consumeWithJdbc("inbox-test", json, (c, e) -> {
                    jdbcAttempts.incrementAndGet();
                    throw new IllegalStateException("a bug");
                }));
        assertEquals(EventInbox.RETRIES + 1, jdbcAttempts.get());
        assertEquals(0L, claims(codec.decode(json).orElseThrow().id()), "nothing of a failed event is kept");
    }

    /** The classification, on real failures: a refused connection is the database away; a unique violation is not. */
    @Test
    void realFailuresAreClassified() {
        java.sql.SQLException refused = assertThrows(
                java.sql.SQLException.class,
                () -> java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "x", "x"));
        assertTrue(EventInbox.databaseAway(refused), refused.toString());

        String id = UUID.randomUUID().toString();
        String insert = "INSERT INTO processed_event (consumer, event_id, event_type) VALUES ('classify', $1, 't')";
        OnVertx.await(() -> pool.preparedQuery(insert).execute(Tuple.of(id)));
        Throwable duplicate = assertThrows(
                Throwable.class,
                () -> OnVertx.await(() -> pool.preparedQuery(insert).execute(Tuple.of(id))));
        assertFalse(EventInbox.databaseAway(duplicate), duplicate.toString());
        assertFalse(EventInbox.databaseAway(new IllegalArgumentException("a bug")));
        // a constraint whose message quotes data that reads like an outage is still the event's own
        assertFalse(EventInbox.databaseAway(new java.sql.SQLException(
                "duplicate key value violates unique constraint: Key (name)=(connection refused) already exists",
                "23505")));
        // the reactive client's refused connection has no SQLSTATE: its socket says it
        assertTrue(EventInbox.databaseAway(new RuntimeException(new java.net.ConnectException("Connection refused"))));
        // a host that does not answer, a demoted primary after a fail-over, the reactive pool's wait
        assertTrue(EventInbox.databaseAway(new RuntimeException(new java.net.NoRouteToHostException("no route"))));
        assertTrue(EventInbox.databaseAway(
                new java.sql.SQLException("cannot execute INSERT in a read-only transaction", "25006")));
        assertTrue(EventInbox.databaseAway(new RuntimeException(new io.vertx.core.VertxException("Timeout", true))));
        assertTrue(EventInbox.databaseAway(new io.vertx.core.VertxException(
                "Failed to read any response from the server, the underlying connection may have been lost "
                        + "unexpectedly.",
                true)));
        // another service down (an identity provider) is reported by its handler as its own failure
        assertFalse(EventInbox.databaseAway(new EventInbox.ExternalFailure("keycloak: connection refused")));
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

    /** The batch path: one transaction for the whole batch, each event applied once. */
    @Test
    void aBatchIsAppliedInOneTransactionEachEventOnce() {
        List<String> jsons = List.of(event(), event(), event());
        AtomicInteger commits = new AtomicInteger();

        List<Throwable> failures = consumeInOneBatch(jsons, commits);

        assertEquals(Arrays.asList(null, null, null), failures);
        assertEquals(1, commits.get());
        for (String json : jsons) {
            assertEquals(1L, batchEffects(json));
        }
        // one transaction wrote every claim and every effect
        assertEquals(1L, transactionsOf(jsons));

        // delivered again (a rebalance): nothing is applied twice, and the batch is not committed again
        failures = consumeInOneBatch(jsons, commits);
        assertEquals(Arrays.asList(null, null, null), failures);
        assertEquals(1, commits.get());
        for (String json : jsons) {
            assertEquals(1L, batchEffects(json));
        }
    }

    @Test
    void aBatchWithAnEventAlreadyAppliedOrTwiceAppliesEachOnce() {
        String old = event();
        String twice = event();
        String fresh = event();
        OnVertx.await(() -> alone(old));

        List<Throwable> failures = OnVertx.await(() -> inbox.consumeAll(
                "batch-test",
                List.of(twice, old, fresh, twice),
                null,
                () -> RecordingBatchConsumer::record,
                () -> {},
                this::alone));

        assertEquals(Arrays.asList(null, null, null, null), failures);
        assertEquals(1L, batchEffects(old));
        assertEquals(1L, batchEffects(twice));
        assertEquals(1L, batchEffects(fresh));
    }

    /**
     * A record that is not an event and an event whose effect fails: the batch is consumed record by
     * record, those two fail alone (for the dead-letter topic) and the others are applied once.
     */
    @Test
    void aBadRecordInABatchFailsAloneAndTheOthersAreApplied() {
        String before = event();
        String failing = codec.encode(codec.wrap(
                new PartnerRegistered(UUID.randomUUID().toString(), "fail", "220-81-62517", "retail"), Instant.now()));
        String after = event();
        AtomicInteger commits = new AtomicInteger();
        double fallbacksBefore = fallbacks("failed");

        List<Throwable> failures = OnVertx.await(() -> inbox.consumeAll(
                "batch-test",
                List.of(before, "this is not an event", failing, after),
                null,
                () -> RecordingBatchConsumer::record,
                commits::incrementAndGet,
                this::alone));

        assertNull(failures.get(0));
        assertInstanceOf(EventCodec.MalformedEventException.class, failures.get(1));
        assertNotNull(failures.get(2));
        assertNull(failures.get(3));
        assertEquals(0, commits.get(), "the batch's own commit never happened");
        assertEquals(1.0, fallbacks("failed") - fallbacksBefore, "the batch consumed record by record is counted");
        assertEquals(1L, batchEffects(before));
        assertEquals(1L, batchEffects(after));
        assertEquals(0L, claims(codec.decode(failing).orElseThrow().id(), "batch-test"));
    }

    /** The JDBC batch path: one transaction, each event once, a record that is not an event failing alone. */
    @Test
    void aJdbcBatchIsOneTransactionAndABadRecordFailsAlone() {
        String old = event();
        List<String> fresh = List.of(event(), event());
        assertEquals(
                Arrays.asList((Throwable) null),
                inbox.consumeAllWithJdbc("batch-test", List.of(old), null, this::recordWithJdbc));

        List<Throwable> failures =
                inbox.consumeAllWithJdbc("batch-test", List.of(fresh.get(0), fresh.get(1)), null, this::recordWithJdbc);
        assertEquals(Arrays.asList(null, null), failures);
        assertEquals(1L, transactionsOf(fresh), "one transaction wrote both claims and both effects");

        String third = event();
        failures = inbox.consumeAllWithJdbc(
                "batch-test", List.of(old, "this is not an event", third, fresh.get(0)), null, this::recordWithJdbc);
        assertNull(failures.get(0));
        assertInstanceOf(EventCodec.MalformedEventException.class, failures.get(1));
        assertNull(failures.get(2));
        assertNull(failures.get(3));
        for (String json : List.of(old, fresh.get(0), fresh.get(1), third)) {
            assertEquals(1L, batchEffects(json));
        }
    }

    private void recordWithJdbc(java.sql.Connection c, EventEnvelope<io.pointmesh.events.DomainEvent> event)
            throws java.sql.SQLException {
        if (event.data() instanceof PartnerRegistered registered) {
            try (var insert =
                    c.prepareStatement("INSERT INTO test_batch_effect (event_id, partner_id) VALUES (?, ?)")) {
                insert.setString(1, event.id());
                insert.setString(2, registered.partnerId());
                insert.executeUpdate();
            }
        }
    }

    /** Through the real broker, in batches: a poison record goes to the dead-letter topic alone. */
    @Test
    void throughKafkaInBatchesOnlyThePoisonRecordIsDeadLettered() {
        String key = UUID.randomUUID().toString();
        String first = event();
        String second = event();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", key, first);
            kafka.send(prefix + "partner.events", key, "this is not an event");
            kafka.send(prefix + "partner.events", key, second);
            kafka.send(prefix + "partner.events", key, first); // redelivered
            await().atMost(Duration.ofSeconds(30)).until(() -> batchEffects(second) == 1);
            kafka.await(prefix + "platform-batch.dead-letters", r -> key.equals(r.key()), Duration.ofSeconds(30));
            assertEquals(
                    1,
                    kafka.count(
                            prefix + "platform-batch.dead-letters", r -> key.equals(r.key()), Duration.ofSeconds(3)),
                    "only the record that is not an event is dead-lettered");
        }
        assertEquals(1L, batchEffects(first));
        // the batches were acknowledged: the group's committed offsets reach the end of every partition
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        new HashMap<>(admin.listConsumerGroupOffsets(RecordingBatchConsumer.GROUP)
                                .partitionsToOffsetAndMetadata()
                                .get());
                // this run's topic only (the group may remember topics of earlier runs on the same broker)
                committed.keySet().removeIf(tp -> !tp.topic().equals(prefix + "partner.events"));
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                committed.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
                var latest = admin.listOffsets(ends).all().get();
                return !committed.isEmpty()
                        && committed.entrySet().stream()
                                .allMatch(c -> c.getValue().offset()
                                        == latest.get(c.getKey()).offset());
            });
        }
    }

    /** The batch path as a channel would call it, counting its commits. */
    private List<Throwable> consumeInOneBatch(List<String> jsons, AtomicInteger commits) {
        return OnVertx.await(() -> inbox.consumeAll(
                "batch-test",
                jsons,
                null,
                () -> RecordingBatchConsumer::record,
                commits::incrementAndGet,
                this::alone));
    }

    /** The one-record path of the batch tests: consume alone, except an effect that always fails, which fails at once. */
    private Uni<Outcome> alone(String json) {
        if (json.contains("\"fail\"")) {
            return Uni.createFrom().failure(new IllegalStateException("this effect always fails"));
        }
        return inbox.consume("batch-test", json, RecordingBatchConsumer::record);
    }

    private double fallbacks(String reason) {
        var counter = registry.find("pointmesh.events.batch.fallbacks")
                .tag("consumer", "batch-test")
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private long batchEffects(String json) {
        String eventId = codec.decode(json).orElseThrow().id();
        return OnVertx.await(() -> pool.preparedQuery("SELECT count(*) FROM test_batch_effect WHERE event_id = $1")
                .execute(Tuple.of(eventId))
                .map(rows -> rows.iterator().next().getLong(0)));
    }

    /** How many transactions wrote these events' claims and effects (by the rows' xmin). */
    private long transactionsOf(List<String> jsons) {
        String[] ids =
                jsons.stream().map(j -> codec.decode(j).orElseThrow().id()).toArray(String[]::new);
        return OnVertx.await(() -> pool.preparedQuery("SELECT count(DISTINCT x) FROM ("
                        + "SELECT xmin::text AS x FROM processed_event WHERE consumer = 'batch-test' AND event_id = ANY($1) "
                        + "UNION ALL SELECT xmin::text FROM test_batch_effect WHERE event_id = ANY($1)) t")
                .execute(Tuple.of(ids))
                .map(rows -> rows.iterator().next().getLong(0)));
    }

    private long claims(String eventId, String consumer) {
        return OnVertx.await(
                () -> pool.preparedQuery("SELECT count(*) FROM processed_event WHERE event_id = $1 AND consumer = $2")
                        .execute(Tuple.of(eventId, consumer))
                        .map(rows -> rows.iterator().next().getLong(0)));
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
