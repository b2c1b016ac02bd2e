package io.pointmesh.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

/** The tests against worked values. */
class UpliftTest {

    @Test
    void twoProportionZTest() {
        // 45/100 against 30/100: pooled p = 0.375, z = 0.15 / 0.06847 = 2.191, p = 0.0285
        Uplift.Rates r = Uplift.rates(45, 100, 30, 100);
        assertEquals(0.15, r.difference(), 1e-12);
        assertEquals(2.191, r.z(), 0.001);
        assertEquals(0.0285, r.pValue(), 0.0005);
        // unpooled interval: 0.15 -/+ 1.96 x sqrt(0.45 x 0.55 / 100 + 0.3 x 0.7 / 100) = 0.15 -/+ 0.1326
        assertEquals(0.0174, r.ciLow(), 0.0005);
        assertEquals(0.2826, r.ciHigh(), 0.0005);
    }

    @Test
    void welchTTest() {
        double[] t = {1, 2, 3, 4, 5};
        double[] c = {2, 4, 6, 8, 10};
        Uplift.Means m = Uplift.means(t, c);
        assertEquals(-3, m.difference(), 1e-12);
        assertEquals(-1.897, m.t(), 0.001);
        assertEquals(5.882, m.degreesOfFreedom(), 0.001);
        // the same p-value as commons-math's own Welch test
        assertEquals(new TTest().tTest(t, c), m.pValue(), 1e-9);
        assertTrue(m.ciLow() < -3 && m.ciHigh() > -3 && m.ciHigh() > 0, "the interval covers zero: not significant");
    }
}
