package io.pointmesh.analytics.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The partner view's noise (docs/privacy.md), deterministically: a fixed key and fixed reports, so
 * the statistics below are the same on every run. PrivacyTest attacks the same property end to
 * end with a handful of rows; here it is measured over thousands.
 */
class DisclosureTest {

    static final byte[] KEY = "a fixed test key, not a secret".getBytes(StandardCharsets.UTF_8);
    static final int ROWS = 20_000;
    static final double EPSILON = 0.5;
    static final double ALPHA = Math.exp(-EPSILON);

    static Disclosure report(String context) {
        return Disclosure.partner(10, EPSILON, KEY, context);
    }

    @Test
    void theSameReportAnswersTheSameNoise() {
        Disclosure first = report("shop|MEMBERS|2026-10-26|2026-11-09|f1");
        Disclosure again = report("shop|MEMBERS|2026-10-26|2026-11-09|f1");
        for (int i = 0; i < 1000; i++) {
            assertEquals(first.noise("gender|F" + i), again.noise("gender|F" + i));
        }
    }

    @Test
    void noiseIsDiscreteLaplace() {
        Disclosure d = report("shop|MEMBERS|2026-10-26|2026-11-09|f1");
        int zeros = 0;
        long sum = 0;
        long absSum = 0;
        for (int i = 0; i < ROWS; i++) {
            long x = d.noise("row" + i);
            zeros += x == 0 ? 1 : 0;
            sum += x;
            absSum += Math.abs(x);
        }
        // P(0) = (1 - a) / (1 + a) = 0.245, E|x| = 2a / (1 - a^2) = 1.919 at epsilon 0.5
        assertEquals((1 - ALPHA) / (1 + ALPHA), zeros / (double) ROWS, 0.015);
        assertEquals(2 * ALPHA / (1 - ALPHA * ALPHA), absSum / (double) ROWS, 0.06);
        assertEquals(0, sum / (double) ROWS, 0.05);
    }

    /**
     * Two reports that differ only in their window, or only in the customers they cover, carry
     * independent noise: a row's noise is equal in both as often as two independent draws are
     * (sum of P(x)^2 = 0.130), so their difference does not cancel it. Noise keyed without the
     * window or without the customers would be equal on every row.
     */
    @Test
    void reportsThatDifferInAnythingCarryIndependentNoise() {
        double independent = Math.pow((1 - ALPHA) / (1 + ALPHA), 2) * (1 + ALPHA * ALPHA) / (1 - ALPHA * ALPHA);
        Disclosure base = report("shop|MEMBERS|2026-10-26|2026-11-02|f21");
        for (Disclosure other : new Disclosure[] {
            report("shop|MEMBERS|2026-10-26|2026-11-09|f21"), // a week more
            report("shop|MEMBERS|2026-10-26|2026-11-02|f22"), // one customer more
            report("rival|MEMBERS|2026-10-26|2026-11-02|f21"), // another partner
            report("shop|STORES|2026-10-26|2026-11-02|f21") // another kind
        }) {
            int equal = 0;
            for (int i = 0; i < ROWS; i++) {
                equal += base.noise("row" + i) == other.noise("row" + i) ? 1 : 0;
            }
            assertEquals(independent, equal / (double) ROWS, 0.012);
        }
        // and within one report, rows are independent of each other too
        int equal = 0;
        for (int i = 0; i < ROWS; i++) {
            equal += base.noise("row" + i) == base.noise("other" + i) ? 1 : 0;
        }
        assertEquals(independent, equal / (double) ROWS, 0.012);
    }

    /**
     * A row whose value moves while the report's own customers do not (a customer's segment changed by a
     * purchase at another partner): polled before and after, the two answers must not differ by exactly
     * the change. Keyed without the value, every row would show the change exactly (equal noise on both).
     */
    @Test
    void aValueThatMovesUnderTheSameReportGetsFreshNoise() {
        double independent = Math.pow((1 - ALPHA) / (1 + ALPHA), 2) * (1 + ALPHA * ALPHA) / (1 - ALPHA * ALPHA);
        Disclosure d = report("shop|MEMBERS|2026-10-26|2026-11-09|f1");
        int exactChange = 0;
        for (int i = 0; i < ROWS; i++) {
            String row = "segment-flow|ACTIVE>CHURNED" + i;
            long before = 40 + d.noise(row, 40);
            long after = 39 + d.noise(row, 39);
            exactChange += before - after == 1 ? 1 : 0;
            assertEquals(d.noise(row, 40), d.noise(row, 40), "the same value, the same noise");
        }
        assertEquals(independent, exactChange / (double) ROWS, 0.012);
    }

    @Test
    void aCountUnderKIsLeftOutAndOperatorsSeeItExact() {
        Disclosure d = report("shop|MEMBERS|2026-10-26|2026-11-09|f1");
        for (int i = 0; i < 1000; i++) {
            assertNull(d.count("row" + i, 9), "a true count under k is never shown, whatever its noise");
            Long shown = d.count("row" + i, 12);
            assertTrue(shown == null || shown >= 10, "a noisy count under k is left out: " + shown);
        }
        assertEquals(3L, Disclosure.exact(10).count("row", 3));
        assertThrows(
                IllegalStateException.class,
                () -> Disclosure.partnerThresholdOnly(10).noise("row"));
    }
}
