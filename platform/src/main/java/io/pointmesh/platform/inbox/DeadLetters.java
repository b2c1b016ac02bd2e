package io.pointmesh.platform.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.arc.All;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The records this service's consumers gave up on, where an operator can see them, replay them once the cause
 * is fixed, or discard them with a reason (docs/events.md, "Dead letters").
 *
 * <p>A channel parks a record on the service's dead-letter topic after the inbox's retries. This bean reads that
 * topic and keeps each record in {@code dead_letter} once (D1, by its topic, partition and offset), with the
 * channel that gave up on it. A replay applies the record through that channel's own path ({@link Replayable}),
 * so the inbox applies it at most once: a letter replayed twice, by two operators at once, or after the channel
 * applied a redelivery of it, changes nothing more. A letter leaves PARKED once (D2, a trigger), for REPLAYED or
 * DISCARDED, with who and when (D3).
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    /** The channel that reads the service's dead-letter topic (platform's microprofile-config.properties). */
    public static final String CHANNEL = "pointmesh-dead-letters";

    private static final String INCOMING = "mp.messaging.incoming.";
    private static final String COLUMNS = "id, status, channel, source_topic, source_partition, source_offset, "
            + "event_key, event_id, event_type, payload, reason, failure_class, dead_at, parked_at, replay_attempts, "
            + "last_error, outcome, resolved_at, resolved_by, discard_reason, replaying_since, erased_at";
    /** How long a replay under way holds its letter (a replay killed mid-way leaves it to be replayed again). */
    static final Duration LEASE = Duration.ofMinutes(5);

    public enum DeadLetterStatus {
        PARKED,
        REPLAYED,
        DISCARDED
    }

    @Inject
    Transactions transactions;

    @Inject
    @All
    List<Replayable> replayables;

    @Inject
    ObjectMapper mapper;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "pointmesh.events.retry-first", defaultValue = "PT0.2S")
    Duration retryFirst;

    @ConfigProperty(name = "pointmesh.events.retry-max", defaultValue = "PT15S")
    Duration retryMax;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    private final AtomicLong parked = new AtomicLong();

    @PostConstruct
    void gauge() {
        Gauge.builder("pointmesh.dead.letters.parked", parked, AtomicLong::get)
                .description("events this service's consumers gave up on, waiting for an operator to replay or discard")
                .register(registry);
    }

    /** The parked letters as a gauge, read every 15 s (never at scrape time; the last figure stays while the database is away). */
    @Scheduled(every = "${pointmesh.outbox.backlog-interval:15s}", delayed = "5s")
    Uni<Void> countParked() {
        return pool.query("SELECT count(*) FROM dead_letter WHERE status = 'PARKED'")
                .execute()
                .invoke(rows -> parked.set(rows.iterator().next().getLong(0)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** How long a replay may take; past it the replay is given up and the letter stays held until {@link #LEASE} ends. */
    @ConfigProperty(name = "pointmesh.dead-letters.replay-timeout", defaultValue = "PT60S")
    Duration replayTimeout;

    /**
     * How long a resolved letter is kept: longer than the dead-letter topics keep records (90 days), so a letter
     * read again from the topic (its offsets lost) finds its row and does not come back as parked.
     */
    @ConfigProperty(name = "pointmesh.dead-letters.retention", defaultValue = "P100D")
    Duration retention;

    /** One dead letter, as operators see it. */
    @RegisterForReflection
    public record DeadLetter(
            long id,
            DeadLetterStatus status,
            String channel,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset,
            String key,
            String eventId,
            String eventType,
            String payload,
            String reason,
            String failureClass,
            Instant deadAt,
            Instant parkedAt,
            int replayAttempts,
            String lastError,
            EventInbox.Outcome outcome,
            Instant resolvedAt,
            String resolvedBy,
            String discardReason,
            Instant replayingSince,
            Instant erasedAt) {}

    /** A page of letters, oldest first; {@code next} is where the next page starts (null: none). */
    @RegisterForReflection
    public record DeadLetterPage(List<DeadLetter> items, Long next) {}

    /**
     * Keeps one record of the dead-letter topic (once: a redelivered record finds its row), then acknowledges it. A
     * database that is away is waited for, as the inbox waits; an instance that stops meanwhile acknowledges nothing,
     * so the next one keeps the letter. A record that still cannot be kept (nothing is expected to fail: the payload
     * is kept as bytes, text is cleaned) is logged and acknowledged: it stays on the topic, 90 days.
     */
    @Incoming(CHANNEL)
    @Blocking
    @SuppressWarnings("unchecked")
    public CompletionStage<Void> collect(KafkaRecord<String, byte[]> record) {
        ConsumerRecord<String, byte[]> read = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> (ConsumerRecord<String, byte[]>) m.getRecord())
                .orElseThrow();
        try {
            park(read);
        } catch (RuntimeException e) {
            if (e instanceof EventInbox.Stopping || EventInbox.interrupted(e)) {
                // this instance stops: the letter stays unacknowledged for the next one
                Thread.interrupted();
                return CompletableFuture.completedFuture(null);
            }
            LOG.errorf(
                    e,
                    "could not keep dead letter %s-%d@%d; it stays on the topic",
                    read.topic(),
                    read.partition(),
                    read.offset());
        }
        return record.ack();
    }

    /**
     * Keeps one record as read from the dead-letter topic (the collector's path, without Kafka), waiting for a
     * database that is away.
     */
    public void park(ConsumerRecord<String, byte[]> record) {
        for (Duration wait = retryFirst; ; wait = EventInbox.pause(wait, retryMax)) {
            try {
                if (insert(record)) {
                    parked.incrementAndGet();
                }
                return;
            } catch (RuntimeException e) {
                if (!EventInbox.databaseAway(e)) {
                    throw e;
                }
                LOG.warnf("waiting for the database to keep a dead letter: %s", e.toString());
            }
        }
    }

    /**
     * Keeps one dead-letter record, with what the connector's headers say of its source and failure; false when it was
     * kept before (D1).
     */
    private boolean insert(ConsumerRecord<String, byte[]> record) {
        Headers headers = record.headers();
        String sourceTopic = header(headers, "dead-letter-topic");
        String channel = sourceTopic == null ? null : channelOf(sourceTopic, record.topic());
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        JsonNode envelope = envelope(payload);
        return transactions.run(c -> {
            if (channel != null && record.key() != null) {
                lockKey(c, channel, text(record.key()));
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dead_letter (dlq_topic, dlq_partition, "
                    + "dlq_offset, source_topic, source_partition, source_offset, channel, event_key, event_id, "
                    + "event_type, payload, reason, failure_class, dead_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, record.topic());
                insert.setInt(2, record.partition());
                insert.setLong(3, record.offset());
                insert.setString(4, text(sourceTopic));
                setNullable(insert, 5, parseInt(header(headers, "dead-letter-partition")), Types.INTEGER);
                setNullable(insert, 6, parseLong(header(headers, "dead-letter-offset")), Types.BIGINT);
                insert.setString(7, channel);
                insert.setString(8, text(record.key()));
                insert.setString(9, field(envelope, "id"));
                insert.setString(10, field(envelope, "type"));
                insert.setBytes(11, payload);
                insert.setString(12, text(header(headers, "dead-letter-reason")));
                insert.setString(13, text(header(headers, "dead-letter-exception-class-name")));
                insert.setTimestamp(14, new Timestamp(record.timestamp()));
                if (insert.executeUpdate() != 1) {
                    return false;
                }
            }
            // D5: the key was erased before this letter came: it is kept without its payload
            try (PreparedStatement erase = c.prepareStatement("UPDATE dead_letter d SET payload = '\\x'::bytea, "
                    + "erased_at = now() FROM dead_letter_erasure e WHERE d.dlq_topic = ? AND d.dlq_partition = ? "
                    + "AND d.dlq_offset = ? AND e.channel = d.channel AND e.event_key = d.event_key "
                    + "AND NOT coalesce(d.event_type = ANY (e.keep_types), false)")) {
                erase.setString(1, record.topic());
                erase.setInt(2, record.partition());
                erase.setLong(3, record.offset());
                erase.executeUpdate();
            }
            return true;
        });
    }

    /** Letters by id, oldest first, optionally of one status. */
    public DeadLetterPage list(DeadLetterStatus status, long after, int limit) {
        List<DeadLetter> items = transactions.read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter"
                    + " WHERE id > ? AND (?::text IS NULL OR status = ?) ORDER BY id LIMIT ?")) {
                q.setLong(1, after);
                q.setString(2, status == null ? null : status.name());
                q.setString(3, status == null ? null : status.name());
                q.setInt(4, limit + 1);
                return letters(q);
            }
        });
        Long next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            next = items.get(limit - 1).id();
        }
        return new DeadLetterPage(List.copyOf(items), next);
    }

    public DeadLetter get(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("dead letter", Long.toString(id)));
    }

    /**
     * Applies the letter through its channel. A letter already replayed is answered as it is (a retried request
     * changes nothing). Refused (409): a discarded letter; one another replay holds; one with an older parked letter of
     * the same channel and key (replayed first, or discarded: events of one key are applied in order); one whose
     * event this build does not know. When the channel fails again the letter stays PARKED with the failure written
     * down, and the answer is 409 with the failure. While the database is away the replay gives up after
     * {@code replay-timeout} and keeps its lease (503): whether the last attempt committed is unknown until then, and
     * a later replay finds out (the inbox).
     */
    public DeadLetter replay(long id, String by) {
        String operator = operator(by);
        DeadLetter letter = get(id);
        if (letter.status() == DeadLetterStatus.REPLAYED) {
            return letter;
        }
        if (letter.status() == DeadLetterStatus.DISCARDED) {
            throw ProblemException.conflict(
                    "dead-letter-discarded", "dead letter " + id + " was discarded: " + letter.discardReason());
        }
        if (letter.erasedAt() != null) {
            throw ProblemException.conflict(
                    "dead-letter-erased",
                    "dead letter " + id + "'s payload was erased when its member left the network (D5): discard it");
        }
        Replayable target = replayable(letter.channel()).orElseThrow(() -> noChannel(letter));
        Long older = olderParked(letter);
        if (older != null) {
            throw ProblemException.conflict(
                    "dead-letter-older-parked",
                    "dead letter " + older + " of the same key came before it: replay or discard that one first");
        }
        Lease leased = lease(id);
        if (leased == null) {
            DeadLetter now = get(id);
            if (now.status() != DeadLetterStatus.PARKED || now.erasedAt() != null) {
                return replay(id, operator); // resolved or erased meanwhile: answered as such
            }
            throw ProblemException.conflict(
                    "dead-letter-replaying", "dead letter " + id + " is being replayed; ask again in a moment");
        }
        UUID lease = leased.token();
        EventInbox.Outcome outcome;
        try {
            outcome = onVertx(() -> target.replay(letter.channel(), leased.payload())
                    .ifNoItem()
                    .after(replayTimeout)
                    .fail());
        } catch (RuntimeException failed) {
            if (failed instanceof io.smallrye.mutiny.TimeoutException || EventInbox.databaseAway(failed)) {
                // the lease stays until it ends: the replay may have committed just now
                throw ProblemException.unavailable(
                        "dead-letter-replay-pending",
                        "the replay of dead letter " + id + " could not finish (" + failed
                                + "); ask again in a few minutes",
                        LEASE.toSeconds());
            }
            String error = failed.toString();
            release(id, lease, error);
            if (versionUnknown(failed)) {
                throw ProblemException.conflict(
                        "dead-letter-unknown-type",
                        "this instance does not read this version of event type " + letter.eventType() + " (" + error
                                + "): nothing was applied; replay it on a build that does");
            }
            throw ProblemException.conflict(
                    "dead-letter-still-fails",
                    "dead letter " + id + " failed again in " + letter.channel() + ": " + error);
        }
        if (outcome == EventInbox.Outcome.SKIPPED) {
            release(id, lease, "this build does not know the event's type or schema version");
            throw ProblemException.conflict(
                    "dead-letter-unknown-type",
                    "this instance does not know event type " + letter.eventType()
                            + " (a newer or older schema version): nothing was applied; replay it on a build that does");
        }
        EventInbox.Outcome applied = outcome;
        int resolved = transactions.run(c -> {
            String consumer = target.consumer(letter.channel());
            if (applied == EventInbox.Outcome.DUPLICATE
                    && letter.eventId() != null
                    && discardedBefore(c, consumer, letter.eventId())) {
                // another letter of the same event was discarded: nothing was applied, and nothing will be
                try (PreparedStatement u = c.prepareStatement("UPDATE dead_letter SET status = 'DISCARDED', "
                        + "discard_reason = ?, resolved_at = now(), resolved_by = ?, replaying_since = NULL, "
                        + "lease = NULL, replay_attempts = replay_attempts + 1 WHERE id = ? AND lease = ?")) {
                    u.setString(1, "its event was discarded with another letter");
                    u.setString(2, text(operator));
                    u.setLong(3, id);
                    u.setObject(4, lease);
                    u.executeUpdate();
                    return 0; // answered below as discarded (409)
                }
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE dead_letter SET status = 'REPLAYED', outcome = ?, "
                    + "resolved_at = now(), resolved_by = ?, replaying_since = NULL, lease = NULL, "
                    + "replay_attempts = replay_attempts + 1 WHERE id = ? AND lease = ?")) {
                u.setString(1, applied.name());
                u.setString(2, text(operator));
                u.setLong(3, id);
                u.setObject(4, lease);
                return u.executeUpdate();
            }
        });
        // otherwise discarded with another letter of its event, or the lease ended under a replay slower than it (and
        // someone resolved the letter): answered as it is now
        return resolved == 1 ? get(id) : replay(id, operator);
    }

    /**
     * Marks a parked letter as not to be applied, with the operator's reason, and makes sure it never is (D4): in the
     * same transaction its event is claimed in the inbox under the channel's consumer, so a redelivery or a replay
     * still under way finds it done. If the event was applied meanwhile, the letter is recorded as REPLAYED (DUPLICATE)
     * and the answer is 409 {@code dead-letter-applied}. Discarding it again answers it as it is; a replayed letter, or
     * one being replayed, is refused (409).
     */
    public DeadLetter discard(long id, String reason, String by) {
        String operator = operator(by);
        DeadLetter letter = get(id);
        if (letter.status() == DeadLetterStatus.DISCARDED) {
            return letter;
        }
        if (letter.status() == DeadLetterStatus.REPLAYED) {
            throw ProblemException.conflict(
                    "dead-letter-replayed", "dead letter " + id + " was replayed; it cannot be discarded");
        }
        String consumer = replayable(letter.channel())
                .map(r -> r.consumer(letter.channel()))
                .orElse(null);
        String result = transactions.run(c -> {
            try (PreparedStatement lock = c.prepareStatement(
                    "SELECT status FROM dead_letter WHERE id = ? "
                            + "AND (replaying_since IS NULL OR replaying_since < now() - make_interval(secs => ?)) FOR UPDATE")) {
                lock.setLong(1, id);
                lock.setLong(2, LEASE.toSeconds());
                try (ResultSet r = lock.executeQuery()) {
                    if (!r.next()) {
                        return "replaying";
                    }
                    if (!r.getString(1).equals("PARKED")) {
                        return r.getString(1);
                    }
                }
            }
            if (consumer != null && letter.eventId() != null) {
                try (PreparedStatement claim =
                        c.prepareStatement(EventInbox.CLAIM + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    claim.setString(1, consumer);
                    claim.setString(2, letter.eventId());
                    claim.setString(3, EventInbox.DISCARDED);
                    if (claim.executeUpdate() == 0 && !discardedBefore(c, consumer, letter.eventId())) {
                        resolve(c, id, "REPLAYED", "DUPLICATE", null, operator);
                        return "applied";
                    }
                }
            }
            resolve(c, id, "DISCARDED", null, reason, operator);
            return "DISCARDED";
        });
        switch (result) {
            case "DISCARDED":
                return get(id);
            case "applied":
                throw ProblemException.conflict(
                        "dead-letter-applied",
                        "dead letter " + id
                                + "'s event was applied meanwhile (a redelivery or a replay); it is recorded "
                                + "as replayed, not discarded");
            case "REPLAYED":
                throw ProblemException.conflict(
                        "dead-letter-replayed", "dead letter " + id + " was replayed; it cannot be discarded");
            case "replaying":
                throw ProblemException.conflict(
                        "dead-letter-replaying", "dead letter " + id + " is being replayed; ask again in a moment");
            default:
                return get(id); // discarded meanwhile by another operator
        }
    }

    /**
     * A member left: the letters of {@code channel} keyed by their id lose their payloads, parked or resolved (D5), but
     * for the event types in {@code keep} (member.left itself: it names nobody else, and a consumer that gave up on it
     * still has to apply it). Runs in the transaction that applies the leave; answers how many letters were erased.
     */
    public int erase(Connection c, String channel, String key, java.util.Set<String> keep) throws SQLException {
        lockKey(c, channel, key);
        // a tombstone: a letter of the key collected later is kept without its payload
        try (PreparedStatement t = c.prepareStatement(
                "INSERT INTO dead_letter_erasure (channel, event_key, keep_types) "
                        + "VALUES (?, ?, ?) ON CONFLICT (channel, event_key) DO UPDATE SET keep_types = EXCLUDED.keep_types")) {
            t.setString(1, channel);
            t.setString(2, key);
            t.setArray(3, c.createArrayOf("text", keep.toArray()));
            t.executeUpdate();
        }
        try (PreparedStatement u =
                c.prepareStatement("UPDATE dead_letter SET payload = '\\x'::bytea, erased_at = now() "
                        + "WHERE channel = ? AND event_key = ? AND erased_at IS NULL "
                        + "AND (event_type IS NULL OR NOT event_type = ANY (?))")) {
            u.setString(1, channel);
            u.setString(2, key);
            u.setArray(3, c.createArrayOf("text", keep.toArray()));
            return u.executeUpdate();
        }
    }

    /** Erasure and collection of one key, one at a time (neither misses the other's rows). */
    private static void lockKey(Connection c, String channel, String key) throws SQLException {
        try (PreparedStatement l = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
            l.setString(1, "pointmesh.dead-letter:" + channel);
            l.setString(2, key);
            l.execute();
        }
    }

    /** {@link #erase} for a member who left, in the channel of member-service's events: all but member.left itself. */
    public int eraseLeftMember(Connection c, String channel, String memberId) throws SQLException {
        return erase(c, channel, memberId, java.util.Set.of("member.left"));
    }

    private static boolean versionUnknown(Throwable failed) {
        for (Throwable t = failed; t != null; t = t.getCause()) {
            if (t instanceof io.pointmesh.events.EventCodec.UnsupportedSchemaVersionException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the event's inbox row is a discard's (another letter of the same event was discarded), not its effect. */
    private static boolean discardedBefore(Connection c, String consumer, String eventId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT 1 FROM processed_event WHERE consumer = ? AND event_id = ? AND event_type = ?")) {
            q.setString(1, consumer);
            q.setString(2, eventId);
            q.setString(3, EventInbox.DISCARDED);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    private static String operator(String by) {
        return by == null || by.isBlank() ? "unknown operator" : by;
    }

    private static void resolve(Connection c, long id, String status, String outcome, String reason, String by)
            throws SQLException {
        try (PreparedStatement u =
                c.prepareStatement("UPDATE dead_letter SET status = ?, outcome = ?, discard_reason = ?, "
                        + "resolved_at = now(), resolved_by = ?, replaying_since = NULL, lease = NULL WHERE id = ?")) {
            u.setString(1, status);
            u.setString(2, outcome);
            u.setString(3, text(reason));
            u.setString(4, text(by));
            u.setLong(5, id);
            u.executeUpdate();
        }
    }

    /** A letter taken for one replay: the lease's token and the payload as it is under the lease. */
    private record Lease(UUID token, String payload) {}

    /**
     * Takes the letter for one replay: its lease, or null when it is resolved, erased (D5: an erasure between the
     * letter's read and now is seen here) or another replay holds it.
     */
    private Lease lease(long id) {
        return transactions.run(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE dead_letter SET replaying_since = now(), "
                    + "lease = gen_random_uuid() WHERE id = ? AND status = 'PARKED' AND erased_at IS NULL "
                    + "AND (replaying_since IS NULL OR replaying_since < now() - make_interval(secs => ?)) "
                    + "RETURNING lease, payload")) {
                u.setLong(1, id);
                u.setLong(2, LEASE.toSeconds());
                try (ResultSet r = u.executeQuery()) {
                    return r.next()
                            ? new Lease(r.getObject(1, UUID.class), new String(r.getBytes(2), StandardCharsets.UTF_8))
                            : null;
                }
            }
        });
    }

    /** Gives the letter back after a replay that applied nothing, with why; only the replay holding it may. */
    private void release(long id, UUID lease, String error) {
        transactions.run(c -> {
            try (PreparedStatement u =
                    c.prepareStatement("UPDATE dead_letter SET replaying_since = NULL, lease = NULL, "
                            + "replay_attempts = replay_attempts + 1, last_error = ? WHERE id = ? AND lease = ?")) {
                u.setString(1, text(error));
                u.setLong(2, id);
                u.setObject(3, lease);
                return u.executeUpdate();
            }
        });
    }

    /** An older parked letter of the same channel and key (the same partition: its events' order), if any. */
    private Long olderParked(DeadLetter letter) {
        if (letter.key() == null) {
            return null;
        }
        return transactions.read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT min(id) FROM dead_letter WHERE status = 'PARKED' "
                    + "AND channel = ? AND event_key = ? AND id < ?")) {
                q.setString(1, letter.channel());
                q.setString(2, letter.key());
                q.setLong(3, letter.id());
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    long older = r.getLong(1);
                    return r.wasNull() ? null : older;
                }
            }
        });
    }

    private static ProblemException noChannel(DeadLetter letter) {
        return ProblemException.conflict(
                "dead-letter-no-channel",
                "no consumer of this service reads " + letter.sourceTopic() + " into this dead-letter topic");
    }

    /** Resolved letters older than the retention are deleted (their payloads may name members); parked ones stay. */
    @Scheduled(every = "1h", delayed = "1m")
    void purgeResolved() {
        try {
            transactions.run(c -> {
                try (PreparedStatement d = c.prepareStatement("DELETE FROM dead_letter WHERE status <> 'PARKED' "
                        + "AND resolved_at < now() - make_interval(secs => ?)")) {
                    d.setLong(1, retention.toSeconds());
                    return d.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.debugf("dead letters not purged this hour: %s", e.toString());
        }
    }

    private Optional<DeadLetter> find(long id) {
        return transactions.read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?")) {
                q.setLong(1, id);
                return letters(q).stream().findFirst();
            }
        });
    }

    private Optional<Replayable> replayable(String channel) {
        if (channel == null) {
            return Optional.empty();
        }
        return replayables.stream().filter(r -> r.channels().contains(channel)).findFirst();
    }

    /**
     * The channel whose topic is the record's source and whose dead-letter topic is the one it was read from: the
     * one that gave up on it. Null when none or more than one does (the letter can then only be discarded).
     */
    static String channelOf(String sourceTopic, String dlqTopic) {
        Config config = ConfigProvider.getConfig();
        List<String> channels = new ArrayList<>();
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith(INCOMING) || !name.endsWith(".topic") || name.endsWith(".dead-letter-queue.topic")) {
                continue;
            }
            String channel = name.substring(INCOMING.length(), name.length() - ".topic".length());
            if (channel.equals(CHANNEL) || channel.contains(".")) {
                continue;
            }
            boolean reads = config.getOptionalValue(name, String.class)
                    .map(sourceTopic::equals)
                    .orElse(false);
            boolean parksThere = config.getOptionalValue(INCOMING + channel + ".dead-letter-queue.topic", String.class)
                    .map(dlqTopic::equals)
                    .orElse(false);
            if (reads && parksThere) {
                channels.add(channel);
            }
        }
        return channels.size() == 1 ? channels.get(0) : null;
    }

    /**
     * Runs the replay on a Vert.x context of its own (Hibernate Reactive's consumers need one) and waits for it; the
     * replay itself gives up at replay-timeout.
     */
    private static <T> T onVertx(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private List<DeadLetter> letters(PreparedStatement q) throws SQLException {
        List<DeadLetter> letters = new ArrayList<>();
        try (ResultSet r = q.executeQuery()) {
            while (r.next()) {
                String outcome = r.getString("outcome");
                letters.add(new DeadLetter(
                        r.getLong("id"),
                        DeadLetterStatus.valueOf(r.getString("status")),
                        r.getString("channel"),
                        r.getString("source_topic"),
                        (Integer) r.getObject("source_partition"),
                        (Long) r.getObject("source_offset"),
                        r.getString("event_key"),
                        r.getString("event_id"),
                        r.getString("event_type"),
                        new String(r.getBytes("payload"), StandardCharsets.UTF_8),
                        r.getString("reason"),
                        r.getString("failure_class"),
                        instant(r, "dead_at"),
                        instant(r, "parked_at"),
                        r.getInt("replay_attempts"),
                        r.getString("last_error"),
                        outcome == null ? null : EventInbox.Outcome.valueOf(outcome),
                        instant(r, "resolved_at"),
                        r.getString("resolved_by"),
                        r.getString("discard_reason"),
                        instant(r, "replaying_since"),
                        instant(r, "erased_at")));
            }
        }
        return letters;
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private JsonNode envelope(byte[] payload) {
        try {
            JsonNode node = mapper.readTree(payload);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException | RuntimeException notJson) {
            return null;
        }
    }

    /** The envelope's field as the codec reads it (any scalar, as text), whole: the inbox claims it by this text. */
    private static String field(JsonNode envelope, String name) {
        JsonNode value = envelope == null ? null : envelope.get(name);
        return value != null && value.isValueNode() && !value.isNull()
                ? value.asText().replace('\u0000', '\uFFFD')
                : null;
    }

    /**
     * The connector's own header: the first of the name. The dead-letter queue writes its headers first and then
     * copies the failed record's, which may carry older {@code dead-letter-*} headers (a record sent again from a
     * dead-letter topic); those must not name the source.
     */
    private static String header(Headers headers, String name) {
        java.util.Iterator<Header> all =
                headers == null ? null : headers.headers(name).iterator();
        Header header = all == null || !all.hasNext() ? null : all.next();
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** PostgreSQL's text takes no NUL character; a hostile record's headers or key must not stop the letter. */
    private static String text(String value) {
        if (value == null) {
            return null;
        }
        String clean = value.replace('\u0000', '\uFFFD');
        return clean.length() > 4000 ? clean.substring(0, 4000) : clean;
    }

    private static Integer parseInt(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String value) {
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void setNullable(PreparedStatement s, int index, Object value, int type) throws SQLException {
        if (value == null) {
            s.setNull(index, type);
        } else {
            s.setObject(index, value, type);
        }
    }
}
