package io.pointmesh.platform.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventCodec;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The idempotent consumer: applies each event at most once per consumer, whatever Kafka
 * redelivers.
 *
 * <p>Invariant: a row in {@code processed_event} exists if and only if the event's effect
 * committed, or an operator discarded its dead letter (event type {@link #DISCARDED}: the event is
 * then never applied). The row is inserted first, in the same transaction as the effect: a duplicate
 * finds the row and does nothing; a failure rolls back both, so the redelivery applies it then.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);
    /**
     * An effect that fails for a reason of its own (a constraint, a bug) is retried this many times
     * (0.2 + 0.4 + 0.8 s), then the channel's failure strategy parks the record on the service's
     * dead-letter topic. Few and short, so that a poll of such records is nacked well within the
     * connector's unprocessed-record max-age (5 minutes): else the consumer is restarted before any
     * nack and meets the same records again, in a loop.
     */
    public static final int RETRIES = 3;

    static final String CLAIM = "INSERT INTO processed_event (consumer, event_id, event_type) ";

    /** The event type of an inbox row that an operator's discard wrote (DeadLetters, D4), not an effect. */
    static final String DISCARDED = "pointmesh.discarded";

    /** Whether a failure is this thread being interrupted (its instance stopping), wherever the client wrapped it. */
    static boolean interrupted(Throwable failure) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof InterruptedException || t instanceof Stopping) {
                return true;
            }
        }
        return false;
    }

    // An effect that failed because the database is away (a restart, a fail-over, no connection to be had) is
    // retried without end, the wait doubling up to retry-max: a dead letter is an event lost until someone replays
    // it, and the outage is no fault of the event. The partition waits; past the connector's max-age the consumer is
    // reported unhealthy, restarted, and finds the records where they were.
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "pointmesh.events.retry-first",
            defaultValue = "PT0.2S")
    Duration retryFirst;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "pointmesh.events.retry-max", defaultValue = "PT15S")
    Duration retryMax;

    @Inject
    EventCodec codec;

    @Inject
    MeterRegistry registry;

    // Resolved on first use: only services whose consumers write with JDBC need it.
    @Inject
    jakarta.enterprise.inject.Instance<Transactions> transactions;

    /** What became of one delivered record. */
    public enum Outcome {
        APPLIED,
        DUPLICATE,
        SKIPPED
    }

    /**
     * Decodes the record and, unless this consumer already applied it, runs the handler inside a
     * Hibernate Reactive (Panache) transaction together with the claim.
     *
     * @throws EventCodec.MalformedEventException (as a failed Uni) for a record that is not an
     *         event at all; the channel's failure strategy (a dead-letter topic) takes it
     */
    public Uni<Outcome> consume(String consumer, String json, Function<EventEnvelope<DomainEvent>, Uni<Void>> handler) {
        return decode(consumer, json)
                .map(event -> Panache.withTransaction(() -> Panache.getSession()
                                .chain(session -> session.createNativeQuery(
                                                CLAIM + "VALUES (:consumer, :id, :type) ON CONFLICT DO NOTHING")
                                        .setParameter("consumer", consumer)
                                        .setParameter("id", event.id())
                                        .setParameter("type", event.type())
                                        .executeUpdate())
                                .chain(claimed -> claimed == 0
                                        ? Uni.createFrom().item(Outcome.DUPLICATE)
                                        : handler.apply(event).replaceWith(Outcome.APPLIED)))
                        .onFailure(EventInbox::databaseAway)
                        .invoke(e -> LOG.warnf(
                                "%s waits for the database to apply %s %s: %s",
                                consumer, event.type(), event.id(), e.toString()))
                        .onFailure(EventInbox::databaseAway)
                        .retry()
                        .withBackOff(retryFirst, retryMax)
                        .atMost(Long.MAX_VALUE)
                        .onFailure()
                        .retry()
                        .withBackOff(retryFirst, retryFirst.multipliedBy(4))
                        .atMost(RETRIES)
                        .invoke(outcome -> count(consumer, event.type(), outcome)))
                .orElseGet(() -> Uni.createFrom().item(Outcome.SKIPPED));
    }

    /**
     * A poll's worth of records of one channel ({@code batch=true}), applied in one transaction: one
     * multi-row claim, then each event's handler in record order, one commit. Per event this is
     * exactly {@link #consume}: the claim and the effect commit together or not at all, a redelivered
     * event (even twice in one batch) is applied once, and one partition's records keep their order.
     * What batching saves is a transaction, a claim statement and a Kafka
     * acknowledgement per event (docs/benchmarks.md, "Consumers in batches").
     *
     * <p>When anything in the batch fails (a record that is not an event, a handler's error, the
     * database), nothing of the batch is kept and every record is consumed again alone, in order,
     * through {@code alone} (the channel's one-record path, with its retries): a record that still
     * fails is nacked on its own, so the channel's failure strategy (the dead-letter topic) takes that
     * record only, and the others are acknowledged.
     *
     * @param attempt a fresh handler for each attempt of the batch (what it collects for after the
     *     commit starts empty again when the batch is retried alone)
     * @param afterCommit what to do once the batch committed (e.g. push what the handler collected)
     * @param alone how one record is consumed on its own
     */
    public Uni<Void> consumeBatch(
            String consumer,
            KafkaRecordBatch<String, String> batch,
            Supplier<Function<EventEnvelope<DomainEvent>, Uni<Void>>> attempt,
            Runnable afterCommit,
            Function<String, Uni<?>> alone) {
        List<KafkaRecord<String, String>> records = batch.getRecords();
        List<String> jsons = records.stream().map(KafkaRecord::getPayload).toList();
        return consumeAll(consumer, jsons, traces(records), attempt, afterCommit, alone)
                .chain(failures -> acknowledge(batch, failures));
    }

    /** Each record's trace (the connector's consumer span): an event's effects continue it, as a lone record's do. */
    private static List<Context> traces(List<KafkaRecord<String, String>> records) {
        List<Context> traces = new ArrayList<>(records.size());
        records.forEach(r -> traces.add(TracingMetadata.fromMessage(r)
                .map(TracingMetadata::getCurrentContext)
                .orElse(null)));
        return traces;
    }

    /** Makes record {@code index}'s trace current, if it has one; close the scope to leave it. */
    private static Scope enterTrace(List<Context> traces, int index) {
        Context trace = traces == null ? null : traces.get(index);
        return trace == null ? Scope.noop() : trace.makeCurrent();
    }

    /** Runs work with the record's trace current (the trace lives in the Vert.x context until the work ends). */
    private static <T> Uni<T> inTrace(List<Context> traces, int index, Supplier<Uni<T>> work) {
        Scope scope = enterTrace(traces, index);
        try {
            return work.get().onTermination().invoke(scope::close);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /**
     * Acknowledges a consumed batch. In batch mode the connector's commit strategy tracks only each
     * partition's latest record, so acknowledging every record would pile up offsets it never
     * releases: each record that failed alone is nacked first (the dead-letter handler acknowledges
     * what it wrote), then each partition's latest record once. When a nack fails (the dead-letter
     * topic is unreachable), that partition is not acknowledged at all: its offset stays, the
     * connector's max-age check marks the consumer unhealthy, and the restarted consumer gets the
     * records again (the applied ones are duplicates, the failed one is tried again). Never fails:
     * a failed Uni would end the channel's subscription.
     */
    private static Uni<Void> acknowledge(KafkaRecordBatch<String, String> batch, List<Throwable> failures) {
        List<KafkaRecord<String, String>> records = batch.getRecords();
        Set<KafkaRecord<String, String>> nacked = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<TopicPartition> kept = ConcurrentHashMap.newKeySet();
        Uni<Void> done = Uni.createFrom().voidItem();
        for (int i = 0; i < records.size(); i++) {
            KafkaRecord<String, String> record = records.get(i);
            Throwable failure = failures.get(i);
            if (failure instanceof Stopping) {
                // not applied because this instance stops: neither acknowledged nor dead-lettered
                kept.add(new TopicPartition(record.getTopic(), record.getPartition()));
                continue;
            }
            if (failure != null) {
                done = done.chain(() -> Uni.createFrom()
                        .completionStage(() -> record.nack(failure))
                        .invoke(() -> nacked.add(record))
                        .onFailure()
                        .invoke(e -> {
                            LOG.errorf(
                                    "a record of %s-%d could not be dead-lettered (%s); its partition is not committed",
                                    record.getTopic(), record.getPartition(), e.toString());
                            kept.add(new TopicPartition(record.getTopic(), record.getPartition()));
                        })
                        .onFailure()
                        .recoverWithNull()
                        .replaceWithVoid());
            }
        }
        return done.chain(() -> {
            Uni<Void> acked = Uni.createFrom().voidItem();
            for (Map.Entry<TopicPartition, KafkaRecord<String, String>> latest :
                    batch.getLatestOffsetRecords().entrySet()) {
                if (kept.contains(latest.getKey()) || nacked.contains(latest.getValue())) {
                    continue;
                }
                acked = acked.chain(() -> Uni.createFrom()
                        .completionStage(() -> latest.getValue().ack())
                        .onFailure()
                        .invoke(e -> LOG.warnf("acknowledging %s failed: %s", latest.getKey(), e.toString()))
                        .onFailure()
                        .recoverWithNull()
                        .replaceWithVoid());
            }
            return acked;
        });
    }

    /**
     * {@link #consumeBatch} for handlers that write with JDBC: the batch's transaction on a worker
     * thread (the channel's next batch waits for this one, so one partition's order holds); when it
     * fails, each record alone through {@link #consumeWithJdbc}, with its retries.
     */
    public Uni<Void> consumeBatchWithJdbc(
            String consumer, KafkaRecordBatch<String, String> batch, JdbcHandler handler) {
        List<KafkaRecord<String, String>> records = batch.getRecords();
        List<String> jsons = records.stream().map(KafkaRecord::getPayload).toList();
        return Uni.createFrom()
                .item(() -> consumeAllWithJdbc(consumer, jsons, traces(records), handler))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(failures -> acknowledge(batch, failures));
    }

    /** The batch path of {@link #consumeBatchWithJdbc} without Kafka; per record, null or the failure it had alone. */
    public List<Throwable> consumeAllWithJdbc(
            String consumer, List<String> jsons, List<Context> traces, JdbcHandler handler) {
        Throwable[] failures = new Throwable[jsons.size()];
        if (jsons.isEmpty()) {
            return Arrays.asList(failures);
        }
        try {
            List<Integer> skipped = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            List<EventEnvelope<DomainEvent>> events = decodeAll(jsons, skipped, indexes);
            transactions.get().run(conn -> {
                if (!events.isEmpty()) {
                    try (PreparedStatement claim = conn.prepareStatement(CLAIM + "VALUES "
                            + String.join(", ", Collections.nCopies(events.size(), "(?, ?, ?)"))
                            + " ON CONFLICT DO NOTHING")) {
                        int p = 1;
                        for (EventEnvelope<DomainEvent> e : events) {
                            claim.setString(p++, consumer);
                            claim.setString(p++, e.id());
                            claim.setString(p++, e.type());
                        }
                        if (claim.executeUpdate() != events.size()) {
                            throw new AlreadyApplied();
                        }
                    }
                }
                for (int i = 0; i < events.size(); i++) {
                    try (Scope scope = enterTrace(traces, indexes.get(i))) {
                        handler.apply(conn, events.get(i));
                    }
                }
                return null;
            });
            committed(consumer, events, skipped, () -> {});
        } catch (RuntimeException | Error batchFailed) {
            fellBack(consumer, jsons.size(), batchFailed);
            for (int i = 0; i < jsons.size(); i++) {
                try (Scope scope = enterTrace(traces, i)) {
                    consumeWithJdbc(consumer, jsons.get(i), handler);
                } catch (Stopping stopping) {
                    // this instance stops: nothing after this record is applied before it, all wait for the next one
                    Arrays.fill(failures, i, jsons.size(), stopping);
                    break;
                } catch (RuntimeException | Error e) {
                    failures[i] = e;
                }
            }
        }
        return Arrays.asList(failures);
    }

    /**
     * The batch path of {@link #consumeBatch} without Kafka: answers, per record, null when it was
     * consumed (applied, a duplicate or skipped) or the failure it still had when consumed alone.
     */
    public Uni<List<Throwable>> consumeAll(
            String consumer,
            List<String> jsons,
            List<Context> traces,
            Supplier<Function<EventEnvelope<DomainEvent>, Uni<Void>>> attempt,
            Runnable afterCommit,
            Function<String, Uni<?>> alone) {
        if (jsons.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Integer> skipped = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        return Uni.createFrom()
                .item(() -> decodeAll(jsons, skipped, indexes))
                .chain(events -> {
                    Function<EventEnvelope<DomainEvent>, Uni<Void>> handler = attempt.get();
                    return Panache.withTransaction(() -> claimAll(consumer, events)
                                    .chain(() -> applyInOrder(events, indexes, traces, handler)))
                            .replaceWith(events);
                })
                .onItemOrFailure()
                .transformToUni((events, failure) -> {
                    if (failure != null) {
                        fellBack(consumer, jsons.size(), failure);
                        return aloneInOrder(jsons, traces, alone);
                    }
                    // committed: what follows must not send the batch to the record-by-record path
                    committed(consumer, events, skipped, afterCommit);
                    return Uni.createFrom().item(Arrays.asList(new Throwable[jsons.size()]));
                });
    }

    private void committed(
            String consumer, List<EventEnvelope<DomainEvent>> events, List<Integer> skipped, Runnable afterCommit) {
        try {
            events.forEach(e -> count(consumer, e.type(), Outcome.APPLIED));
            skipped.forEach(i -> count(consumer, "unknown", Outcome.SKIPPED));
            afterCommit.run();
        } catch (RuntimeException e) {
            LOG.warnf("%s: after a batch committed: %s", consumer, e.toString());
        }
    }

    /** A batch consumed record by record: counted, and logged unless it only redelivered events already applied. */
    private void fellBack(String consumer, int records, Throwable why) {
        Counter.builder("pointmesh.events.batch.fallbacks")
                .description("batches consumed record by record after a failure")
                .tag("consumer", consumer)
                .tag("reason", why instanceof AlreadyApplied ? "redelivered" : "failed")
                .register(registry)
                .increment();
        if (why instanceof AlreadyApplied) {
            LOG.debugf("%s: a batch of %d redelivers events already applied; record by record", consumer, records);
        } else {
            LOG.warnf("%s: a batch of %d failed (%s); record by record", consumer, records, why.toString());
        }
    }

    /** A batch holds an event this consumer already applied, or one event twice: it is consumed record by record. */
    static final class AlreadyApplied extends RuntimeException {
        AlreadyApplied() {
            super("the batch redelivers an event already applied", null, false, false);
        }
    }

    /** The events of a batch in record order; a record that is not an event at all fails the batch. */
    private List<EventEnvelope<DomainEvent>> decodeAll(
            List<String> jsons, List<Integer> skipped, List<Integer> indexes) {
        List<EventEnvelope<DomainEvent>> events = new ArrayList<>(jsons.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < jsons.size(); i++) {
            Optional<EventEnvelope<DomainEvent>> event = codec.decode(jsons.get(i));
            if (event.isEmpty()) {
                skipped.add(i); // a type or schema version newer than this build: not ours to fail on
            } else if (!ids.add(event.get().id())) {
                throw new AlreadyApplied();
            } else {
                events.add(event.get());
                indexes.add(i);
            }
        }
        return events;
    }

    /**
     * One statement claims every event of the batch. Redeliveries are rare (a crash or a rebalance), so
     * rather than sorting out which rows conflicted, a batch with any claimed already is consumed
     * record by record, where each duplicate is found alone.
     */
    private Uni<Void> claimAll(String consumer, List<EventEnvelope<DomainEvent>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder sql = new StringBuilder(CLAIM).append("VALUES ");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append("(:consumer, :id")
                    .append(i)
                    .append(", :type")
                    .append(i)
                    .append(')');
        }
        sql.append(" ON CONFLICT DO NOTHING");
        return Panache.getSession()
                .chain(session -> {
                    var claim = session.createNativeQuery(sql.toString()).setParameter("consumer", consumer);
                    for (int i = 0; i < events.size(); i++) {
                        claim.setParameter("id" + i, events.get(i).id())
                                .setParameter("type" + i, events.get(i).type());
                    }
                    return claim.executeUpdate();
                })
                .invoke(claimed -> {
                    if (claimed != events.size()) {
                        throw new AlreadyApplied();
                    }
                })
                .replaceWithVoid();
    }

    private static Uni<Void> applyInOrder(
            List<EventEnvelope<DomainEvent>> events,
            List<Integer> indexes,
            List<Context> traces,
            Function<EventEnvelope<DomainEvent>, Uni<Void>> handler) {
        Uni<Void> applied = Uni.createFrom().voidItem();
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope<DomainEvent> event = events.get(i);
            int index = indexes.get(i);
            applied = applied.chain(() -> inTrace(traces, index, () -> handler.apply(event)));
        }
        return applied;
    }

    private static Uni<List<Throwable>> aloneInOrder(
            List<String> jsons, List<Context> traces, Function<String, Uni<?>> alone) {
        Throwable[] failures = new Throwable[jsons.size()];
        Uni<Void> done = Uni.createFrom().voidItem();
        for (int i = 0; i < jsons.size(); i++) {
            int index = i;
            done = done.chain(() -> Uni.createFrom()
                    .deferred(() -> inTrace(traces, index, () -> alone.apply(jsons.get(index))))
                    .onFailure()
                    .invoke(e -> failures[index] = e)
                    .onFailure()
                    .recoverWithNull()
                    .replaceWithVoid());
        }
        return done.map(v -> Arrays.asList(failures));
    }

    /** A handler that writes with blocking JDBC on the transaction's connection. */
    @FunctionalInterface
    public interface JdbcHandler {
        void apply(Connection transaction, EventEnvelope<DomainEvent> event) throws SQLException;
    }

    /**
     * The same, blocking, for handlers that write with JDBC (call it from a {@code @Blocking}
     * consumer method). Retries like {@link #consume}, then throws for the dead-letter topic.
     */
    public Outcome consumeWithJdbc(String consumer, String json, JdbcHandler handler) {
        return consumeWithJdbc(consumer, json, handler, null);
    }

    /** {@link #consumeWithJdbc}, waiting for a database that is away until {@code deadline} (null: without end). */
    private Outcome consumeWithJdbc(String consumer, String json, JdbcHandler handler, Instant deadline) {
        Optional<EventEnvelope<DomainEvent>> decoded = decode(consumer, json);
        if (decoded.isEmpty()) {
            return Outcome.SKIPPED;
        }
        EventEnvelope<DomainEvent> event = decoded.get();
        Duration wait = retryFirst;
        for (int failures = 0; ; ) {
            try {
                Outcome outcome = transactions.get().run(conn -> {
                    try (PreparedStatement claim =
                            conn.prepareStatement(CLAIM + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                        claim.setString(1, consumer);
                        claim.setString(2, event.id());
                        claim.setString(3, event.type());
                        if (claim.executeUpdate() == 0) {
                            return Outcome.DUPLICATE;
                        }
                    }
                    handler.apply(conn, event);
                    return Outcome.APPLIED;
                });
                count(consumer, event.type(), outcome);
                return outcome;
            } catch (Stopping e) {
                throw e;
            } catch (RuntimeException e) {
                boolean away = databaseAway(e);
                if ((!away && ++failures > RETRIES)
                        || (away && deadline != null && Instant.now().isAfter(deadline))) {
                    throw e;
                }
                LOG.warnf(
                        "%s failed to apply %s %s, %s: %s",
                        consumer,
                        event.type(),
                        event.id(),
                        away ? "waiting for the database" : "retrying",
                        e.toString());
                wait = pause(wait, away ? retryMax : retryFirst.multipliedBy(4));
            }
        }
    }

    /**
     * A one-record channel's path for handlers that write with JDBC (from a {@code @Blocking} method that takes the
     * record): {@link #consumeWithJdbc}, then the record is acknowledged once consumed, or nacked (for the
     * dead-letter topic) when it still fails, or neither when this instance stops while the record waits for the
     * database (interrupted): it stays unacknowledged for the next instance instead of being dead-lettered in the
     * instance's last second.
     */
    public CompletionStage<Void> consumeRecordWithJdbc(String consumer, Message<String> record, JdbcHandler handler) {
        if (stopped.contains(consumer)) {
            // a record before this one was left for the next instance: applying this one now would invert their order
            return CompletableFuture.completedFuture(null);
        }
        try {
            consumeWithJdbc(consumer, record.getPayload(), handler);
        } catch (Stopping stopping) {
            Thread.interrupted(); // the pool's thread goes back clean; this consumer applies nothing more here
            stopped.add(consumer);
            LOG.infof("%s stops before applying a record; the next instance gets it and those after it", consumer);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException | Error failed) {
            return record.nack(failed);
        }
        return record.ack();
    }

    /** Consumers whose instance is stopping (interrupted while a record waited): they apply nothing more. */
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();

    /**
     * {@link #consumeWithJdbc} for a replayed dead letter ({@link Replayable#replay}): the same claim, effect and
     * retries, on a worker thread.
     */
    public Uni<Outcome> replayWithJdbc(String consumer, String json, JdbcHandler handler) {
        return Uni.createFrom()
                .item(() ->
                        consumeWithJdbc(consumer, json, handler, Instant.now().plus(replayPatience)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** How long a replay waits for a database that is away before it gives up (a record's own wait has no end). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "pointmesh.dead-letters.replay-timeout",
            defaultValue = "PT60S")
    Duration replayPatience;

    /** SQLSTATE classes and codes of a database that is away or cannot serve now, not of a bad event. */
    private static final List<String> AWAY_STATES =
            List.of("08", "53", "57P", "58", "40001", "40P01", "55P03", "25006");

    /** What the database clients say, without a SQLSTATE, when there is no database to talk to. */
    private static final List<String> AWAY_MESSAGES = List.of(
            "connection refused",
            "connection reset",
            "connection closed",
            "connection was closed",
            "connection is closed",
            "connection timed out",
            // the reactive client when PostgreSQL dies under a statement (logged so by the chaos run's kill -9)
            "failed to read any response",
            "timeout waiting for connection",
            "acquisition timeout",
            "terminating connection",
            "the database system is",
            // this instance shutting down (a rolling deploy): its pools close under a consumer still at work; the
            // records must stay for the next instance, not be dead-lettered in the second it has left
            "pool is closed",
            "pool closed",
            "session is closed");

    /**
     * Whether a failure says the database is away (down, restarting, failing over, out of connections, a
     * serialization failure or deadlock to retry), whatever wrapped it: JDBC, Agroal, the reactive client,
     * Hibernate Reactive. Such a failure is waited out; anything else is the event's own (and is dead-lettered
     * after {@link #RETRIES}). A SQLSTATE decides when there is one (a constraint's message may quote any
     * data); a message is read only from the database clients' own exceptions without one. A handler that calls
     * another service (an identity provider) reports that service's outage as its own failure
     * ({@link ExternalFailure}): it is retried and dead-lettered, not waited for with the partition held.
     */
    public static boolean databaseAway(Throwable failure) {
        boolean clientFailure = false;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof AlreadyApplied || t instanceof ExternalFailure) {
                return false;
            }
            String state = t instanceof SQLException sql
                    ? sql.getSQLState()
                    : t instanceof io.vertx.pgclient.PgException pg
                            ? pg.getSqlState()
                            : t instanceof org.hibernate.JDBCException jdbc ? jdbc.getSQLState() : null;
            if (state != null) {
                return AWAY_STATES.stream().anyMatch(state::startsWith);
            }
            if (t instanceof java.sql.SQLTransientException
                    || t instanceof java.sql.SQLRecoverableException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException
                    || t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof java.net.ConnectException
                    || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.UnknownHostException
                    || t.getClass().getName().equals("io.netty.channel.ConnectTimeoutException")
                    // the reactive pool's wait for a connection, a host that does not answer
                    || (t.getClass().getName().startsWith("io.vertx.") && "Timeout".equals(t.getMessage()))) {
                return true;
            }
            clientFailure |= t instanceof SQLException
                    || t instanceof java.net.SocketException
                    || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof org.hibernate.HibernateException
                    || t.getClass().getName().startsWith("io.vertx.");
        }
        if (!clientFailure) {
            return false;
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (AWAY_MESSAGES.stream().anyMatch(message::contains)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A handler's failure to reach another service (not the database): retried {@link #RETRIES} times like any
     * failure of the event's own, then dead-lettered for an operator, never waited for without end.
     */
    public static final class ExternalFailure extends RuntimeException {
        public ExternalFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The consumer was interrupted (its instance stopping) before it could apply a record: the record is
     * neither acknowledged nor dead-lettered, so the next instance gets it.
     */
    static final class Stopping extends RuntimeException {
        Stopping(InterruptedException e) {
            super("interrupted while waiting to apply an event", e, false, false);
        }
    }

    /**
     * Waits {@code wait} before the next attempt and answers the wait after it (doubled, up to {@code cap}); an
     * interrupt (the instance stopping) ends the waiting with {@link Stopping}.
     */
    static Duration pause(Duration wait, Duration cap) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopping(e);
        }
        Duration next = wait.multipliedBy(2);
        return next.compareTo(cap) > 0 ? cap : next;
    }

    private Optional<EventEnvelope<DomainEvent>> decode(String consumer, String json) {
        Optional<EventEnvelope<DomainEvent>> event = codec.decode(json);
        if (event.isEmpty()) {
            // A type or schema version newer than this build: not ours to fail on.
            LOG.debugf("%s skips an event it does not know", consumer);
            count(consumer, "unknown", Outcome.SKIPPED);
        }
        return event;
    }

    private void count(String consumer, String type, Outcome outcome) {
        Counter.builder("pointmesh.events.consumed")
                .description("events delivered to a consumer, by outcome")
                .tag("consumer", consumer)
                .tag("type", type)
                .tag("outcome", outcome.name().toLowerCase())
                .register(registry)
                .increment();
    }
}
