package io.pointmesh.analytics.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The cross-partner lift at coalition scale: a small noisy reach among millions of customers is not a division by zero. */
class CrossPartnerLiftTest {

    @Test
    void liftIsShareOverReach() {
        // 30 of 100 customers also bought there; it reaches 1,000 of 10,000: 0.30 / 0.10
        assertEquals(new BigDecimal("3.00"), ReportService.crossPartnerLift(30, 100, 1_000, 10_000));
        assertEquals(new BigDecimal("0.67"), ReportService.crossPartnerLift(2, 3, 10, 10));
    }

    @Test
    void aTinyReachAmongMillionsIsALargeLiftNotAnError() {
        // theirs rounds to a reach of 0.000000 at six places: the old formula divided by zero
        assertEquals(new BigDecimal("300000.00"), ReportService.crossPartnerLift(10, 100, 1, 3_000_000));
    }
}
