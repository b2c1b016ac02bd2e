package io.pointmesh.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The settlement arithmetic on its own: rounding, currencies, and the identities every statement keeps. */
class SettlementArithmeticTest {

    static Settlement.Totals totals(
            long issued, long issuedReversed, long redeemed, long redeemedReversed, long converted) {
        return new Settlement.Totals(issued, issuedReversed, 0, 0, redeemed, redeemedReversed, converted, 1, 0);
    }

    @Test
    void feesRoundHalfUpToTheCurrencysMinorUnitOnce() {
        Settlement.Terms krw = new Settlement.Terms(BigDecimal.ONE, new BigDecimal("0.05"), "KRW");
        Settlement.Amounts a = Settlement.amounts(totals(1500, 250, 800, 100, 0), krw);
        assertEquals(new BigDecimal("63"), a.networkFee());
        assertEquals(new BigDecimal("613"), a.netAmount());
        // a point worth 0.9 US cents: amounts keep cents, computed from exact products
        Settlement.Terms usd = new Settlement.Terms(new BigDecimal("0.009"), new BigDecimal("0.025"), "USD");
        Settlement.Amounts u = Settlement.amounts(totals(1001, 0, 0, 0, 0), usd);
        assertEquals(new BigDecimal("9.01"), u.issuedAmount());
        assertEquals(new BigDecimal("0.23"), u.networkFee());
    }

    @Test
    void aPeriodOfMoreRefundsThanIssuesGivesTheFeeBack() {
        Settlement.Amounts a = Settlement.amounts(
                totals(100, 300, 0, 0, 0), new Settlement.Terms(BigDecimal.ONE, new BigDecimal("0.1"), "KRW"));
        assertEquals(new BigDecimal("-200"), a.issuedAmount());
        assertEquals(new BigDecimal("-20"), a.networkFee());
        assertEquals(new BigDecimal("220"), a.networkOwes());
    }

    @Test
    void exactlyOneSideOwesTheNetAmount() {
        Random random = new Random(7);
        Settlement.Terms terms = new Settlement.Terms(BigDecimal.ONE, new BigDecimal("0.05"), "KRW");
        for (int i = 0; i < 10_000; i++) {
            Settlement.Amounts a = Settlement.amounts(
                    totals(
                            random.nextInt(1_000_000),
                            random.nextInt(100_000),
                            random.nextInt(1_000_000),
                            random.nextInt(100_000),
                            random.nextInt(50_000)),
                    terms);
            assertEquals(a.netAmount(), a.partnerOwes().subtract(a.networkOwes()));
            assertTrue(a.partnerOwes().signum() == 0 || a.networkOwes().signum() == 0);
            assertEquals(a.netAmount(), a.issuedAmount().add(a.networkFee()).subtract(a.reimbursedAmount()));
        }
    }

    @Test
    void termsOutsideTheirRangeAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> new Settlement.Terms(BigDecimal.ZERO, BigDecimal.ZERO, "KRW"));
        assertThrows(IllegalArgumentException.class, () -> new Settlement.Terms(BigDecimal.ONE, BigDecimal.ONE, "KRW"));
        assertThrows(
                IllegalArgumentException.class, () -> new Settlement.Terms(BigDecimal.ONE, BigDecimal.ZERO, "POINTS"));
    }
}
