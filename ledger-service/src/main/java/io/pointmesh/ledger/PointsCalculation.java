package io.pointmesh.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The earn formula, pure: points = floor((base + campaign bonuses) x grade multiplier), where
 * base = floor(amount x rate) (0 below the rule's minimum purchase, at most its per-transaction
 * cap). The partner funds the base and its own campaigns' bonuses, less what a co-funding partner
 * pays of a joint campaign's bonus (floor(bonus x share)); the network funds its campaigns' bonuses.
 * The grade uplift is funded with what it multiplies: the network's on its own bonuses
 * (floor(network bonuses x (multiplier - 1))), the earning's partner the rest. Were the network to pay
 * the uplift on what a partner reports, a partner colluding with a top-grade member (a purchase it
 * invents, a campaign of its own) would be paid by the network for points it only has to reimburse
 * itself. I19: points = partner + network + co-funded, exactly.
 */
public final class PointsCalculation {

    private PointsCalculation() {}

    /**
     * A campaign's bonus as granted (after its budget); {@code coFundedPoints} of it paid by the
     * co-funding partner {@code coFunderId} (null and 0 when nobody co-funds).
     */
    public record GrantedBonus(
            String campaignId, long points, boolean networkFunded, String coFunderId, long coFundedPoints) {

        public GrantedBonus(String campaignId, long points, boolean networkFunded) {
            this(campaignId, points, networkFunded, null, 0);
        }
    }

    /** The co-funder's part of a bonus: floor(points x share), so the campaign's partner pays the rounding. */
    public static long coFundedPart(long points, BigDecimal share) {
        if (share == null || share.signum() <= 0) {
            return 0;
        }
        return Math.min(
                points,
                BigDecimal.valueOf(points)
                        .multiply(share)
                        .setScale(0, RoundingMode.FLOOR)
                        .longValueExact());
    }

    public record Result(
            long basePoints,
            List<GrantedBonus> bonuses,
            BigDecimal gradeMultiplier,
            long gradeBonus,
            long partnerPoints,
            long networkPoints,
            long coFundedPoints,
            long networkGradeBonus) {

        /** The part of the grade uplift the earning's partner funds (with its base and its own bonuses). */
        public long partnerGradeBonus() {
            return gradeBonus - networkGradeBonus;
        }

        public long total() {
            return partnerPoints + networkPoints + coFundedPoints;
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

    /**
     * A multiplier campaign adds (multiplier - 1) x base; a fixed one its fixed points. Either is
     * at most one operation's limit ({@link PointLimits}): a campaign from an older release or a
     * hostile client cannot make a bonus, or a sum of them, overflow.
     */
    public static long campaignBonus(long basePoints, BigDecimal multiplier, long fixedPoints, boolean isMultiplier) {
        if (isMultiplier) {
            return multiplier == null || multiplier.compareTo(BigDecimal.ONE) <= 0
                    ? 0
                    : BigDecimal.valueOf(basePoints)
                            .multiply(multiplier.subtract(BigDecimal.ONE))
                            .setScale(0, RoundingMode.FLOOR)
                            .min(BigDecimal.valueOf(PointLimits.MAX_PER_OPERATION))
                            .longValueExact();
        }
        return Math.min(Math.max(0, fixedPoints), PointLimits.MAX_PER_OPERATION);
    }

    public static Result total(long basePoints, List<GrantedBonus> bonuses, BigDecimal gradeMultiplier) {
        if (gradeMultiplier.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException("a grade multiplier is at least 1");
        }
        long partner = basePoints;
        long network = 0;
        long coFunded = 0;
        for (GrantedBonus b : bonuses) {
            if (b.networkFunded()) {
                network = Math.addExact(network, b.points());
            } else {
                partner = Math.addExact(partner, b.points() - b.coFundedPoints());
                coFunded = Math.addExact(coFunded, b.coFundedPoints());
            }
        }
        long subtotal = Math.addExact(Math.addExact(partner, network), coFunded);
        long total = BigDecimal.valueOf(subtotal)
                .multiply(gradeMultiplier)
                .setScale(0, RoundingMode.FLOOR)
                .longValueExact();
        long gradeBonus = total - subtotal;
        // floor(network x (m - 1)) <= floor(subtotal x (m - 1)) = gradeBonus: the partner's part is never negative
        long networkUplift = BigDecimal.valueOf(network)
                .multiply(gradeMultiplier.subtract(BigDecimal.ONE))
                .setScale(0, RoundingMode.FLOOR)
                .longValueExact();
        return new Result(
                basePoints,
                List.copyOf(bonuses),
                gradeMultiplier,
                gradeBonus,
                Math.addExact(partner, gradeBonus - networkUplift),
                network + networkUplift,
                coFunded,
                networkUplift);
    }

    /**
     * Points to take back when the refunds of an earning reach {@code refundedAfter}: computed on
     * the cumulative refund, so partial refunds adding up to the whole amount take back exactly
     * the earning's points, never more.
     */
    /**
     * What of a refunded bonus goes back to its campaign's budget: the bonus's reversal step, scaled by what the
     * refund took back of its points ({@code points - debt} of {@code points}), rounded down. Nothing when the
     * step reversed no points.
     */
    public static long budgetReturned(long bonusStep, long points, long debt) {
        if (bonusStep <= 0 || points <= 0 || debt >= points) {
            return 0;
        }
        return java.math.BigInteger.valueOf(bonusStep)
                .multiply(java.math.BigInteger.valueOf(points - Math.max(0, debt)))
                .divide(java.math.BigInteger.valueOf(points))
                .longValueExact();
    }

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
        return shareOf(proportion(earningPoints, amount, refundedAfter), earningPoints, networkPoints)
                - shareOf(proportion(earningPoints, amount, refundedBefore), earningPoints, networkPoints);
    }

    /**
     * The funders' parts of a reversal step, for an earning of {@code earningPoints} of which
     * {@code shares[0]} were the network's and {@code shares[1..]} each co-funder's (the rest the
     * partner's): element i is what goes back to funder i in this step. Cumulative and cascading:
     * funder i gets floor(rest_i x shares[i] / pool_i) of what the funders before it left, so each
     * funder's cumulative part never decreases as refunds add up, the partner's part of each step is
     * never negative, and refunds adding up to the purchase give back exactly each funder's points.
     * With only the network it is {@link #networkReversalPoints}.
     */
    public static long[] fundersReversalPoints(
            long earningPoints, long[] shares, BigDecimal amount, BigDecimal refundedBefore, BigDecimal refundedAfter) {
        long[] before = cascade(proportion(earningPoints, amount, refundedBefore), earningPoints, shares);
        long[] after = cascade(proportion(earningPoints, amount, refundedAfter), earningPoints, shares);
        long[] step = new long[shares.length];
        for (int i = 0; i < shares.length; i++) {
            step[i] = after[i] - before[i];
        }
        return step;
    }

    private static long[] cascade(long reversed, long earningPoints, long[] shares) {
        long[] parts = new long[shares.length];
        long rest = reversed;
        long pool = earningPoints;
        for (int i = 0; i < shares.length; i++) {
            if (pool <= 0 || shares[i] <= 0) {
                continue;
            }
            parts[i] = shareOf(rest, pool, shares[i]);
            rest -= parts[i];
            pool -= shares[i];
        }
        return parts;
    }

    private static long shareOf(long reversed, long earningPoints, long networkPoints) {
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
