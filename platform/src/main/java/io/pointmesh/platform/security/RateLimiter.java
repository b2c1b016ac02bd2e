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
    private final Clock clock;

    public RateLimiter() {
        this(Clock.systemUTC());
    }

    RateLimiter(Clock clock) {
        this.clock = clock;
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
     * Takes one attempt from {@code key}'s budget of failures before the attempt is made, atomically
     * (so parallel attempts cannot all pass a check that only reads); refuses (429) when none is
     * left. Give it back with {@link #refund} when the attempt succeeds.
     */
    public void reserve(String bucket, String key, Limit limit) {
        long now = clock.millis();
        boolean[] over = {false};
        Window w = windows.compute(bucket + '\u0000' + key, (k, old) -> {
            Window current = current(old, now, limit);
            if (current != null && current.count >= limit.max()) {
                over[0] = true;
                return current;
            }
            return current == null ? new Window(now, 1) : new Window(current.startMillis, current.count + 1);
        });
        if (over[0]) {
            throw refused(bucket, w, now, limit);
        }
    }

    /** Gives back an attempt {@link #reserve} took, when it turned out not to be a failure. */
    public void refund(String bucket, String key, Limit limit) {
        long now = clock.millis();
        windows.computeIfPresent(bucket + '\u0000' + key, (k, old) -> {
            Window current = current(old, now, limit);
            return current == null || current.count <= 1 ? null : new Window(current.startMillis, current.count - 1);
        });
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
