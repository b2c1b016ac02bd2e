package io.pointmesh.analytics.repository;

import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Facts and the features derived from them, written together in the consumer's transaction: a
 * purchase adds to its member-day, member-partner and member summary; a refund takes its amount
 * back from the same rows (reversals reduce spend). Redemptions, and the points given back of them.
 */
@ApplicationScoped
public class FactRepository {

    /**
     * Ingestion holds this advisory lock shared, a regrade rolling the grade window forward holds
     * it exclusively: so no fact is added to the summary's 12-month spend by the old window while
     * the window moves past it (see Scoring#rollWindow).
     */
    public static final long WINDOW_LOCK = 7460723156L;

    /** The date the members' 12-month spend (member_features.spend_12m) is as of, if any. */
    static Optional<LocalDate> window(Connection c) throws SQLException {
        Sql.one(c, "SELECT pg_advisory_xact_lock_shared(" + WINDOW_LOCK + ")", rs -> null);
        return Sql.one(
                c, "SELECT as_of FROM scoring_state WHERE kind = 'window'", rs -> rs.getObject(1, LocalDate.class));
    }

    /** Whether a purchase day counts in the 12-month window up to {@code asOf}: (asOf - 12 months, asOf]. */
    public static boolean inWindow(LocalDate day, LocalDate asOf) {
        return day.isAfter(asOf.minusMonths(12)) && !day.isAfter(asOf);
    }

    /** A purchase as the ledger reported it. Answers false when it was already recorded. */
    public boolean recordPurchase(
            Connection c,
            UUID earningId,
            String memberId,
            String partnerId,
            String storeCode,
            BigDecimal amount,
            String currency,
            Instant occurredAt,
            LocalDate day,
            long points,
            List<String> campaignIds,
            Instant postedAt)
            throws SQLException {
        // a refund applied before the purchase (the purchase parked and replayed late) is taken in the same statement
        Optional<BigDecimal[]> inserted = Sql.one(
                c,
                "WITH early AS (DELETE FROM pending_refund WHERE earning_id = ? RETURNING refunded) "
                        + "INSERT INTO purchase_fact (earning_id, member_id, partner_id, store_code, amount, currency, "
                        + "occurred_at, day, points, campaign_ids, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
                        + "RETURNING (SELECT refunded FROM early)",
                rs -> new BigDecimal[] {rs.getBigDecimal(1)},
                earningId,
                earningId,
                memberId,
                partnerId,
                storeCode,
                amount,
                currency,
                occurredAt,
                day,
                points,
                String.join(",", campaignIds),
                postedAt);
        if (inserted.isEmpty()) {
            return false;
        }
        boolean newDay = Sql.update(
                        c,
                        "INSERT INTO member_day (member_id, day, purchases, net_spend) VALUES (?, ?, 1, ?) "
                                + "ON CONFLICT (member_id, day) DO NOTHING",
                        memberId,
                        day,
                        amount)
                == 1;
        if (!newDay) {
            Sql.update(
                    c,
                    "UPDATE member_day SET purchases = purchases + 1, net_spend = net_spend + ? WHERE member_id = ? AND day = ?",
                    amount,
                    memberId,
                    day);
        }
        boolean newPartner = Sql.update(
                        c,
                        "INSERT INTO member_partner (member_id, partner_id, purchases, net_spend, first_at, last_at) "
                                + "VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT (member_id, partner_id) DO NOTHING",
                        memberId,
                        partnerId,
                        amount,
                        occurredAt,
                        occurredAt)
                == 1;
        if (!newPartner) {
            Sql.update(
                    c,
                    "UPDATE member_partner SET purchases = purchases + 1, net_spend = net_spend + ?, first_at = least(first_at, ?), "
                            + "last_at = greatest(last_at, ?) WHERE member_id = ? AND partner_id = ?",
                    amount,
                    occurredAt,
                    occurredAt,
                    memberId,
                    partnerId);
        }
        boolean counts = window(c).map(w -> inWindow(day, w)).orElse(false);
        if (newDay) {
            // a new purchase day changes the member's churn summary (x, t_x or T): the scores found through it
            // are pinned first, as the last fit gave them (under the shared window lock: a fit stores under the
            // exclusive one)
            pinChurnScore(c, memberId);
        }
        // the summary: a new purchase day after the last makes the last the one before it; an
        // earlier one (a late or back-dated purchase) may become the one before the last
        Sql.update(
                c,
                "INSERT INTO member_features (member_id, first_purchase_at, last_purchase_at, purchases, purchase_days, net_spend, "
                        + "partners, first_day, last_day, prev_day, spend_12m, days_12m) VALUES (?, ?, ?, 1, 1, ?, 1, ?, ?, NULL, ?, ?) "
                        + "ON CONFLICT (member_id) DO UPDATE SET "
                        + "first_purchase_at = least(member_features.first_purchase_at, EXCLUDED.first_purchase_at), "
                        + "last_purchase_at = greatest(member_features.last_purchase_at, EXCLUDED.last_purchase_at), "
                        + "purchases = member_features.purchases + 1, purchase_days = member_features.purchase_days + ?, "
                        + "net_spend = member_features.net_spend + EXCLUDED.net_spend, partners = member_features.partners + ?, "
                        + "first_day = least(member_features.first_day, EXCLUDED.first_day), "
                        + "last_day = greatest(member_features.last_day, EXCLUDED.last_day), "
                        + "prev_day = CASE WHEN NOT ? THEN member_features.prev_day "
                        + "WHEN EXCLUDED.last_day > member_features.last_day THEN member_features.last_day "
                        + "ELSE greatest(member_features.prev_day, EXCLUDED.last_day) END, "
                        + "spend_12m = member_features.spend_12m + EXCLUDED.spend_12m, days_12m = member_features.days_12m + ?",
                memberId,
                occurredAt,
                occurredAt,
                amount,
                day,
                day,
                counts ? amount : BigDecimal.ZERO,
                counts ? 1 : 0,
                newDay ? 1 : 0,
                newPartner ? 1 : 0,
                newDay,
                counts && newDay ? 1 : 0);
        BigDecimal refundedBefore = inserted.get()[0];
        if (refundedBefore != null) {
            recordRefund(c, earningId, refundedBefore);
        }
        return true;
    }

    /**
     * Pins the member's churn scores as the last stored fit gave them, through their summary as
     * it is now (V6__churn_score_by_summary.sql), unless already pinned since that fit; NULL scores
     * when the fit did not score them (no purchase by its date). Nothing before any fit.
     */
    static void pinChurnScore(Connection c, String memberId) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO churn_score_pinned (member_id, as_of, p_alive, expected_90d) "
                        + "SELECT ?, st.as_of, k.p_alive, k.expected_90d FROM scoring_state st "
                        + "LEFT JOIN member_features f ON f.member_id = ? AND f.first_day <= st.as_of "
                        + "LEFT JOIN churn_score_by_summary k ON k.x = f.purchase_days - 1 "
                        + "AND k.tx_w = (f.last_day - f.first_day) / 7 AND k.t_w = (st.as_of - f.first_day) / 7 "
                        + "WHERE st.kind = 'churn' ON CONFLICT (member_id) DO NOTHING",
                memberId,
                memberId);
    }

    /** A refund of (part of) a purchase: spend goes down where the purchase put it. */
    public void recordRefund(Connection c, UUID earningId, BigDecimal refund) throws SQLException {
        Optional<Object[]> purchase = Sql.one(
                c,
                "UPDATE purchase_fact SET refunded = least(amount, refunded + ?) WHERE earning_id = ? "
                        + "RETURNING member_id, partner_id, day",
                rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class)},
                refund,
                earningId);
        if (purchase.isEmpty()) {
            // not here yet (parked and replayed later), or from before analytics: kept until the purchase arrives
            Sql.update(
                    c,
                    "INSERT INTO pending_refund (earning_id, refunded) VALUES (?, ?) "
                            + "ON CONFLICT (earning_id) DO UPDATE SET refunded = pending_refund.refunded + EXCLUDED.refunded",
                    earningId,
                    refund);
            return;
        }
        String memberId = (String) purchase.get()[0];
        Sql.update(
                c,
                "UPDATE member_day SET net_spend = net_spend - ? WHERE member_id = ? AND day = ?",
                refund,
                memberId,
                purchase.get()[2]);
        Sql.update(
                c,
                "UPDATE member_partner SET net_spend = net_spend - ? WHERE member_id = ? AND partner_id = ?",
                refund,
                memberId,
                purchase.get()[1]);
        LocalDate day = (LocalDate) purchase.get()[2];
        boolean counts = window(c).map(w -> inWindow(day, w)).orElse(false);
        Sql.update(
                c,
                "UPDATE member_features SET net_spend = net_spend - ?, spend_12m = spend_12m - ? WHERE member_id = ?",
                refund,
                counts ? refund : BigDecimal.ZERO,
                memberId);
    }

    /**
     * The kept refunds and reversals whose purchase or capture is here now, applied once (the row's delete is the
     * claim): one that raced its purchase (an operator's replay of the purchase while the refund was applied live:
     * neither saw the other's uncommitted row) is applied here instead of being kept for good. Answers how many.
     */
    public int settlePending(Connection c) throws SQLException {
        List<Object[]> refunds = Sql.list(
                c,
                "DELETE FROM pending_refund p USING purchase_fact f WHERE f.earning_id = p.earning_id "
                        + "RETURNING p.earning_id, p.refunded",
                rs -> new Object[] {rs.getObject(1, UUID.class), rs.getBigDecimal(2)});
        for (Object[] r : refunds) {
            recordRefund(c, (UUID) r[0], (BigDecimal) r[1]);
        }
        return refunds.size()
                + Sql.update(
                        c,
                        "WITH d AS (DELETE FROM pending_redemption_reversal p USING redemption_fact f "
                                + "WHERE f.redemption_id = p.redemption_id RETURNING p.redemption_id, p.points) "
                                + "UPDATE redemption_fact f SET reversed_points = least(f.points, f.reversed_points + d.points) "
                                + "FROM d WHERE f.redemption_id = d.redemption_id");
    }

    /** A redemption captured (once). */
    public void recordRedemption(
            Connection c,
            UUID redemptionId,
            String memberId,
            String partnerId,
            String storeCode,
            long points,
            Instant capturedAt)
            throws SQLException {
        // a reversal applied before the capture (parked and replayed late) is taken in the same statement
        Sql.update(
                c,
                "WITH early AS (DELETE FROM pending_redemption_reversal WHERE redemption_id = ? RETURNING points) "
                        + "INSERT INTO redemption_fact (redemption_id, member_id, partner_id, store_code, points, captured_at, "
                        + "reversed_points) VALUES (?, ?, ?, ?, ?, ?, least(?, coalesce((SELECT points FROM early), 0))) "
                        + "ON CONFLICT DO NOTHING",
                redemptionId,
                redemptionId,
                memberId,
                partnerId,
                storeCode,
                points,
                capturedAt,
                points);
    }

    /** Points of a redemption given back (never more than it took); kept until the capture arrives if it has not. */
    public void recordRedemptionReversal(Connection c, UUID redemptionId, long points) throws SQLException {
        int updated = Sql.update(
                c,
                "UPDATE redemption_fact SET reversed_points = least(points, reversed_points + ?) WHERE redemption_id = ?",
                points,
                redemptionId);
        if (updated == 0) {
            Sql.update(
                    c,
                    "INSERT INTO pending_redemption_reversal (redemption_id, points) VALUES (?, ?) "
                            + "ON CONFLICT (redemption_id) DO UPDATE SET points = pending_redemption_reversal.points + EXCLUDED.points",
                    redemptionId,
                    points);
        }
    }
}
