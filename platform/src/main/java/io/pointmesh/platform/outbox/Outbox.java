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

    /** One event's row, for a caller that writes it inside a statement of its own ({@link Row#params()}, in order). */
    public static final String INSERT_ROW = INSERT + "VALUES (?, ?, ?, ?, ?, ?)";

    /** An outbox row's values: the event's id, topic, key (its aggregate), type, encoded envelope and traceparent. */
    public record Row(UUID id, String topic, String key, String type, String payload, String traceparent) {
        /** The values of {@link #INSERT_ROW}'s placeholders. */
        public Object[] params() {
            return new Object[] {id, topic, key, type, payload, traceparent};
        }
    }

    @Inject
    EventCodec codec;

    @Inject
    Clock clock;

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
                        .setParameter("payload", codec.encode(envelope))
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
                bind(insert, row(event, codec.wrap(event, now)));
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
        try (PreparedStatement insert = transaction.prepareStatement(INSERT_ROW)) {
            bind(insert, row(event, envelope));
            insert.executeUpdate();
        }
        return envelope;
    }

    /**
     * The row {@link #publish(Connection, DomainEvent, Instant)} would insert, for a caller that
     * inserts it ({@link #INSERT_ROW}) within one of its own statements, in its transaction: the
     * ledger writes an earning and its event in one round trip. The same invariant holds: the row
     * must be written in the transaction of the change it announces.
     */
    public Row row(DomainEvent event, Instant time) {
        return row(event, codec.wrap(event, time));
    }

    private Row row(DomainEvent event, EventEnvelope<DomainEvent> envelope) {
        EventDefinition def = EventCatalog.of(event.getClass());
        return new Row(
                UUID.fromString(envelope.id()),
                def.topic().topicName(),
                event.aggregateId(),
                def.type(),
                codec.encode(envelope),
                traceparent());
    }

    private static void bind(PreparedStatement insert, Row row) throws SQLException {
        Object[] params = row.params();
        for (int i = 0; i < params.length; i++) {
            insert.setObject(i + 1, params[i]);
        }
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
