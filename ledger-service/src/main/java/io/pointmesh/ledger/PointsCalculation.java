package io.pointmesh.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The earn formula, pure: points = floor((base + campaign bonuses) x grade multiplier), where
 * base = floor(amount x rate) (0 below the rule's minimum purchase, at most its per-transaction
 * cap). The partner funds the base and its own campaigns' bonuses; the network funds its
 * campaigns' bonuses and the grade uplift.
 */
public final class PointsCalculation {

    private PointsCalculation() {}

    /** A campaign's bonus as granted (after its budget). */
    public record GrantedBonus(String campaignId, long points, boolean networkFunded) {}

    public record Result(
            long basePoints,
            List<GrantedBonus> bonuses,
            BigDecimal gradeMultiplier,
            long gradeBonus,
            long partnerPoints,
            long networkPoints) {
        public long total() {
            return partnerPoints + networkPoints;
        }
    }

    public static long basePoints(
            BigDecimal amount, BigDecimal rate, BigDecimal minimumPurchase, Long perTransactionCap) {
        if (minimumPurchase != null && amount.compareTo(minimumPurchase) < 0) {
            return 0;
        }
        long base = amount.multiply(rate).setScale(0, RoundingMode.FLOOR).longValueExact();
        return perTransactionCap == null ? base : Math.min(base, perTransactionCap);
    }

    /** A multiplier campaign adds (multiplier - 1) x base; a fixed one its fixed points. */
    public static long campaignBonus(long basePoints, BigDecimal multiplier, long fixedPoints, boolean isMultiplier) {
        if (isMultiplier) {
            return multiplier == null || multiplier.compareTo(BigDecimal.ONE) <= 0
                    ? 0
                    : BigDecimal.valueOf(basePoints)
                            .multiply(multiplier.subtract(BigDecimal.ONE))
                            .setScale(0, RoundingMode.FLOOR)
                            .longValueExact();
        }
        return Math.max(0, fixedPoints);
    }

    public static Result total(long basePoints, List<GrantedBonus> bonuses, BigDecimal gradeMultiplier) {
        if (gradeMultiplier.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException("a grade multiplier is at least 1");
        }
        long partner = basePoints;
        long network = 0;
        for (GrantedBonus b : bonuses) {
            if (b.networkFunded()) {
                network += b.points();
            } else {
                partner += b.points();
            }
        }
        long subtotal = partner + network;
        long total = BigDecimal.valueOf(subtotal)
                .multiply(gradeMultiplier)
                .setScale(0, RoundingMode.FLOOR)
                .longValueExact();
        long gradeBonus = total - subtotal;
        return new Result(basePoints, List.copyOf(bonuses), gradeMultiplier, gradeBonus, partner, network + gradeBonus);
    }

    /**
     * Points to take back when the refunds of an earning reach {@code refundedAfter}: computed on
     * the cumulative refund, so partial refunds adding up to the whole amount take back exactly
     * the earning's points, never more.
     */
    public static long reversalPoints(
            long earningPoints, BigDecimal amount, BigDecimal refundedBefore, BigDecimal refundedAfter) {
        return proportion(earningPoints, amount, refundedAfter) - proportion(earningPoints, amount, refundedBefore);
    }

    /**
     * The network's part of a reversal step: the network's share of everything reversed so far,
     * floor(cumulative points x networkPoints / earningPoints), after minus before. Cumulative, so
     * split refunds that add up to the purchase give back exactly the network's points and exactly
     * the partner's (a per-step share, clipped to the step, would over-credit the partner).
     */
    public static long networkReversalPoints(
            long earningPoints,
            long networkPoints,
            BigDecimal amount,
            BigDecimal refundedBefore,
            BigDecimal refundedAfter) {
        if (earningPoints <= 0 || networkPoints <= 0) {
            return 0;
        }
        return networkShareOf(proportion(earningPoints, amount, refundedAfter), earningPoints, networkPoints)
                - networkShareOf(proportion(earningPoints, amount, refundedBefore), earningPoints, networkPoints);
    }

    private static long networkShareOf(long reversed, long earningPoints, long networkPoints) {
        return BigDecimal.valueOf(reversed)
                .multiply(BigDecimal.valueOf(networkPoints))
                .divide(BigDecimal.valueOf(earningPoints), 0, RoundingMode.FLOOR)
                .longValueExact();
    }

    static long proportion(long points, BigDecimal amount, BigDecimal refunded) {
        if (refunded.compareTo(amount) >= 0) {
            return points;
        }
        return BigDecimal.valueOf(points)
                .multiply(refunded)
                .divide(amount, 0, RoundingMode.FLOOR)
                .longValueExact();
    }
}
