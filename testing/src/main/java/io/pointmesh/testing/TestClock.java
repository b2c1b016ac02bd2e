package io.pointmesh.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock tests move. {@link #following()} runs with real time plus an offset the test may
 * advance (and must {@link #reset()}); {@link #stoppedAt(Instant)} stands still until the test
 * sets or advances it. UTC, safe to share between threads.
 */
public final class TestClock extends Clock {

    private volatile Instant stopped;
    private volatile Duration offset = Duration.ZERO;

    private TestClock(Instant stopped) {
        this.stopped = stopped;
    }

    /** Real time, moved by {@link #advance(Duration)}. */
    public static TestClock following() {
        return new TestClock(null);
    }

    /** A clock standing at {@code instant}. */
    public static TestClock stoppedAt(Instant instant) {
        return new TestClock(instant);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Stops the clock at {@code instant} (no offset). */
    public void set(Instant instant) {
        stopped = instant;
        offset = Duration.ZERO;
    }

    /** Back to where it started: no offset (a following clock is real time again). */
    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        Instant base = stopped;
        return (base == null ? Instant.now() : base).plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
