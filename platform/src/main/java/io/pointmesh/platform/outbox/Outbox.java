package io.pointmesh.platform.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventCatalog;
import io.pointmesh.events.EventCodec;
import io.pointmesh.events.EventDefinition;
import io.pointmesh.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * The write side of the transactional outbox: records an event in the same database transaction
 * as the state change it announces. {@link OutboxRelay} publishes it to Kafka after the commit.
 *
 * <p>Invariant: an event is in the outbox if and only if its transaction committed. That is why
 * {@link #publish(DomainEvent)} refuses to run outside a transaction: an autocommitted event
 * could announce a change that then rolls back.
 */
@ApplicationScoped
public class Outbox {

    static final String INSERT =
            "INSERT INTO outbox_event (event_id, topic, event_key, event_type, payload, traceparent) ";

    @Inject
    EventCodec codec;

    @Inject
    Clock clock;

    /**
     * The largest event recorded, in UTF-8 bytes: under the producer's default request size (1 MiB) with room for
     * the record's headers. A larger one could never be sent, and the relay, which publishes in order, would stop
     * behind it for good: it is refused here, before the transaction that would announce it commits.
     */
    public static final int MAX_EVENT_BYTES = 900_000;

    static String sendable(String payload, String type) {
        // a UTF-8 byte is at least a char's share: count bytes only when the chars alone come near the limit
        if (payload.length() * 3L > MAX_EVENT_BYTES
                && payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
            throw new io.pointmesh.platform.problem.ProblemException(
                    413,
                    "event-too-large",
                    "Change too large",
                    "the change would announce a " + type + " event of more than " + MAX_EVENT_BYTES
                            + " bytes, more than the event stream carries; make it smaller (fewer items)",
                    null);
        }
        return payload;
    }

    /** Adds the event to the current Hibernate Reactive (Panache) transaction. */
    public Uni<EventEnvelope<DomainEvent>> publish(DomainEvent event) {
        EventEnvelope<DomainEvent> envelope = codec.wrap(event, clock.instant());
        EventDefinition def = EventCatalog.of(event.getClass());
        return Panache.currentTransaction()
                .onItem()
                .ifNull()
                .failWith(() -> new IllegalStateException(
                        "Outbox.publish must run inside a transaction (@WithTransaction or Panache.withTransaction)"))
                .chain(tx -> Panache.getSession())
                .chain(session -> session.createNativeQuery(
                                INSERT + "VALUES (:id, :topic, :key, :type, :payload, :traceparent)")
                        .setParameter("id", UUID.fromString(envelope.id()))
                        .setParameter("topic", def.topic().topicName())
                        .setParameter("key", event.aggregateId())
                        .setParameter("type", def.type())
                        .setParameter("payload", sendable(codec.encode(envelope), def.type()))
                        .setParameter("traceparent", traceparent())
                        .executeUpdate())
                .replaceWith(envelope);
    }

    /**
     * Adds the event through a JDBC connection in a transaction the caller began (autocommit off):
     * for services whose writes are plain SQL on blocking threads.
     */
    public EventEnvelope<DomainEvent> publish(Connection transaction, DomainEvent event) throws SQLException {
        return publish(transaction, event, clock.instant());
    }

    /**
     * Many events at once (a recomputation that changes many members), as one JDBC batch in the
     * caller's transaction: the same rows as {@link #publish(Connection, DomainEvent)} one by one.
     */
    public void publishAll(Connection transaction, java.util.Collection<? extends DomainEvent> events)
            throws SQLException {
        if (transaction.getAutoCommit()) {
            throw new IllegalStateException(
                    "Outbox.publishAll needs a connection inside a transaction (autocommit off)");
        }
        Instant now = clock.instant();
        try (PreparedStatement insert = transaction.prepareStatement(INSERT + "VALUES (?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (DomainEvent event : events) {
                bind(insert, event, codec.wrap(event, now));
                insert.addBatch();
                if (++pending == 1000) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
    }

    /**
     * The same, with the time the fact happened given by the caller: the ledger passes its posting
     * time, so an event's {@code time} and the postings' {@code posted_at} are the same instant and
     * a period cut by either holds the same facts.
     */
    public EventEnvelope<DomainEvent> publish(Connection transaction, DomainEvent event, Instant time)
            throws SQLException {
        if (transaction.getAutoCommit()) {
            throw new IllegalStateException("Outbox.publish needs a connection inside a transaction (autocommit off)");
        }
        EventEnvelope<DomainEvent> envelope = codec.wrap(event, time);
        try (PreparedStatement insert = transaction.prepareStatement(INSERT + "VALUES (?, ?, ?, ?, ?, ?)")) {
            bind(insert, event, envelope);
            insert.executeUpdate();
        }
        return envelope;
    }

    /** One outbox row's values: id, topic, key (the aggregate), type, the encoded envelope. */
    private void bind(PreparedStatement insert, DomainEvent event, EventEnvelope<DomainEvent> envelope)
            throws SQLException {
        EventDefinition def = EventCatalog.of(event.getClass());
        insert.setObject(1, UUID.fromString(envelope.id()));
        insert.setString(2, def.topic().topicName());
        insert.setString(3, event.aggregateId());
        insert.setString(4, def.type());
        insert.setString(
                5,
                sendable(
                        codec.encode(envelope),
                        EventCatalog.of(event.getClass()).type()));
        insert.setString(6, traceparent());
    }

    /**
     * The W3C trace context of the request that wrote the event ({@code 00-<trace>-<span>-<flags>}),
     * or null outside a trace: the relay sends it on with the Kafka record, so consumers continue
     * the trace that began at the POS (docs/events.md, "Trace context").
     */
    public static String traceparent() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                + span.getTraceFlags().asHex();
    }
}
