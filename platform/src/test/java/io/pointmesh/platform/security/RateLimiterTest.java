package io.pointmesh.platform.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

    static final RateLimiter.Limit THREE_A_MINUTE = new RateLimiter.Limit(3, Duration.ofMinutes(1));

    @Test
    void callsPastTheLimitAreRefusedUntilTheWindowEndsPerKey() {
        TestClock clock = TestClock.stoppedAt(START);
        RateLimiter limiter = new RateLimiter(clock);
        for (int i = 0; i < 3; i++) {
            limiter.acquire("card lookups", "p1", THREE_A_MINUTE);
        }
        ProblemException refused =
                assertThrows(ProblemException.class, () -> limiter.acquire("card lookups", "p1", THREE_A_MINUTE));
        assertEquals(429, refused.status());
        assertEquals(60, refused.retryAfterSeconds());
        assertDoesNotThrow(() -> limiter.acquire("card lookups", "p2", THREE_A_MINUTE), "another partner");
        assertDoesNotThrow(() -> limiter.acquire("other bucket", "p1", THREE_A_MINUTE), "another bucket");
        clock.advance(Duration.ofSeconds(45));
        assertEquals(
                15,
                assertThrows(ProblemException.class, () -> limiter.acquire("card lookups", "p1", THREE_A_MINUTE))
                        .retryAfterSeconds());
        clock.advance(Duration.ofSeconds(15));
        assertDoesNotThrow(() -> limiter.acquire("card lookups", "p1", THREE_A_MINUTE), "a new window");
    }

    @Test
    void onlyFailuresSpendAFailureBudget() {
        TestClock clock = TestClock.stoppedAt(START);
        RateLimiter limiter = new RateLimiter(clock);
        for (int i = 0; i < 100; i++) { // successes give their attempt back
            limiter.reserve("failed proofs", "p1", THREE_A_MINUTE);
            limiter.refund("failed proofs", "p1", THREE_A_MINUTE);
        }
        for (int i = 0; i < 3; i++) {
            limiter.reserve("failed proofs", "p1", THREE_A_MINUTE);
        }
        ProblemException refused =
                assertThrows(ProblemException.class, () -> limiter.reserve("failed proofs", "p1", THREE_A_MINUTE));
        assertTrue(refused.retryAfterSeconds() > 0);
        clock.advance(Duration.ofMinutes(1));
        assertDoesNotThrow(() -> limiter.reserve("failed proofs", "p1", THREE_A_MINUTE));
    }

    @Test
    void parallelAttemptsCannotOvertakeTheBudget() throws Exception {
        RateLimiter limiter = new RateLimiter(TestClock.stoppedAt(START));
        RateLimiter.Limit twenty = new RateLimiter.Limit(20, Duration.ofMinutes(10));
        java.util.concurrent.atomic.AtomicInteger passed = new java.util.concurrent.atomic.AtomicInteger();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        var start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 200; i++) {
            pool.submit(() -> {
                start.await();
                try {
                    limiter.reserve("failed proofs", "p1", twenty); // every attempt is a failure: never refunded
                    passed.incrementAndGet();
                } catch (ProblemException refused) {
                    // slowed down
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(20, passed.get());
        // a success gives its attempt back
        RateLimiter other = new RateLimiter(TestClock.stoppedAt(START));
        for (int i = 0; i < 100; i++) {
            other.reserve("failed proofs", "p2", twenty);
            other.refund("failed proofs", "p2", twenty);
        }
        assertDoesNotThrow(() -> other.reserve("failed proofs", "p2", twenty));
    }
}
