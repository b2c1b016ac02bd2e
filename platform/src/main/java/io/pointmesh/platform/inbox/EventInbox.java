package io.pointmesh.platform.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventCodec;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The idempotent consumer: applies each event at most once per consumer, whatever Kafka
 * redelivers.
 *
 * <p>Invariant: a row in {@code processed_event} exists if and only if the event's effect
 * committed. The row is inserted first, in the same transaction as the effect: a duplicate finds
 * the row and does nothing; a failure rolls back both, so the redelivery applies it then.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);
    // A failing effect (database away, a bug) is retried for about a minute; after that the
    // channel's failure strategy parks the record on the service's dead-letter topic.
    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(15);
    private static final int RETRIES = 8;
    static final String CLAIM = "INSERT INTO processed_event (consumer, event_id, event_type) ";

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
                        .onFailure()
                        .retry()
                        .withBackOff(RETRY_FIRST, RETRY_MAX)
                        .atMost(RETRIES)
                        .invoke(outcome -> count(consumer, event.type(), outcome)))
                .orElseGet(() -> Uni.createFrom().item(Outcome.SKIPPED));
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
        Optional<EventEnvelope<DomainEvent>> decoded = decode(consumer, json);
        if (decoded.isEmpty()) {
            return Outcome.SKIPPED;
        }
        EventEnvelope<DomainEvent> event = decoded.get();
        Duration wait = RETRY_FIRST;
        for (int attempt = 0; ; attempt++) {
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
            } catch (RuntimeException e) {
                if (attempt == RETRIES) {
                    throw e;
                }
                LOG.warnf("%s failed to apply %s %s, retrying: %s", consumer, event.type(), event.id(), e.toString());
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : wait.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
