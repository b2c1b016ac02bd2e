package io.pointmesh.platform.security;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Which partners are barred right now (suspended or offboarded), for {@link PartnerAccessFilter}.
 *
 * <p>Each service answers from its own database with one query, {@code pointmesh.partner-access.barred-query}
 * (the partner ids that may not call it), which it keeps current from partner.events. Every instance
 * reloads the set every {@code pointmesh.partner-access.refresh} (2 s), so a suspension stops a
 * partner's tokens, integration and staff alike, within seconds on every instance, not at token
 * expiry. Checking is a lookup in memory: the filter never waits for the database.
 */
@ApplicationScoped
public class PartnerAccess {

    private static final Logger LOG = Logger.getLogger(PartnerAccess.class);

    @Inject
    Pool pool;

    @ConfigProperty(name = "pointmesh.partner-access.barred-query")
    Optional<String> barredQuery;

    private volatile Set<String> barred = Set.of();
    private volatile boolean loaded;

    void onStart(@Observes StartupEvent start) {
        if (barredQuery.isPresent()) {
            // Load once before serving; if the database is not there yet, readiness stays down
            // (PartnerAccessReadiness) until a refresh succeeds.
            refresh().await().atMost(Duration.ofSeconds(30));
        }
    }

    @Scheduled(
            every = "${pointmesh.partner-access.refresh:2s}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            // not while the application stops: its pool is closing (the last set stays until then)
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        if (barredQuery.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query(barredQuery.get())
                .execute()
                .invoke(rows -> {
                    Set<String> ids = new HashSet<>();
                    for (Row row : rows) {
                        ids.add(row.getString(0));
                    }
                    barred = Set.copyOf(ids);
                    loaded = true;
                })
                .onFailure()
                .invoke(e -> LOG.warnf("partner access not refreshed (keeping the last set): %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** The partner is suspended or offboarded (as far as this service has heard). */
    public boolean isBarred(String partnerId) {
        return barred.contains(partnerId);
    }

    /** Whether the barred set has been loaded at least once (readiness). */
    public boolean loaded() {
        return loaded || barredQuery.isEmpty();
    }
}
