package io.pointmesh.ledger.repository;

import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.ledger.RedemptionStatus;
import io.pointmesh.platform.sql.Sql;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The operations' own rows: earnings, reversals, redemptions and members' operations, with their idempotency keys. */
public class OperationRepository {

    public record EarningRow(
            UUID id,
            String partnerId,
            String partnerTxId,
            String requestHash,
            String memberId,
            String storeCode,
            BigDecimal amount,
            String currency,
            Instant occurredAt,
            long points,
            long basePoints,
            long partnerPoints,
            long networkPoints,
            List<Bonus> bonuses,
            BigDecimal gradeMultiplier,
            long gradeBonus,
            Instant availableAt,
            Instant expiresAt,
            Long lotId,
            BigDecimal refundedAmount,
            long reversedPoints,
            Instant postedAt) {}

    public record ReversalRow(
            UUID id,
            UUID earningId,
            String partnerId,
            String partnerTxId,
            String requestHash,
            BigDecimal refundAmount,
            long points,
            long debtIncurred,
            Instant postedAt) {}

    public record RedemptionRow(
            UUID id,
            String partnerId,
            String partnerTxId,
            String requestHash,
            String memberId,
            String storeCode,
            long points,
            long captured,
            RedemptionStatus status,
            Instant expiresAt,
            Instant createdAt,
            Instant updatedAt) {}

    /** A hold past its time, for the lapse job. */
    public record DueHold(UUID redemptionId, String memberId) {}

    public record MemberOperationRow(
            UUID id,
            String memberId,
            String kind,
            String idempotencyKey,
            String requestHash,
            String counterparty,
            long points,
            Long miles,
            String reason,
            String actor,
            Instant postedAt) {}

    // ------------------------------------------------------------------ earnings

    public Optional<EarningRow> findEarning(Connection c, String partnerId, String partnerTxId) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM earning WHERE partner_id = ? AND partner_tx_id = ?",
                OperationRepository::earning,
                partnerId,
                partnerTxId);
    }

    public Optional<EarningRow> findEarning(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM earning WHERE id = ?", OperationRepository::earning, id);
    }

    public EarningRow lockEarning(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM earning WHERE id = ? FOR UPDATE", OperationRepository::earning, id)
                .orElseThrow();
    }

    /** False when a twin with the same (partner, partner transaction id) got there first (invariant I7). */
    public boolean insertEarning(Connection c, EarningRow e) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO earning (id, partner_id, partner_tx_id, request_hash, member_id, store_code, amount, currency, "
                                + "occurred_at, points, base_points, partner_points, network_points, bonuses, grade_multiplier, available_at, "
                                + "expires_at, lot_id, posted_at, co_funded_points) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (partner_id, partner_tx_id) DO NOTHING",
                        e.id(),
                        e.partnerId(),
                        e.partnerTxId(),
                        e.requestHash(),
                        e.memberId(),
                        e.storeCode(),
                        e.amount(),
                        e.currency(),
                        e.occurredAt(),
                        e.points(),
                        e.basePoints(),
                        e.partnerPoints(),
                        e.networkPoints(),
                        encode(e.bonuses()),
                        e.gradeMultiplier(),
                        e.availableAt(),
                        e.expiresAt(),
                        e.lotId(),
                        e.postedAt(),
                        Bonus.coFunded(e.bonuses()))
                == 1;
    }

    public void recordRefund(Connection c, UUID earningId, BigDecimal refund, long points) throws SQLException {
        Sql.update(
                c,
                "UPDATE earning SET refunded_amount = refunded_amount + ?, reversed_points = reversed_points + ? WHERE id = ?",
                refund,
                points,
                earningId);
    }

    static EarningRow earning(ResultSet rs) throws SQLException {
        List<Bonus> bonuses = decode(rs.getString("bonuses"));
        long bonusPoints = bonuses.stream().mapToLong(Bonus::points).sum();
        long points = rs.getLong("points");
        long base = rs.getLong("base_points");
        Long lotId = rs.getObject("lot_id", Long.class);
        return new EarningRow(
                rs.getObject("id", UUID.class),
                rs.getString("partner_id"),
                rs.getString("partner_tx_id"),
                rs.getString("request_hash"),
                rs.getString("member_id"),
                rs.getString("store_code"),
                rs.getBigDecimal("amount"),
                rs.getString("currency"),
                Sql.instant(rs, "occurred_at"),
                points,
                base,
                rs.getLong("partner_points"),
                rs.getLong("network_points"),
                bonuses,
                rs.getBigDecimal("grade_multiplier"),
                points == 0 ? 0 : points - base - bonusPoints,
                Sql.instant(rs, "available_at"),
                Sql.instant(rs, "expires_at"),
                lotId,
                rs.getBigDecimal("refunded_amount"),
                rs.getLong("reversed_points"),
                Sql.instant(rs, "posted_at"));
    }

    /**
     * Bonuses as "campaignId=points" lines, followed by a tab, the co-funder's id, a tab and its
     * points when the bonus is co-funded: campaign ids are the partner-service's UUIDs, partner ids
     * never contain tabs.
     */
    static String encode(List<Bonus> bonuses) {
        StringBuilder s = new StringBuilder();
        for (Bonus b : bonuses) {
            s.append(b.campaignId()).append('=').append(b.points());
            if (b.coFunderId() != null) {
                s.append('\t').append(b.coFunderId()).append('\t').append(b.coFundedPoints());
            }
            s.append('\n');
        }
        return s.toString();
    }

    static List<Bonus> decode(String text) {
        List<Bonus> bonuses = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split("\t");
            int eq = parts[0].lastIndexOf('=');
            if (eq > 0) {
                bonuses.add(new Bonus(
                        parts[0].substring(0, eq),
                        Long.parseLong(parts[0].substring(eq + 1)),
                        parts.length == 3 ? parts[1] : null,
                        parts.length == 3 ? Long.parseLong(parts[2]) : 0));
            }
        }
        return bonuses;
    }

    // ------------------------------------------------------------------ earning reversals

    public Optional<ReversalRow> findEarningReversal(Connection c, String partnerId, String partnerTxId)
            throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM earning_reversal WHERE partner_id = ? AND partner_tx_id = ?",
                OperationRepository::reversal,
                partnerId,
                partnerTxId);
    }

    public boolean insertEarningReversal(Connection c, ReversalRow r) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO earning_reversal (id, earning_id, partner_id, partner_tx_id, request_hash, refund_amount, "
                                + "points, debt_incurred, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id, partner_tx_id) DO NOTHING",
                        r.id(),
                        r.earningId(),
                        r.partnerId(),
                        r.partnerTxId(),
                        r.requestHash(),
                        r.refundAmount(),
                        r.points(),
                        r.debtIncurred(),
                        r.postedAt())
                == 1;
    }

    static ReversalRow reversal(ResultSet rs) throws SQLException {
        return new ReversalRow(
                rs.getObject("id", UUID.class),
                rs.getObject("earning_id", UUID.class),
                rs.getString("partner_id"),
                rs.getString("partner_tx_id"),
                rs.getString("request_hash"),
                rs.getBigDecimal("refund_amount"),
                rs.getLong("points"),
                rs.getLong("debt_incurred"),
                Sql.instant(rs, "posted_at"));
    }

    // ------------------------------------------------------------------ redemptions

    public Optional<RedemptionRow> findRedemption(Connection c, String partnerId, String partnerTxId)
            throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM redemption WHERE partner_id = ? AND partner_tx_id = ?",
                OperationRepository::redemption,
                partnerId,
                partnerTxId);
    }

    public Optional<RedemptionRow> findRedemption(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM redemption WHERE id = ?", OperationRepository::redemption, id);
    }

    public RedemptionRow lockRedemption(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM redemption WHERE id = ? FOR UPDATE", OperationRepository::redemption, id)
                .orElseThrow();
    }

    /**
     * Up to {@code limit} holds whose time ran out by {@code now}, the oldest first; none of {@code leftOut} (ids of
     * holds whose last lapse failed: those after them come first).
     */
    public List<DueHold> dueHolds(Connection c, Instant now, int limit, String[] leftOut) throws SQLException {
        return Sql.list(
                c,
                "SELECT id, member_id FROM redemption WHERE status = 'HELD' AND expires_at <= ? "
                        + "AND id <> ALL (CAST(? AS uuid[])) ORDER BY expires_at LIMIT ?",
                rs -> new DueHold(rs.getObject(1, UUID.class), rs.getString(2)),
                now,
                leftOut,
                limit);
    }

    public List<RedemptionRow> heldRedemptions(Connection c, String memberId) throws SQLException {
        return Sql.list(
                c,
                "SELECT * FROM redemption WHERE member_id = ? AND status = 'HELD'",
                OperationRepository::redemption,
                memberId);
    }

    public boolean insertRedemption(Connection c, RedemptionRow r) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO redemption (id, partner_id, partner_tx_id, request_hash, member_id, store_code, points, "
                                + "captured, status, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (partner_id, partner_tx_id) DO NOTHING",
                        r.id(),
                        r.partnerId(),
                        r.partnerTxId(),
                        r.requestHash(),
                        r.memberId(),
                        r.storeCode(),
                        r.points(),
                        r.captured(),
                        r.status().name(),
                        r.expiresAt(),
                        r.createdAt(),
                        r.updatedAt())
                == 1;
    }

    /** How the hold was authorized (invariant I14: every redemption has this row, checked at commit). */
    public void insertRedemptionAuthorization(
            Connection c, UUID redemptionId, String method, String actor, String reason) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO redemption_authorization (redemption_id, method, actor, reason) VALUES (?, ?, ?, ?)",
                redemptionId,
                method,
                actor,
                reason);
    }

    public RedemptionRow updateRedemption(Connection c, UUID id, RedemptionStatus status, long captured, Instant now)
            throws SQLException {
        return Sql.one(
                        c,
                        "UPDATE redemption SET status = ?, captured = ?, updated_at = ? WHERE id = ? RETURNING *",
                        OperationRepository::redemption,
                        status.name(),
                        captured,
                        now,
                        id)
                .orElseThrow();
    }

    public Optional<UUID> findRedemptionReversal(Connection c, String partnerId, String partnerTxId)
            throws SQLException {
        return Sql.one(
                c,
                "SELECT redemption_id FROM redemption_reversal WHERE partner_id = ? AND partner_tx_id = ?",
                rs -> rs.getObject(1, UUID.class),
                partnerId,
                partnerTxId);
    }

    public boolean insertRedemptionReversal(
            Connection c, UUID id, UUID redemptionId, String partnerId, String partnerTxId, long points, Instant now)
            throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO redemption_reversal (id, redemption_id, partner_id, partner_tx_id, points, posted_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        id,
                        redemptionId,
                        partnerId,
                        partnerTxId,
                        points,
                        now)
                == 1;
    }

    static RedemptionRow redemption(ResultSet rs) throws SQLException {
        return new RedemptionRow(
                rs.getObject("id", UUID.class),
                rs.getString("partner_id"),
                rs.getString("partner_tx_id"),
                rs.getString("request_hash"),
                rs.getString("member_id"),
                rs.getString("store_code"),
                rs.getLong("points"),
                rs.getLong("captured"),
                RedemptionStatus.valueOf(rs.getString("status")),
                Sql.instant(rs, "expires_at"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }

    // ------------------------------------------------------------------ members' operations

    public Optional<MemberOperationRow> findMemberOperation(Connection c, String memberId, String kind, String key)
            throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM member_operation WHERE member_id = ? AND kind = ? AND idempotency_key = ?",
                OperationRepository::memberOperation,
                memberId,
                kind,
                key);
    }

    /** Points the member gave as gifts since {@code since} (the daily limit). */
    public long giftedSince(Connection c, String memberId, Instant since) throws SQLException {
        return Sql.scalarLong(
                c,
                "SELECT coalesce(sum(points), 0) FROM member_operation WHERE member_id = ? AND kind = 'GIFT' "
                        + "AND posted_at >= ?",
                memberId,
                since);
    }

    public boolean insertMemberOperation(Connection c, MemberOperationRow o) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO member_operation (id, member_id, kind, idempotency_key, request_hash, counterparty, points, "
                                + "miles, reason, actor, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (member_id, kind, idempotency_key) DO NOTHING",
                        o.id(),
                        o.memberId(),
                        o.kind(),
                        o.idempotencyKey(),
                        o.requestHash(),
                        o.counterparty(),
                        o.points(),
                        o.miles(),
                        o.reason(),
                        o.actor(),
                        o.postedAt())
                == 1;
    }

    static MemberOperationRow memberOperation(ResultSet rs) throws SQLException {
        Long m = rs.getObject("miles", Long.class);
        return new MemberOperationRow(
                rs.getObject("id", UUID.class),
                rs.getString("member_id"),
                rs.getString("kind"),
                rs.getString("idempotency_key"),
                rs.getString("request_hash"),
                rs.getString("counterparty"),
                rs.getLong("points"),
                m,
                rs.getString("reason"),
                rs.getString("actor"),
                Sql.instant(rs, "posted_at"));
    }
}
