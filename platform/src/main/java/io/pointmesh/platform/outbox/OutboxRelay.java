package io.pointmesh.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.pointmesh.events.EventEnvelope;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * The read side of the transactional outbox: publishes committed events to Kafka, in the order
 * they were written, then marks them published.
 *
 * <ul>
 *   <li>At least once: a row is marked only after Kafka acknowledged it (acks=all). A crash after
 *       the send and before the mark sends it again; consumers deduplicate on the event id.</li>
 *   <li>In order: one relay per database at a time (a transaction-scoped advisory lock), so with
 *       several replicas of a service, events of one aggregate still leave in commit order.</li>
 * </ul>
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Arbitrary but fixed: the advisory lock that elects the single active relay per database. */
    public static final long RELAY_LOCK = 0x706f696e746d6573L;

    /** Arbitrary but fixed, and not {@link #RELAY_LOCK}: the advisory lock that lets one instance purge at a time. */
    public static final long PURGE_LOCK = 0x706f696e74707267L;

    @Inject
    Pool pool;

    @Inject
    @Channel("pointmesh-outbox")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<String> emitter;

    @ConfigProperty(name = "pointmesh.outbox.batch-size", defaultValue = "500")
    int batchSize;

    @ConfigProperty(name = "pointmesh.kafka.topic-prefix")
    Optional<String> topicPrefix;

    // Off only in tests that play an instance which crashed after committing and before sending:
    // the rows wait in the outbox until a relay (a restarted instance, or drain()) publishes them.
    @ConfigProperty(name = "pointmesh.outbox.relay-enabled", defaultValue = "true")
    boolean relayEnabled;

    @ConfigProperty(name = "pointmesh.outbox.retention-hours", defaultValue = "168")
    int retentionHours;

    @ConfigProperty(name = "pointmesh.outbox.purge-batch-size", defaultValue = "10000")
    int purgeBatchSize;

    private final Counter published;

    @Inject
    public OutboxRelay(MeterRegistry registry) {
        this.published = Counter.builder("pointmesh.outbox.published")
                .description("events the outbox relay published to Kafka")
                .register(registry);
    }

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String databaseUrl;

    // Where the LISTEN connection goes, when not where the pool goes: LISTEN needs a session of its own, which a
    // pooler in transaction mode (PgBouncer on Kubernetes) does not keep, so there it is the primary itself.
    @ConfigProperty(name = "pointmesh.outbox.listen-url")
    Optional<String> listenUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String databaseUser;

    @ConfigProperty(name = "quarkus.datasource.password")
    String databasePassword;

    @Inject
    Vertx vertx;

    @Inject
    Instance<PublishedEventListener> listeners;

    private PgSubscriber subscriber;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /** Listens for the commit-time notification of new outbox rows (see V0_1 migration). */
    void listen(@Observes StartupEvent start) {
        PgConnectOptions options = PgConnectOptions.fromUri(listenUrl.orElse(databaseUrl))
                .setUser(databaseUser)
                .setPassword(databasePassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel("pointmesh_outbox").handler(payload -> wake());
        subscriber
                .connect()
                .subscribe()
                .with(
                        ok -> wake(),
                        e -> LOG.warnf("outbox relay cannot listen for notifications, polling only: %s", e.toString()));
    }

    void close(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * The fallback: catches anything a lost notification (or another replica's crash) left behind.
     * Not while the application starts or stops: the Kafka channel may not be connected then, and
     * the notification listener wakes the relay once the application is up.
     */
    @Scheduled(
            every = "${pointmesh.outbox.poll-interval:1s}",
            delayed = "1s",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        wake();
    }

    /** Starts a drain, or asks the running one to go again: at most one drain runs per instance. */
    void wake() {
        if (!relayEnabled) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        drain().onFailure()
                .invoke(e -> LOG.warnf("outbox relay failed, will retry: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .subscribe()
                .with(n -> finish(), e -> finish());
    }

    private void finish() {
        running.set(false);
        if (again.get()) {
            wake();
        }
    }

    /** Publishes batches until the outbox is empty (or another replica holds the relay). */
    public Uni<Integer> drain() {
        return publishBatch().chain(n -> n < batchSize ? Uni.createFrom().item(n) : drain().map(m -> n + m));
    }

    /** Publishes one batch; answers how many events were published. */
    public Uni<Integer> publishBatch() {
        List<String[]> sent = new ArrayList<>();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                        .execute(Tuple.of(RELAY_LOCK))
                        .chain(rows -> rows.iterator().next().getBoolean(0)
                                ? sendBatch(conn, sent)
                                : Uni.createFrom().item(0)))
                // after the commit that marked them: what listeners count stays published
                .invoke(n -> tellListeners(sent));
    }

    private Uni<Integer> sendBatch(SqlConnection conn, List<String[]> sent) {
        return conn.preparedQuery("SELECT seq, topic, event_key, event_type, payload, traceparent FROM outbox_event "
                        + "WHERE published_at IS NULL ORDER BY seq LIMIT $1")
                .execute(Tuple.of(batchSize))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> seqs = new ArrayList<>(rows.size());
                    List<Uni<Void>> sends = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        seqs.add(row.getLong("seq"));
                        sends.add(emitter.sendMessage(toMessage(row)));
                        sent.add(new String[] {row.getString("event_type"), row.getString("payload")});
                    }
                    // Subscribed in list order, so records reach the producer in seq order.
                    return Uni.join()
                            .all(sends)
                            .andFailFast()
                            .chain(() -> conn.preparedQuery(
                                            "UPDATE outbox_event SET published_at = now() WHERE seq = ANY($1)")
                                    .execute(Tuple.of(seqs.toArray(new Long[0]))))
                            .invoke(() -> published.increment(seqs.size()))
                            .replaceWith(seqs.size());
                });
    }

    /** Hands the published events to the listeners on a worker thread; a listener's failure is logged, never the relay's. */
    private void tellListeners(List<String[]> sent) {
        if (sent.isEmpty() || listeners.isUnsatisfied()) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            for (PublishedEventListener listener : listeners) {
                for (String[] event : sent) {
                    try {
                        listener.published(event[0], event[1]);
                    } catch (RuntimeException e) {
                        LOG.warnf("a published-event listener failed on %s: %s", event[0], e.toString());
                    }
                }
            }
        });
    }

    private Message<String> toMessage(Row row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", EventEnvelope.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", row.getString("event_type").getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topicPrefix.orElse("") + row.getString("topic"))
                .withKey(row.getString("event_key"))
                .withHeaders(headers)
                .build();
        Message<String> message = Message.of(row.getString("payload")).addMetadata(metadata);
        String traceparent = row.getString("traceparent");
        if (traceparent != null) {
            // the Kafka connector starts its publish span as a child of the request that wrote the event (not of the
            // relay, which only carries it) and puts that span's traceparent on the record
            Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
            message = message.addMetadata(TracingMetadata.withCurrent(parent));
        }
        return message;
    }

    /** Reads the one header a stored traceparent is. */
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    /**
     * Published rows are only history: keep a week of them ({@code pointmesh.outbox.retention-hours}) for diagnosis,
     * then drop them. One instance at a time, in bounded batches: {@link #purge(int)}.
     */
    @Scheduled(every = "1h", delayed = "1m")
    Uni<Void> purgePublished() {
        return purge(purgeBatchSize)
                .onFailure()
                .invoke(e -> LOG.warnf("outbox purge failed, will retry in an hour: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** What a purge did: rows deleted, and the batches (transactions that held the purge lock) it took. */
    public record Purged(long deleted, int batches) {}

    /**
     * Deletes the outbox's oldest rows while they are published and older than the retention, in seq order, at most
     * {@code batchSize} rows a transaction, until a batch finds fewer: it stops at the first row that is unpublished
     * or published within the retention, and never deletes either. Each batch holds the transaction-scoped advisory
     * lock {@link #PURGE_LOCK}: while another instance purges, this one stops at once instead of scanning the same
     * rows. Reads the outbox by its primary key only, from where the last batch stopped (seq is monotonic and the
     * relay publishes in seq order, so the purgeable rows are a prefix), never the whole table.
     */
    public Uni<Purged> purge(int batchSize) {
        return purgeFrom(Long.MIN_VALUE, batchSize, new Purged(0, 0));
    }

    private Uni<Purged> purgeFrom(long afterSeq, int batchSize, Purged sofar) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                        .execute(Tuple.of(PURGE_LOCK))
                        .chain(rows -> rows.iterator().next().getBoolean(0)
                                ? purgeBatch(conn, afterSeq, batchSize)
                                : Uni.createFrom().<long[]>nullItem()))
                .chain(batch -> {
                    if (batch == null) {
                        return Uni.createFrom().item(sofar); // another instance is purging
                    }
                    Purged now = new Purged(sofar.deleted() + batch[0], sofar.batches() + 1);
                    return batch[0] < batchSize ? Uni.createFrom().item(now) : purgeFrom(batch[1], batchSize, now);
                });
    }

    /** One batch under the lock: answers {rows deleted, the last seq deleted}. */
    private Uni<long[]> purgeBatch(SqlConnection conn, long afterSeq, int batchSize) {
        return conn.preparedQuery("WITH head AS (SELECT seq, published_at FROM outbox_event WHERE seq > $1 "
                        + "ORDER BY seq LIMIT $2), "
                        + "stop AS (SELECT min(seq) AS seq FROM head WHERE published_at IS NULL "
                        + "OR published_at >= now() - make_interval(hours => $3)), "
                        + "gone AS (DELETE FROM outbox_event o USING head WHERE o.seq = head.seq "
                        + "AND head.seq < coalesce((SELECT seq FROM stop), 9223372036854775807) "
                        + "AND o.published_at IS NOT NULL RETURNING o.seq) "
                        + "SELECT count(*), coalesce(max(seq), $1) FROM gone")
                .execute(Tuple.of(afterSeq, batchSize, retentionHours))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new long[] {row.getLong(0), row.getLong(1)};
                });
    }
}
