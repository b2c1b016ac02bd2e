package io.pointmesh.ledger.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer on a clock the test moves: paced only while tills earn, evenly spaced, never paced at 0. */
class BatchPacerTest {

    static final long MS = 1_000_000L;

    @Test
    void withNoTillEarningUploadsRunAtFullSpeed() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        BatchPacer pacer = new BatchPacer(200, 1_000 * MS, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, pacer.delayForNextPurchase());
        }
    }

    @Test
    void whileTillsEarnPurchasesAreSpacedAtTheRateAndFreeAgainAfterTheWindow() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        BatchPacer pacer = new BatchPacer(200, 1_000 * MS, now::get);
        pacer.tillRequest();
        // 200 a second: one slot every 5 ms, taken by purchases asking at the same moment
        assertEquals(0, pacer.delayForNextPurchase());
        assertEquals(5 * MS, pacer.delayForNextPurchase());
        assertEquals(10 * MS, pacer.delayForNextPurchase());
        now.addAndGet(100 * MS); // slots not taken meanwhile are not saved up
        assertEquals(0, pacer.delayForNextPurchase());
        assertEquals(5 * MS, pacer.delayForNextPurchase());
        now.addAndGet(1_000 * MS); // the last till earning is more than a window ago
        assertEquals(0, pacer.delayForNextPurchase());
        assertEquals(0, pacer.delayForNextPurchase());
        pacer.tillRequest();
        assertEquals(0, pacer.delayForNextPurchase());
        assertEquals(5 * MS, pacer.delayForNextPurchase());
    }

    @Test
    void aRateOfZeroNeverPaces() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        BatchPacer pacer = new BatchPacer(0, 1_000 * MS, now::get);
        pacer.tillRequest();
        assertEquals(0, pacer.delayForNextPurchase());
        assertEquals(0, pacer.delayForNextPurchase());
    }
}
