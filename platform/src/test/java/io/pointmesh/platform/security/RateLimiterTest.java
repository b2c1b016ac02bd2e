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

    static final Duration WAIT = Duration.ofSeconds(2);

    @Test
    void onlyFailuresSpendAFailureBudget() {
        TestClock clock = TestClock.stoppedAt(START);
        RateLimiter limiter = new RateLimiter(clock);
        for (int i = 0; i < 100; i++) { // successes, and attempts that were neither, give their place back
            try (var attempt = limiter.attempt("failed proofs", "p1", THREE_A_MINUTE, WAIT)) {
                if (i % 2 == 0) {
                    attempt.succeeded();
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            limiter.attempt("failed proofs", "p1", THREE_A_MINUTE, WAIT).failed();
        }
        ProblemException refused = assertThrows(
                ProblemException.class, () -> limiter.attempt("failed proofs", "p1", THREE_A_MINUTE, WAIT));
        assertEquals(429, refused.status());
        assertEquals(60, refused.retryAfterSeconds());
        assertDoesNotThrow(() -> limiter.attempt("failed proofs", "p2", THREE_A_MINUTE, WAIT), "another partner");
        clock.advance(Duration.ofMinutes(1));
        assertDoesNotThrow(() -> limiter.attempt("failed proofs", "p1", THREE_A_MINUTE, WAIT), "a new window");
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
                    var attempt = limiter.attempt("failed proofs", "p1", twenty, WAIT);
                    passed.incrementAndGet();
                    attempt.failed(); // every attempt is a wrong guess
                } catch (ProblemException refused) {
                    // slowed down
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(20, passed.get());
    }

    @Test
    void genuineAttemptsBeyondTheBudgetInFlightWaitInsteadOfBeingRefused() throws Exception {
        RateLimiter limiter = new RateLimiter(TestClock.stoppedAt(START));
        // a partner with many tills: 200 holds at once, each proof taking a moment, against a budget of 20
        RateLimiter.Limit twenty = new RateLimiter.Limit(20, Duration.ofMinutes(10));
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger succeeded = new java.util.concurrent.atomic.AtomicInteger();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(64);
        var start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 200; i++) {
            int n = i;
            pool.submit(() -> {
                start.await();
                try (var attempt = limiter.attempt("failed proofs", "p1", twenty, WAIT)) {
                    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    Thread.sleep(5);
                    inFlight.decrementAndGet();
                    if (n % 50 == 0) {
                        attempt.failed(); // a few wrong PINs among them
                    } else {
                        attempt.succeeded();
                        succeeded.incrementAndGet();
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(196, succeeded.get(), "no genuine attempt refused while the budget had room");
        assertTrue(mostInFlight.get() <= 20, "in flight at once: " + mostInFlight.get());
        // the four failures count: 16 places are left
        for (int i = 0; i < 16; i++) {
            limiter.attempt("failed proofs", "p1", twenty, WAIT).failed();
        }
        assertThrows(ProblemException.class, () -> limiter.attempt("failed proofs", "p1", twenty, WAIT));
    }

    @Test
    void aFloodOfWaitingAttemptsIsRefusedInsteadOfParkingThreads() throws Exception {
        RateLimiter limiter = new RateLimiter(TestClock.stoppedAt(START));
        RateLimiter.Limit one = new RateLimiter.Limit(1, Duration.ofMinutes(10));
        var held = limiter.attempt("failed proofs", "p1", one, WAIT); // the only place, in flight
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.concurrent.atomic.AtomicInteger refusedAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 16; i++) {
            pool.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    limiter.attempt("failed proofs", "p1", one, Duration.ofMillis(300));
                } catch (ProblemException refused) {
                    if (System.nanoTime() - t0 < Duration.ofMillis(200).toNanos()) {
                        refusedAtOnce.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        // at most 4 x the budget wait; the rest are refused without waiting
        assertTrue(refusedAtOnce.get() >= 12, "refused at once: " + refusedAtOnce.get());
        held.failed();
    }
}
