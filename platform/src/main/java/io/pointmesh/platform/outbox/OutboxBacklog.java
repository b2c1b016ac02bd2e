package io.pointmesh.platform.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox's backlog as metrics: {@code pointmesh_outbox_backlog} (events committed and not yet
 * published) and {@code pointmesh_outbox_oldest_age_seconds} (how long the oldest of them has
 * waited). A relay that cannot reach Kafka shows as both growing; an alert on the age catches it
 * before consumers' data goes stale. Read every 15 s by a query on the outbox's partial index,
 * not at scrape time, so a scrape never waits on the database.
 */
@ApplicationScoped
public class OutboxBacklog {

    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    @Inject
    Pool pool;

    @Inject
    public OutboxBacklog(MeterRegistry registry) {
        Gauge.builder("pointmesh.outbox.backlog", backlog, AtomicLong::get)
                .description("events committed to the outbox and not yet published to Kafka")
                .register(registry);
        Gauge.builder("pointmesh.outbox.oldest.age.seconds", oldestAgeSeconds, AtomicLong::get)
                .description("seconds the oldest unpublished outbox event has waited (0 when none waits)")
                .register(registry);
    }

    @Scheduled(every = "${pointmesh.outbox.backlog-interval:15s}", delayed = "5s")
    Uni<Void> refresh() {
        return pool.query("SELECT count(*), coalesce(floor(extract(epoch FROM now() - min(created_at))), 0)::bigint "
                        + "FROM outbox_event WHERE published_at IS NULL")
                .execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    backlog.set(row.getLong(0));
                    oldestAgeSeconds.set(row.getLong(1));
                })
                .onFailure()
                .recoverWithNull() // the database is away: the last figures stay until it is back
                .replaceWithVoid();
    }

    /** Now, for tests: reads the backlog at once. */
    public Uni<Void> refreshNow() {
        return refresh();
    }
}
