package io.pointmesh.ledger.service;

import java.util.function.LongSupplier;

/**
 * Paces the purchases of batch requests while tills are earning. An upload at full speed keeps
 * every core busy, and a till's lone earning then waits for a core at every step (tens of
 * milliseconds on two cores, docs/benchmarks.md, "Earn in batches"). So while lone earnings have
 * been seen within the last {@code window}, batch purchases start at most {@code perSecond} a
 * second (all batches of this instance together, one evenly spaced slot each); with no till
 * earning, uploads run at full speed. {@code perSecond} 0 never paces.
 */
final class BatchPacer {

    private final long intervalNanos;
    private final long windowNanos;
    private final LongSupplier clock;
    private volatile long lastTillRequest;
    private volatile boolean tillRequestSeen;
    private long nextSlot;

    BatchPacer(int perSecond, long windowNanos, LongSupplier clock) {
        this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    /** A till's request (a lone earning, a hold) arrived: batches are paced for the next window. */
    void tillRequest() {
        lastTillRequest = clock.getAsLong();
        tillRequestSeen = true;
    }

    /** Whether a till's request arrived within the window: batch purchases are paced now. */
    boolean pacing() {
        return intervalNanos > 0 && tillRequestSeen && clock.getAsLong() - lastTillRequest <= windowNanos;
    }

    /** Nanoseconds the next batch purchase must wait before it starts (0: at once), its slot taken. */
    long delayForNextPurchase() {
        if (intervalNanos == 0 || !tillRequestSeen) {
            return 0;
        }
        long now = clock.getAsLong();
        if (now - lastTillRequest > windowNanos) {
            return 0;
        }
        synchronized (this) {
            long at = Math.max(nextSlot, now);
            nextSlot = at + intervalNanos;
            return at - now;
        }
    }
}
