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
 * back from the same rows (reversals reduce spend).
 */
@ApplicationScoped
public class FactRepository {

    /** A purchase as the ledger reported it. Answers false when it was already recorded. */
    public boolean recordPurchase(Connection c, UUID earningId, String memberId, String partnerId, String storeCode, BigDecimal amount,
                                  String currency, Instant occurredAt, LocalDate day, long points, List<String> campaignIds,
                                  Instant postedAt) throws SQLException {
        int inserted = Sql.update(c, "INSERT INTO purchase_fact (earning_id, member_id, partner_id, store_code, amount, currency, "
                        + "occurred_at, day, points, campaign_ids, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                earningId, memberId, partnerId, storeCode, amount, currency, occurredAt, day, points, String.join(",", campaignIds),
                postedAt);
        if (inserted == 0) {
            return false;
        }
        boolean newDay = Sql.update(c, "INSERT INTO member_day (member_id, day, purchases, net_spend) VALUES (?, ?, 1, ?) "
                + "ON CONFLICT (member_id, day) DO NOTHING", memberId, day, amount) == 1;
        if (!newDay) {
            Sql.update(c, "UPDATE member_day SET purchases = purchases + 1, net_spend = net_spend + ? WHERE member_id = ? AND day = ?",
                    amount, memberId, day);
        }
        boolean newPartner = Sql.update(c, "INSERT INTO member_partner (member_id, partner_id, purchases, net_spend, first_at, last_at) "
                + "VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT (member_id, partner_id) DO NOTHING", memberId, partnerId, amount, occurredAt,
                occurredAt) == 1;
        if (!newPartner) {
            Sql.update(c, "UPDATE member_partner SET purchases = purchases + 1, net_spend = net_spend + ?, first_at = least(first_at, ?), "
                    + "last_at = greatest(last_at, ?) WHERE member_id = ? AND partner_id = ?", amount, occurredAt, occurredAt, memberId,
                    partnerId);
        }
        Sql.update(c, "INSERT INTO member_features (member_id, first_purchase_at, last_purchase_at, purchases, purchase_days, net_spend, "
                        + "partners) VALUES (?, ?, ?, 1, 1, ?, 1) ON CONFLICT (member_id) DO UPDATE SET "
                        + "first_purchase_at = least(member_features.first_purchase_at, EXCLUDED.first_purchase_at), "
                        + "last_purchase_at = greatest(member_features.last_purchase_at, EXCLUDED.last_purchase_at), "
                        + "purchases = member_features.purchases + 1, purchase_days = member_features.purchase_days + ?, "
                        + "net_spend = member_features.net_spend + EXCLUDED.net_spend, partners = member_features.partners + ?",
                memberId, occurredAt, occurredAt, amount, newDay ? 1 : 0, newPartner ? 1 : 0);
        return true;
    }

    /** A refund of (part of) a purchase: spend goes down where the purchase put it. */
    public void recordRefund(Connection c, UUID earningId, BigDecimal refund) throws SQLException {
        Optional<Object[]> purchase = Sql.one(c, "UPDATE purchase_fact SET refunded = least(amount, refunded + ?) WHERE earning_id = ? "
                + "RETURNING member_id, partner_id, day", rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class)},
                refund, earningId);
        if (purchase.isEmpty()) {
            return; // the purchase predates analytics (or was never earned): nothing to reduce
        }
        String memberId = (String) purchase.get()[0];
        Sql.update(c, "UPDATE member_day SET net_spend = net_spend - ? WHERE member_id = ? AND day = ?", refund, memberId, purchase.get()[2]);
        Sql.update(c, "UPDATE member_partner SET net_spend = net_spend - ? WHERE member_id = ? AND partner_id = ?", refund, memberId,
                purchase.get()[1]);
        Sql.update(c, "UPDATE member_features SET net_spend = net_spend - ? WHERE member_id = ?", refund, memberId);
    }
}
