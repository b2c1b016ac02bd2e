package io.pointmesh.analytics.service;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many heavy requests (a report, a campaign's results or lift, the churn-risk ranking) each partner has being
 * answered: at most {@code max-heavy-in-flight-per-partner}, more are told to wait (429 {@code too-many-in-flight})
 * before any work. Each holds a database connection for as long as it computes (seconds for a cold report at
 * scale), and the pool is shared with the tills' offers: a partner's loop of parallel requests took every
 * connection and other partners got errors. Per instance, like the report budget.
 */
@ApplicationScoped
public class HeavyRequests {

    /** A slot held by one request; closing it gives it back (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private static final Slot OPERATOR = () -> {};

    @Inject
    AnalyticsConfig config;

    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** A slot for the partner's request (null: an operator's, not counted); 429 when all of the partner's are taken. */
    public Slot enter(String partnerId) {
        if (partnerId == null) {
            return OPERATOR;
        }
        AtomicInteger mine = inFlight.computeIfAbsent(partnerId, p -> new AtomicInteger());
        if (mine.incrementAndGet() > config.maxHeavyInFlightPerPartner()) {
            mine.decrementAndGet();
            throw ProblemException.tooManyRequests(
                    "too-many-in-flight",
                    "this partner already has " + config.maxHeavyInFlightPerPartner()
                            + " reports or campaign analyses being computed; ask again when one is answered",
                    1);
        }
        AtomicInteger held = mine;
        return new Slot() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    held.decrementAndGet();
                }
            }
        };
    }
}
