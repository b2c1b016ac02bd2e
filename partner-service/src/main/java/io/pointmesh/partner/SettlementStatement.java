package io.pointmesh.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A partner's settlement statement for a period: CLOSED (stored, immutable, {@code statementId}
 * set) or OPEN (a preview computed on demand, {@code statementId} null). See {@link Settlement}
 * for the arithmetic; {@code lateFacts} counts postings from before the period that reached
 * settlement after an earlier statement closed, and are settled here rather than lost.
 */
@RegisterForReflection
public record SettlementStatement(
        String statementId,
        String partnerId,
        String status,
        LocalDate periodStart,
        LocalDate periodEnd,
        Instant periodFrom,
        Instant periodTo,
        long pointsIssued,
        long pointsIssuedReversed,
        long networkFundedPoints,
        long networkFundedReversed,
        long pointsRedeemed,
        long pointsRedeemedReversed,
        long pointsConverted,
        long pointsRedeemedRewards,
        long pointsRedeemedRewardsReversed,
        long pointsCoFundedForPartners,
        long pointsCoFundedByPartners,
        long facts,
        long lateFacts,
        String currency,
        BigDecimal pointValue,
        BigDecimal networkFeeRate,
        BigDecimal issuedAmount,
        BigDecimal networkFee,
        BigDecimal reimbursedAmount,
        BigDecimal netAmount,
        BigDecimal partnerOwes,
        BigDecimal networkOwes,
        Instant closedAt,
        String closedBy) {

    public static final String OPEN = "OPEN";
    public static final String CLOSED = "CLOSED";

    public static SettlementStatement of(
            String statementId,
            String partnerId,
            LocalDate start,
            LocalDate end,
            Instant from,
            Instant to,
            Settlement.Totals t,
            Settlement.Terms terms,
            Instant closedAt,
            String closedBy) {
        Settlement.Amounts a = Settlement.amounts(t, terms);
        return new SettlementStatement(
                statementId,
                partnerId,
                statementId == null ? OPEN : CLOSED,
                start,
                end,
                from,
                to,
                t.pointsIssued(),
                t.pointsIssuedReversed(),
                t.networkFundedPoints(),
                t.networkFundedReversed(),
                t.pointsRedeemed(),
                t.pointsRedeemedReversed(),
                t.pointsConverted(),
                t.pointsRedeemedRewards(),
                t.pointsRedeemedRewardsReversed(),
                t.pointsCoFundedForPartners(),
                t.pointsCoFundedByPartners(),
                t.facts(),
                t.lateFacts(),
                terms.currency(),
                terms.pointValue(),
                terms.networkFeeRate(),
                a.issuedAmount(),
                a.networkFee(),
                a.reimbursedAmount(),
                a.netAmount(),
                a.partnerOwes(),
                a.networkOwes(),
                closedAt,
                closedBy);
    }

    /**
     * The same statement with another {@code closedBy}: a partner's own view shows {@code "operator"} for the
     * network's staff member who closed it (docs/security.md).
     */
    public SettlementStatement withClosedBy(String by) {
        return new SettlementStatement(
                statementId,
                partnerId,
                status,
                periodStart,
                periodEnd,
                periodFrom,
                periodTo,
                pointsIssued,
                pointsIssuedReversed,
                networkFundedPoints,
                networkFundedReversed,
                pointsRedeemed,
                pointsRedeemedReversed,
                pointsConverted,
                pointsRedeemedRewards,
                pointsRedeemedRewardsReversed,
                pointsCoFundedForPartners,
                pointsCoFundedByPartners,
                facts,
                lateFacts,
                currency,
                pointValue,
                networkFeeRate,
                issuedAmount,
                networkFee,
                reimbursedAmount,
                netAmount,
                partnerOwes,
                networkOwes,
                closedAt,
                by);
    }

    /** The CSV export's columns, in order (the JSON field names). */
    public static final String[] CSV_COLUMNS = {
        "statementId",
        "partnerId",
        "status",
        "periodStart",
        "periodEnd",
        "periodFrom",
        "periodTo",
        "pointsIssued",
        "pointsIssuedReversed",
        "networkFundedPoints",
        "networkFundedReversed",
        "pointsRedeemed",
        "pointsRedeemedReversed",
        "pointsConverted",
        "pointsRedeemedRewards",
        "pointsRedeemedRewardsReversed",
        "pointsCoFundedForPartners",
        "pointsCoFundedByPartners",
        "facts",
        "lateFacts",
        "currency",
        "pointValue",
        "networkFeeRate",
        "issuedAmount",
        "networkFee",
        "reimbursedAmount",
        "netAmount",
        "partnerOwes",
        "networkOwes",
        "closedAt",
        "closedBy"
    };

    /** This statement's CSV values, in {@link #CSV_COLUMNS} order. */
    public Object[] csvValues() {
        return new Object[] {
            statementId,
            partnerId,
            status,
            periodStart,
            periodEnd,
            periodFrom,
            periodTo,
            pointsIssued,
            pointsIssuedReversed,
            networkFundedPoints,
            networkFundedReversed,
            pointsRedeemed,
            pointsRedeemedReversed,
            pointsConverted,
            pointsRedeemedRewards,
            pointsRedeemedRewardsReversed,
            pointsCoFundedForPartners,
            pointsCoFundedByPartners,
            facts,
            lateFacts,
            currency,
            pointValue,
            networkFeeRate,
            issuedAmount,
            networkFee,
            reimbursedAmount,
            netAmount,
            partnerOwes,
            networkOwes,
            closedAt,
            closedBy
        };
    }
}
