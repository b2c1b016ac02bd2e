package io.pointmesh.platform.security;

import io.pointmesh.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows a caller down (429 with Retry-After) once it has used up a budget within a fixed window:
 * card lookups per partner, and failed spending proofs (wrong PINs, unknown payment codes) per
 * partner. Counts live in this instance's memory: with N instances a partner gets at most N times
 * the budget, which the budgets allow for (docs/security.md, "Brute force"); what must hold across
 * instances and restarts (a member's PIN lock) lives in the database instead.
 */
@ApplicationScoped
public class RateLimiter {

    /** At most {@code max} events per {@code window}. */
    public record Limit(int max, Duration window) {}

    private record Window(long startMillis, int count) {}

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Budget> budgets = new ConcurrentHashMap<>();
    private final Clock clock;

    public RateLimiter() {
        this(Clock.systemUTC());
    }

    RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Refuses (429) when {@code key} has used up its budget in {@code bucket} in this window, counting
     * nothing: for budgets of failures, counted with {@link #acquire} only when a call failed.
     */
    public void requireBudgetLeft(String bucket, String key, Limit limit) {
        long now = clock.millis();
        Window w = current(windows.get(bucket + '\u0000' + key), now, limit);
        if (w != null && w.count >= limit.max()) {
            throw refused(bucket, w, now, limit);
        }
    }

    /** Counts one call of {@code key} in {@code bucket}; refuses it (429) past the limit. */
    public void acquire(String bucket, String key, Limit limit) {
        long now = clock.millis();
        Window w = count(bucket, key, limit, now);
        if (w.count > limit.max()) {
            throw refused(bucket, w, now, limit);
        }
    }

    /**
     * An attempt that may turn out to be a failure (a spending proof), holding one place of its
     * key's failure budget while it is made: {@link #failed} keeps the place (a failure, for the rest
     * of the window), {@link #succeeded} gives it back; closing it unresolved gives it back too (the
     * attempt was neither: the database was down, the request was refused for another reason).
     */
    public final class Attempt implements AutoCloseable {
        private final Budget budget;
        private boolean resolved;

        private Attempt(Budget budget) {
            this.budget = budget;
        }

        public void failed() {
            resolve(true);
        }

        public void succeeded() {
            resolve(false);
        }

        @Override
        public void close() {
            resolve(false);
        }

        private void resolve(boolean failure) {
            synchronized (budget) {
                if (resolved) {
                    return;
                }
                resolved = true;
                budget.inFlight--;
                if (failure) {
                    budget.roll(clock.millis());
                    budget.failures++;
                }
                budget.notifyAll();
            }
        }
    }

    /**
     * Takes a place in {@code key}'s budget of failures before an attempt that may fail is made, so
     * that parallel attempts can never overtake the budget: failures + attempts in flight never
     * exceed {@code limit.max()}. An attempt that finds every remaining place held by attempts in
     * flight waits (up to {@code maxWait}) for one to be resolved instead of being refused: a busy
     * partner's genuine attempts queue for a moment, they are not refused while its budget has room.
     * Refused (429) at once when the failures alone have used the budget, and when too many attempts
     * already wait (a flood must not park the service's threads).
     */
    public Attempt attempt(String bucket, String key, Limit limit, Duration maxWait) {
        long now = clock.millis();
        Budget budget = budgets.computeIfAbsent(bucket + '\u0000' + key, k -> new Budget(limit, now));
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (budget) {
            while (true) {
                budget.roll(clock.millis());
                if (budget.failures >= limit.max()) {
                    throw refused(bucket, new Window(budget.startMillis, budget.failures), clock.millis(), limit);
                }
                if (budget.failures + budget.inFlight < limit.max()) {
                    budget.inFlight++;
                    return new Attempt(budget);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || budget.waiting >= limit.max() * 4) {
                    throw ProblemException.tooManyRequests(
                            "rate-limited", "too many " + bucket + " in progress from this partner; try again", 1);
                }
                budget.waiting++;
                try {
                    budget.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a place in " + bucket, e);
                } finally {
                    budget.waiting--;
                }
            }
        }
    }

    /** One key's failures in its current window, and its attempts in flight and waiting (guarded by itself). */
    private static final class Budget {
        private final long windowMillis;
        long startMillis;
        int failures;
        int inFlight;
        int waiting;

        Budget(Limit limit, long now) {
            this.windowMillis = limit.window().toMillis();
            this.startMillis = now;
        }

        /** A new window once the last one ended: failures are forgotten, attempts in flight stay. */
        void roll(long now) {
            if (now - startMillis >= windowMillis) {
                startMillis = now;
                failures = 0;
            }
        }
    }

    private Window count(String bucket, String key, Limit limit, long now) {
        Window w = windows.compute(
                bucket + '\u0000' + key,
                (k, old) -> current(old, now, limit) == null
                        ? new Window(now, 1)
                        : new Window(old.startMillis, old.count + 1));
        if (windows.size() > 100_000) {
            // bounded memory: windows older than an hour are over whatever their limit
            windows.entrySet()
                    .removeIf(e ->
                            now - e.getValue().startMillis > Duration.ofHours(1).toMillis());
        }
        return w;
    }

    private static Window current(Window w, long now, Limit limit) {
        return w == null || now - w.startMillis >= limit.window().toMillis() ? null : w;
    }

    private static ProblemException refused(String bucket, Window w, long now, Limit limit) {
        long wait = (w.startMillis + limit.window().toMillis() - now + 999) / 1000;
        return ProblemException.tooManyRequests(
                "rate-limited",
                "too many " + bucket + " from this partner; try again in " + Math.max(1, wait) + " s",
                wait);
    }
}
