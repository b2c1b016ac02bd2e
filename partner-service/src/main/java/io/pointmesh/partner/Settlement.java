package io.pointmesh.partner;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * The settlement arithmetic, pure. Points are integers; money is {@link BigDecimal} in the
 * settlement currency, rounded half-up to the currency's minor unit (KRW: whole won) once, at the end.
 *
 * <pre>
 * issuedAmount     = (pointsIssued - pointsIssuedReversed) x pointValue          the partner buys the points it issued
 * networkFee       = round(issuedAmount x networkFeeRate)                         the network's fee on them
 * reimbursedAmount = (pointsRedeemed - pointsRedeemedReversed + pointsConverted) x pointValue
 *                                                                                 the network pays for points spent there
 * netAmount        = issuedAmount + networkFee - reimbursedAmount                 > 0: the partner pays; < 0: the network pays
 * </pre>
 *
 * Points the network funded (its campaigns' bonuses and the grade uplift on them) are reported but charged to
 * nobody: they are the network's own promotion cost. A co-funder's part of a joint campaign's bonus
 * is in the co-funder's pointsIssued (it buys those points), shown as pointsCoFundedForPartners; the
 * campaign's partner sees it as pointsCoFundedByPartners, which is charged to it nothing.
 */
public final class Settlement {

    private Settlement() {}

    /** Point figures of a period, as the ledger reported them. */
    public record Totals(
            long pointsIssued,
            long pointsIssuedReversed,
            long networkFundedPoints,
            long networkFundedReversed,
            long pointsRedeemed,
            long pointsRedeemedReversed,
            long pointsConverted,
            long facts,
            long lateFacts,
            long pointsRedeemedRewards,
            long pointsRedeemedRewardsReversed,
            long pointsCoFundedForPartners,
            long pointsCoFundedByPartners) {

        public static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** Totals without reward orders. */
        public Totals(
                long pointsIssued,
                long pointsIssuedReversed,
                long networkFundedPoints,
                long networkFundedReversed,
                long pointsRedeemed,
                long pointsRedeemedReversed,
                long pointsConverted,
                long facts,
                long lateFacts) {
            this(
                    pointsIssued,
                    pointsIssuedReversed,
                    networkFundedPoints,
                    networkFundedReversed,
                    pointsRedeemed,
                    pointsRedeemedReversed,
                    pointsConverted,
                    facts,
                    lateFacts,
                    0,
                    0,
                    0,
                    0);
        }

        public long netIssued() {
            return pointsIssued - pointsIssuedReversed;
        }

        public long netReimbursed() {
            // points spent on the partner's rewards are reimbursed like any redemption (docs/rewards.md)
            return pointsRedeemed
                    - pointsRedeemedReversed
                    + pointsConverted
                    + pointsRedeemedRewards
                    - pointsRedeemedRewardsReversed;
        }
    }

    /** The terms a statement is computed under; recorded with it, so a closed statement never changes with configuration. */
    public record Terms(BigDecimal pointValue, BigDecimal networkFeeRate, String currency) {
        public Terms {
            if (pointValue.signum() <= 0) {
                throw new IllegalArgumentException("pointValue must be positive");
            }
            if (networkFeeRate.signum() < 0 || networkFeeRate.compareTo(BigDecimal.ONE) >= 0) {
                throw new IllegalArgumentException("networkFeeRate must be in [0, 1)");
            }
            Currency.getInstance(currency);
        }

        int scale() {
            return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        }
    }

    /** What each side owes. Exactly one of partnerOwes and networkOwes is non-zero, unless both are zero. */
    public record Amounts(
            BigDecimal issuedAmount,
            BigDecimal networkFee,
            BigDecimal reimbursedAmount,
            BigDecimal netAmount,
            BigDecimal partnerOwes,
            BigDecimal networkOwes) {}

    public static Amounts amounts(Totals totals, Terms terms) {
        int scale = terms.scale();
        BigDecimal issued = terms.pointValue().multiply(BigDecimal.valueOf(totals.netIssued()));
        BigDecimal fee = issued.multiply(terms.networkFeeRate()).setScale(scale, RoundingMode.HALF_UP);
        BigDecimal reimbursed = terms.pointValue().multiply(BigDecimal.valueOf(totals.netReimbursed()));
        issued = issued.setScale(scale, RoundingMode.HALF_UP);
        reimbursed = reimbursed.setScale(scale, RoundingMode.HALF_UP);
        BigDecimal net = issued.add(fee).subtract(reimbursed);
        BigDecimal zero = BigDecimal.ZERO.setScale(scale);
        return new Amounts(
                issued, fee, reimbursed, net, net.signum() > 0 ? net : zero, net.signum() < 0 ? net.negate() : zero);
    }
}
