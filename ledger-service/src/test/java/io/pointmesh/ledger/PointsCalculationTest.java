package io.pointmesh.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.ledger.PointsCalculation.GrantedBonus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The earn and reversal formulas of docs/ledger.md ("Rules"), case by case. */
class PointsCalculationTest {

    @ParameterizedTest(name = "{0} x {1}, minimum {2}, cap {3} -> {4}")
    @CsvSource(
            nullValues = "-",
            value = {
                // amount, rate, minimum purchase, cap, base
                "10000,    0.01,  0,     -,    100", // plain
                "12345,    0.01,  0,     -,    123", // floor, never rounded up
                "99,       0.01,  0,     -,    0", // below one point
                "199.99,   0.01,  0,     -,    1", // decimals floor too
                "999,      0.05,  1000,  -,    0", // below the minimum purchase: nothing
                "1000,     0.05,  1000,  -,    50", // at the minimum: earns
                "100000,   0.05,  0,     500,  500", // per-transaction cap
                "9999,     0.05,  0,     500,  499", // just under the cap
                "5000,     0,     0,     -,    0", // a zero rate
                "33333,    0.015, 0,     -,    499", // 499.995 floors
            })
    void basePoints(BigDecimal amount, BigDecimal rate, BigDecimal minimum, Long cap, long expected) {
        assertEquals(expected, PointsCalculation.basePoints(amount, rate, minimum, cap));
    }

    @ParameterizedTest(name = "base {0}, multiplier {1}, fixed {2}, isMultiplier {3} -> {4}")
    @CsvSource(
            nullValues = "-",
            value = {
                "100, 2,    0,  true,  100", // double points adds the base once more
                "101, 1.5,  0,  true,  50", // floor(50.5)
                "100, 1,    0,  true,  0", // x1 adds nothing
                "100, 0.5,  0,  true,  0", // below 1 adds nothing, never takes
                "100, -,    0,  true,  0", // no multiplier set
                "100, -,    40, false, 40", // fixed
                "0,   -,    40, false, 40", // fixed regardless of base (EarnService offers it only with base > 0)
                "100, -,    -5, false, 0", // never negative
            })
    void campaignBonus(long base, BigDecimal multiplier, long fixed, boolean isMultiplier, long expected) {
        assertEquals(expected, PointsCalculation.campaignBonus(base, multiplier, fixed, isMultiplier));
    }

    @ParameterizedTest(name = "base {0}, partner bonus {1}, network bonus {2}, grade x{3} -> total {4}")
    @CsvSource({
        // base, partner-funded bonus, network-funded bonus, grade multiplier, total, partner points, network points,
        // grade bonus
        "100, 0,   0,  1.0, 100, 100, 0,  0",
        "100, 0,   0,  1.5, 150, 150, 0,  50", // the uplift on what the partner funds is the partner's
        "101, 0,   0,  1.5, 151, 151, 0,  50", // floor(151.5): the grade uplift rounds down
        "100, 100, 0,  1.2, 240, 240, 0,  40", // the multiplier applies to base + bonuses
        "100, 0,   40, 1.2, 168, 120, 48, 28", // the network funds its bonus and the uplift on it (8) only
        "3,   0,   3,  1.5, 9,   5,   4,  3", // floor(6 x 1.5) - 6 = 3, the network's floor(3 x 0.5) = 1
        "7,   0,   0,  1.1, 7,   7,   0,  0", // 7.7 floors to 7: no uplift at all
        "0,   0,   0,  1.5, 0,   0,   0,  0",
    })
    void total(
            long base,
            long partnerBonus,
            long networkBonus,
            BigDecimal grade,
            long total,
            long partner,
            long network,
            long gradeBonus) {
        List<GrantedBonus> bonuses = new ArrayList<>();
        if (partnerBonus > 0) {
            bonuses.add(new GrantedBonus("c-partner", partnerBonus, false));
        }
        if (networkBonus > 0) {
            bonuses.add(new GrantedBonus("c-network", networkBonus, true));
        }
        PointsCalculation.Result r = PointsCalculation.total(base, bonuses, grade);
        assertEquals(total, r.total());
        assertEquals(partner, r.partnerPoints());
        assertEquals(network, r.networkPoints());
        assertEquals(gradeBonus, r.gradeBonus());
    }

    @ParameterizedTest(name = "{0} points of {1}, refunds {2} -> {3}")
    @CsvSource({
        // earning points, purchase amount, successive refunds (;), points taken back per refund (;)
        "100, 10000, 10000,          100",
        "100, 10000, 5000;5000,      50;50",
        "100, 3,     1;1;1,          33;33;34", // the last refund takes the rounding remainder
        "10,  10000, 1;1;9998,       0;0;10", // tiny refunds take nothing until they add up
        "123, 10000, 3333;3333;3334, 40;41;42",
        "7,   700,   350;349;1,      3;3;1",
        "0,   500,   500,            0",
    })
    void reversalPoints(long points, BigDecimal amount, String refunds, String expected) {
        BigDecimal before = BigDecimal.ZERO;
        String[] steps = refunds.split(";");
        String[] want = expected.split(";");
        long total = 0;
        for (int i = 0; i < steps.length; i++) {
            BigDecimal after = before.add(new BigDecimal(steps[i]));
            long got = PointsCalculation.reversalPoints(points, amount, before, after);
            assertEquals(Long.parseLong(want[i]), got, "refund " + (i + 1));
            total += got;
            before = after;
        }
        if (before.compareTo(amount) == 0) {
            assertEquals(points, total, "refunds adding up to the purchase take back exactly its points");
        }
    }

    @ParameterizedTest(name = "{0} points ({1} network) of {2}, refunds {3} -> network {4}")
    @CsvSource({
        // earning points, network points, amount, refunds (;), network part per refund (;)
        "150, 50,  10000, 10000,          50",
        "150, 50,  10000, 5000;5000,      25;25",
        "151, 50,  3,     1;1;1,          16;17;17", // cumulative: ends at exactly the network's 50
        "100, 0,   1000,  500;500,        0;0", // nothing network-funded
        "3,   1,   3,     1;1;1,          0;0;1", // split refunds never over-credit the partner
        "168, 68,  9,     2;2;2;3,        14;15;16;23",
    })
    void networkReversalPoints(long points, long network, BigDecimal amount, String refunds, String expected) {
        BigDecimal before = BigDecimal.ZERO;
        String[] steps = refunds.split(";");
        String[] want = expected.split(";");
        long totalNetwork = 0;
        long totalPoints = 0;
        for (int i = 0; i < steps.length; i++) {
            BigDecimal after = before.add(new BigDecimal(steps[i]));
            long step = PointsCalculation.reversalPoints(points, amount, before, after);
            long share = PointsCalculation.networkReversalPoints(points, network, amount, before, after);
            assertEquals(Long.parseLong(want[i]), share, "refund " + (i + 1));
            assertEquals(true, share >= 0 && share <= step, "the network's part is within the step");
            totalNetwork += share;
            totalPoints += step;
            before = after;
        }
        if (before.compareTo(amount) == 0) {
            assertEquals(network, totalNetwork, "the network gets back exactly its points");
            assertEquals(points - network, totalPoints - totalNetwork, "the partner gets back exactly its points");
        }
    }

    /**
     * I19 under random histories: for any earning split between the network, several co-funders
     * and the partner, and any sequence of partial refunds adding up to the purchase, every step
     * gives each funder (and the partner) a non-negative part, the steps add up to the reversal,
     * and the whole refund gives back exactly each funder's points.
     */
    @org.junit.jupiter.api.RepeatedTest(200)
    void fundersReversalPointsAreMonotoneAndExact(org.junit.jupiter.api.RepetitionInfo info) {
        java.util.Random random = new java.util.Random(info.getCurrentRepetition() * 7919L);
        long points = 1 + random.nextInt(5000);
        int funders = 1 + random.nextInt(4);
        long[] shares = new long[funders];
        long left = points;
        for (int i = 0; i < funders; i++) {
            shares[i] = random.nextInt(3) == 0 ? 0 : random.nextLong(left + 1);
            left -= shares[i];
        }
        BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(100_000));
        BigDecimal refunded = BigDecimal.ZERO;
        long[] back = new long[funders];
        long partnerBack = 0;
        while (refunded.compareTo(amount) < 0) {
            BigDecimal step = amount.subtract(refunded).min(BigDecimal.valueOf(1 + random.nextInt(40_000)));
            BigDecimal after = refunded.add(step);
            long reversed = PointsCalculation.reversalPoints(points, amount, refunded, after);
            long[] parts = PointsCalculation.fundersReversalPoints(points, shares, amount, refunded, after);
            long toFunders = 0;
            for (int i = 0; i < funders; i++) {
                org.junit.jupiter.api.Assertions.assertTrue(parts[i] >= 0, "a funder's part is never negative");
                back[i] += parts[i];
                toFunders += parts[i];
            }
            org.junit.jupiter.api.Assertions.assertTrue(toFunders <= reversed, "the partner's part is never negative");
            partnerBack += reversed - toFunders;
            refunded = after;
        }
        for (int i = 0; i < funders; i++) {
            assertEquals(shares[i], back[i], "funder " + i + " gets back exactly its points");
        }
        assertEquals(left, partnerBack, "the partner gets back exactly its points");
    }
}
