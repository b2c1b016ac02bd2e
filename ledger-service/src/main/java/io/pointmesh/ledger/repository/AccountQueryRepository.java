package io.pointmesh.ledger.repository;

import io.pointmesh.ledger.Accounts;
import io.pointmesh.platform.sql.Sql;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The reads behind the balance, entries and totals APIs: index lookups bounded by the lots the
 * clock changed or is about to, keyset pages of an account's transfers, one index range of a
 * partner's transfers. Nothing here locks or writes.
 */
@ApplicationScoped
public class AccountQueryRepository {

    /** What the clock did to a member's lots since the last posting: matured, and expired while available or pending. */
    public record Drift(long dueMatured, long expiredAvailable, long expiredPending) {}

    @RegisterForReflection
    public record Expiring(LocalDate date, long points) {}

    @RegisterForReflection
    public record Entry(long entryId, String kind, long points, String ref, String partnerId, Instant postedAt) {}

    @RegisterForReflection
    public record PartnerTotals(
            String partnerId,
            Instant from,
            Instant to,
            long pointsIssued,
            long pointsIssuedReversed,
            long networkFundedPoints,
            long networkFundedReversed,
            long pointsRedeemed,
            long pointsRedemptionReversed,
            long pointsConverted,
            long pointsRedeemedRewards,
            long pointsRedeemedRewardsReversed) {}

    /** The member's lots that matured or expired by {@code now} and that no posting or job has processed yet. */
    public Drift drift(Connection c, String memberId, Instant now) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT "
                                + "coalesce(sum(remaining) FILTER (WHERE NOT matured AND available_at <= ? AND expires_at > ?), 0), "
                                + "coalesce(sum(remaining) FILTER (WHERE matured AND expires_at <= ?), 0), "
                                + "coalesce(sum(remaining) FILTER (WHERE NOT matured AND expires_at <= ?), 0) "
                                + "FROM lot WHERE member_id = ? AND remaining > 0 AND (NOT matured OR expires_at <= ?)",
                        rs -> new Drift(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                        now,
                        now,
                        now,
                        now,
                        memberId,
                        now)
                .orElseThrow();
    }

    /** Available points expiring after {@code now} and by {@code horizon}, by day in {@code zone}. */
    public List<Expiring> expiringSoon(Connection c, String memberId, ZoneId zone, Instant now, Instant horizon)
            throws SQLException {
        return Sql.list(
                c,
                "SELECT (expires_at AT TIME ZONE ?)::date AS day, sum(remaining) FROM lot "
                        + "WHERE member_id = ? AND remaining > 0 AND matured AND expires_at > ? AND expires_at <= ? GROUP BY 1 ORDER BY 1",
                rs -> new Expiring(rs.getObject(1, LocalDate.class), rs.getLong(2)),
                zone.getId(),
                memberId,
                now,
                horizon);
    }

    /**
     * The account's entries before {@code before}, newest first: two index range scans (debit side,
     * credit side), merged: O(page), whatever the history.
     */
    public List<Entry> entries(Connection c, String account, long before, int limit) throws SQLException {
        return Sql.list(
                c,
                "SELECT id, kind, amount, ref, partner_id, posted_at FROM ("
                        + "(SELECT id, kind, amount, ref, partner_id, posted_at FROM transfer WHERE credit_account = ? AND id < ? ORDER BY id DESC LIMIT ?) "
                        + "UNION ALL "
                        + "(SELECT id, kind, -amount, ref, partner_id, posted_at FROM transfer WHERE debit_account = ? AND id < ? ORDER BY id DESC LIMIT ?)"
                        + ") e ORDER BY id DESC LIMIT ?",
                rs -> new Entry(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5),
                        Sql.instant(rs, "posted_at")),
                account,
                before,
                limit,
                account,
                before,
                limit,
                limit);
    }

    /** What the partner's transfers in [from, to) add up to, by kind of account. */
    /**
     * The partner's totals in [from, to). A co-funder's part of another partner's bonus (or of its refund) is posted
     * under the co-funder's id with the other partner's earning (or reversal) as its ref: left out from
     * {@code coFundingUntil} on (null: never).
     */
    public PartnerTotals partnerTotals(Connection c, String partnerId, Instant from, Instant to, Instant coFundingUntil)
            throws SQLException {
        String issuance = Accounts.issuance(partnerId);
        String redemption = Accounts.redemption(partnerId);
        return Sql.one(
                        c,
                        "SELECT "
                                + "coalesce(sum(amount) FILTER (WHERE debit_account = ?), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE debit_account = ?), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE credit_account = ? AND kind = 'REDEMPTION'), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE debit_account = ? AND kind = 'REDEMPTION_REVERSAL'), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE kind = 'REWARD_ORDER'), 0), "
                                + "coalesce(sum(amount) FILTER (WHERE kind = 'REWARD_ORDER_REVERSAL'), 0) "
                                + "FROM transfer t WHERE partner_id = ? AND posted_at >= ? AND posted_at < ? "
                                + "AND NOT (?::timestamptz IS NOT NULL AND posted_at >= ?::timestamptz AND ("
                                + "EXISTS (SELECT 1 FROM earning e WHERE e.id = t.ref AND e.partner_id <> t.partner_id) "
                                + "OR EXISTS (SELECT 1 FROM earning_reversal r WHERE r.id = t.ref AND r.partner_id <> t.partner_id)))",
                        rs -> new PartnerTotals(
                                partnerId,
                                from,
                                to,
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getLong(6),
                                rs.getLong(7),
                                rs.getLong(8),
                                rs.getLong(9)),
                        issuance,
                        issuance,
                        Accounts.PROMOTION,
                        Accounts.PROMOTION,
                        redemption,
                        redemption,
                        Accounts.CONVERSION,
                        partnerId,
                        from,
                        to,
                        coFundingUntil,
                        coFundingUntil)
                .orElseThrow();
    }
}
