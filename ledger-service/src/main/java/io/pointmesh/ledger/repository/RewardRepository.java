package io.pointmesh.ledger.repository;

import io.pointmesh.platform.sql.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of the rewards catalogue (docs/rewards.md): rewards, their coupon codes and members'
 * orders. Every method runs on the caller's transaction; an order's methods run under the member's
 * row lock ({@link PostingRepository#lockMember}), and the stock's under the reward's row, which
 * {@link #takeStock} locks until the transaction ends.
 */
public class RewardRepository {

    public record RewardRow(
            UUID id,
            String partnerId,
            String title,
            String description,
            String imageUrl,
            long pricePoints,
            Long stockLeft,
            Integer perMemberLimit,
            Instant availableFrom,
            Instant availableUntil,
            String fulfilment,
            List<String> grades,
            List<String> segments,
            String createdBy,
            Instant createdAt,
            Long stockPublished,
            Instant updatedAt,
            String updatedBy,
            Instant withdrawnAt,
            String withdrawnBy,
            String idempotencyScope,
            String idempotencyKey,
            String requestHash,
            Instant priceRaisedAt,
            Long priceBeforeRaise) {

        public boolean withdrawn() {
            return withdrawnAt != null;
        }
    }

    /** A stock top-up as recorded: the units added and the stock left right after. */
    public record TopUpRow(
            UUID id,
            UUID rewardId,
            long units,
            long stockLeftAfter,
            String idempotencyScope,
            String idempotencyKey,
            String requestHash,
            String createdBy,
            Instant createdAt) {}

    /** The editable terms of a reward (docs/rewards.md, "Editing"). */
    public record Terms(
            String title,
            String description,
            String imageUrl,
            long pricePoints,
            Integer perMemberLimit,
            Instant availableFrom,
            Instant availableUntil,
            List<String> grades,
            List<String> segments) {}

    public record OrderRow(
            UUID id,
            UUID rewardId,
            String memberId,
            String partnerId,
            String idempotencyKey,
            String requestHash,
            long points,
            String status,
            String shippingAddress,
            String reason,
            String code,
            String rewardTitle,
            String fulfilment,
            Instant createdAt,
            Instant updatedAt) {}

    /**
     * Inserts the reward; false when a twin with the same (idempotency scope, key) got there first
     * (a reward published without a key has none and always goes in).
     */
    public boolean insertReward(Connection c, RewardRow r) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO reward (id, partner_id, title, description, image_url, price_points, stock_left, "
                                + "per_member_limit, available_from, available_until, fulfilment, grades, segments, "
                                + "created_by, created_at, stock_published, idempotency_scope, idempotency_key, "
                                + "request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING",
                        r.id(),
                        r.partnerId(),
                        r.title(),
                        r.description(),
                        r.imageUrl(),
                        r.pricePoints(),
                        r.stockLeft(),
                        r.perMemberLimit(),
                        r.availableFrom(),
                        r.availableUntil(),
                        r.fulfilment(),
                        c.createArrayOf("text", r.grades().toArray()),
                        c.createArrayOf("text", r.segments().toArray()),
                        r.createdBy(),
                        r.createdAt(),
                        r.stockPublished(),
                        r.idempotencyScope(),
                        r.idempotencyKey(),
                        r.requestHash())
                == 1;
    }

    /** The reward a caller published with this key, if any. */
    public Optional<RewardRow> rewardByKey(Connection c, String scope, String key) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM reward WHERE idempotency_scope = ? AND idempotency_key = ?",
                RewardRepository::reward,
                scope,
                key);
    }

    /**
     * The reward, its row locked FOR KEY SHARE until the transaction ends (an order): orders do not
     * wait for one another (nor for a stock change), but an edit or a withdrawal ({@link #lockForChange})
     * waits for the orders in flight, and an order for an edit or withdrawal in flight, then reads it.
     */
    public Optional<RewardRow> rewardForOrder(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM reward WHERE id = ? FOR KEY SHARE", RewardRepository::reward, id);
    }

    /** The reward, its row locked FOR UPDATE (an edit, a withdrawal): after every order in flight. */
    public Optional<RewardRow> lockForChange(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM reward WHERE id = ? FOR UPDATE", RewardRepository::reward, id);
    }

    /** The reward, its row locked like a stock decrement (a top-up): orders' decrements and top-ups queue. */
    public Optional<RewardRow> lockForStock(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM reward WHERE id = ? FOR NO KEY UPDATE", RewardRepository::reward, id);
    }

    /**
     * The new terms; a raise is dated (V21) and the lowest price a member may have seen since its notice began is kept:
     * the price before a raise that starts a notice (none running from {@code noticeStart} on), lowered by any cut.
     */
    public void updateTerms(Connection c, UUID id, Terms t, String actor, Instant now, Instant noticeStart)
            throws SQLException {
        Sql.update(
                c,
                "UPDATE reward SET title = ?, description = ?, image_url = ?, price_points = ?, per_member_limit = ?, "
                        + "available_from = ?, available_until = ?, grades = ?, segments = ?, updated_at = ?, "
                        // the old price_points on the right: a raise is dated (V21)
                        + "updated_by = ?, "
                        // the lowest price a member may have seen since the notice began: the price before a
                        // raise that starts a notice, lowered by any cut after it
                        + "price_before_raise = CASE WHEN ? > price_points AND (price_raised_at IS NULL "
                        + "OR price_raised_at < ?) THEN price_points WHEN ? < price_points "
                        + "THEN least(price_before_raise, ?) ELSE price_before_raise END, "
                        + "price_raised_at = CASE WHEN ? > price_points THEN ? ELSE price_raised_at END "
                        + "WHERE id = ?",
                t.title(),
                t.description(),
                t.imageUrl(),
                t.pricePoints(),
                t.perMemberLimit(),
                t.availableFrom(),
                t.availableUntil(),
                c.createArrayOf("text", t.grades().toArray()),
                c.createArrayOf("text", t.segments().toArray()),
                now,
                actor,
                t.pricePoints(),
                noticeStart,
                t.pricePoints(),
                t.pricePoints(),
                t.pricePoints(),
                now,
                id);
    }

    public void withdraw(Connection c, UUID id, String actor, Instant now) throws SQLException {
        Sql.update(
                c,
                "UPDATE reward SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL",
                now,
                actor,
                id);
    }

    /** Records a top-up; false when a twin with the same (scope, key) got there first. */
    public boolean insertTopUp(Connection c, TopUpRow t) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO reward_stock_topup (id, reward_id, units, stock_left_after, idempotency_scope, "
                                + "idempotency_key, request_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING",
                        t.id(),
                        t.rewardId(),
                        t.units(),
                        t.stockLeftAfter(),
                        t.idempotencyScope(),
                        t.idempotencyKey(),
                        t.requestHash(),
                        t.createdBy(),
                        t.createdAt())
                == 1;
    }

    public Optional<TopUpRow> topUpByKey(Connection c, String scope, String key) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM reward_stock_topup WHERE idempotency_scope = ? AND idempotency_key = ?",
                rs -> new TopUpRow(
                        rs.getObject("id", UUID.class),
                        rs.getObject("reward_id", UUID.class),
                        rs.getLong("units"),
                        rs.getLong("stock_left_after"),
                        rs.getString("idempotency_scope"),
                        rs.getString("idempotency_key"),
                        rs.getString("request_hash"),
                        rs.getString("created_by"),
                        Sql.instant(rs, "created_at")),
                scope,
                key);
    }

    /** Adds units to a stock-limited reward (its row locked by {@link #lockForStock}); answers the stock left. */
    public long addStock(Connection c, UUID id, long units) throws SQLException {
        return Sql.one(
                        c,
                        "UPDATE reward SET stock_left = stock_left + ? WHERE id = ? AND stock_left IS NOT NULL "
                                + "RETURNING stock_left",
                        rs -> rs.getLong(1),
                        units,
                        id)
                .orElseThrow();
    }

    public Optional<RewardRow> reward(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM reward WHERE id = ?", RewardRepository::reward, id);
    }

    /** A partner's rewards (or the network's, {@code partnerId} null with {@code all} false), or all of them, newest first. */
    public List<RewardRow> rewards(Connection c, String partnerId, boolean all, int limit) throws SQLException {
        if (all) {
            return Sql.list(
                    c, "SELECT * FROM reward ORDER BY created_at DESC, id LIMIT ?", RewardRepository::reward, limit);
        }
        return Sql.list(
                c,
                "SELECT * FROM reward WHERE partner_id IS NOT DISTINCT FROM ? ORDER BY created_at DESC, id LIMIT ?",
                RewardRepository::reward,
                partnerId,
                limit);
    }

    /**
     * What a member may order now: in its window, in stock, for the member's grade and segment, of
     * an active partner (or the network's), cheapest first; {@code maxPrice} null: any price. A partner's reward for
     * some segments only is for members who let that partner see their segment ({@link #segmentSharedWith}).
     */
    public List<RewardRow> orderable(
            Connection c, String memberId, String grade, String segment, Long maxPrice, Instant now, int limit)
            throws SQLException {
        return Sql.list(
                c,
                "SELECT r.* FROM reward r LEFT JOIN partner_directory p ON p.partner_id = r.partner_id "
                        + "LEFT JOIN member_directory d ON d.member_id = ? "
                        + "WHERE (r.partner_id IS NULL OR p.status = 'ACTIVE') AND r.withdrawn_at IS NULL "
                        + "AND (r.available_from IS NULL OR r.available_from <= ?) "
                        + "AND (r.available_until IS NULL OR r.available_until > ?) "
                        + "AND (r.stock_left IS NULL OR r.stock_left > 0) "
                        + "AND (cardinality(r.grades) = 0 OR ? = ANY (r.grades)) "
                        + "AND (cardinality(r.segments) = 0 OR (? = ANY (r.segments) AND (r.partner_id IS NULL "
                        + "OR coalesce(d.personalization AND (d.share_with_all_partners "
                        + "OR r.partner_id = ANY (d.shared_partner_ids)), false)))) "
                        + "AND (?::bigint IS NULL OR r.price_points <= ?::bigint) "
                        + "ORDER BY r.price_points, r.created_at, r.id LIMIT ?",
                RewardRepository::reward,
                memberId,
                now,
                now,
                grade,
                segment,
                maxPrice,
                maxPrice,
                limit);
    }

    /**
     * Whether the member lets {@code partnerId} see their segment (personalization, and sharing with it or with every
     * partner): a segment comes from purchases across the network, and a partner's segment-only reward, ordered, would
     * tell it the member's segment (as a segment award or bonus would; AwardRepository, EarnService).
     */
    public boolean segmentSharedWith(Connection c, String memberId, String partnerId) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT EXISTS (SELECT 1 FROM member_directory d WHERE d.member_id = ? AND d.personalization "
                                + "AND (d.share_with_all_partners OR ? = ANY (d.shared_partner_ids)))",
                        rs -> rs.getBoolean(1),
                        memberId,
                        partnerId)
                .orElse(false);
    }

    /**
     * I16: takes one unit of stock, if there is one. The conditional UPDATE locks the reward's row
     * until the transaction ends, so concurrent orders of one reward take its stock one after the
     * other and none sees a unit another took: false (nothing taken) once it is 0. An unlimited
     * reward (stock NULL) is not locked.
     */
    public boolean takeStock(Connection c, UUID rewardId) throws SQLException {
        return Sql.update(c, "UPDATE reward SET stock_left = stock_left - 1 WHERE id = ? AND stock_left > 0", rewardId)
                == 1;
    }

    /** A unit of stock back (a cancelled or failed order of a reward without codes). */
    public void returnStock(Connection c, UUID rewardId) throws SQLException {
        Sql.update(
                c, "UPDATE reward SET stock_left = stock_left + 1 WHERE id = ? AND stock_left IS NOT NULL", rewardId);
    }

    /** Orders of the reward by the member that still stand (not cancelled or failed); read under the member's lock. */
    public long standingOrders(Connection c, String memberId, UUID rewardId) throws SQLException {
        return Sql.scalarLong(
                c,
                "SELECT count(*) FROM reward_order WHERE member_id = ? AND reward_id = ? "
                        + "AND status IN ('ORDERED', 'FULFILLED')",
                memberId,
                rewardId);
    }

    /** Inserts the order; false when a twin with the same (member, idempotency key) got there first (I7). */
    public boolean insertOrder(Connection c, OrderRow o) throws SQLException {
        return Sql.update(
                        c,
                        // the title as it is now, in the order's transaction (V16): a later retitle does not rewrite it
                        "INSERT INTO reward_order (id, reward_id, member_id, partner_id, idempotency_key, request_hash, "
                                + "points, status, shipping_address, created_at, updated_at, title) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT title FROM reward WHERE id = ?)) "
                                + "ON CONFLICT (member_id, idempotency_key) DO NOTHING",
                        o.id(),
                        o.rewardId(),
                        o.memberId(),
                        o.partnerId(),
                        o.idempotencyKey(),
                        o.requestHash(),
                        o.points(),
                        o.status(),
                        o.shippingAddress(),
                        o.createdAt(),
                        o.updatedAt(),
                        o.rewardId())
                == 1;
    }

    /**
     * I17: gives the order one free code of the reward's pool and answers it; empty when none is
     * left. SKIP LOCKED: a code another order is taking is passed over, never waited for, and the
     * UNIQUE order_id means a code belongs to at most one order whatever happens.
     */
    public Optional<String> takeCode(Connection c, UUID rewardId, UUID orderId) throws SQLException {
        return Sql.one(
                c,
                "UPDATE reward_code SET order_id = ? WHERE id = (SELECT id FROM reward_code "
                        + "WHERE reward_id = ? AND order_id IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING code",
                rs -> rs.getString(1),
                orderId,
                rewardId);
    }

    /**
     * Adds codes to a coupon reward's pool, each once (a code already in the pool is skipped, so an
     * upload sent again adds nothing), and adds what was new to the stock in the same transaction;
     * answers how many were new.
     */
    public int addCodes(Connection c, UUID rewardId, List<String> codes, Instant now) throws SQLException {
        int added = Sql.update(
                c,
                "INSERT INTO reward_code (reward_id, code, uploaded_at) SELECT ?, x, ? FROM unnest(?::text[]) AS x "
                        + "ON CONFLICT (reward_id, code) DO NOTHING",
                rewardId,
                now,
                c.createArrayOf("text", codes.toArray()));
        if (added > 0) {
            Sql.update(c, "UPDATE reward SET stock_left = stock_left + ? WHERE id = ?", added, rewardId);
        }
        return added;
    }

    private static final String ORDER_COLUMNS =
            "o.*, rc.code, coalesce(o.title, r.title) AS reward_title, r.fulfilment "
                    + "FROM reward_order o JOIN reward r ON r.id = o.reward_id LEFT JOIN reward_code rc ON rc.order_id = o.id ";

    public Optional<OrderRow> order(Connection c, UUID orderId) throws SQLException {
        return Sql.one(c, "SELECT " + ORDER_COLUMNS + "WHERE o.id = ?", RewardRepository::order, orderId);
    }

    public Optional<OrderRow> order(Connection c, String memberId, String idempotencyKey) throws SQLException {
        return Sql.one(
                c,
                "SELECT " + ORDER_COLUMNS + "WHERE o.member_id = ? AND o.idempotency_key = ?",
                RewardRepository::order,
                memberId,
                idempotencyKey);
    }

    /** Locks the order's row for the rest of the transaction (status changes, under the member's lock). */
    public void lockOrder(Connection c, UUID orderId) throws SQLException {
        Sql.one(c, "SELECT id FROM reward_order WHERE id = ? FOR UPDATE", rs -> rs.getObject(1), orderId);
    }

    public void updateOrder(Connection c, UUID orderId, String status, String reason, Instant now) throws SQLException {
        // an order that no longer stands needs no address: a member who left is forgotten as soon as nothing is to ship
        Sql.update(
                c,
                "UPDATE reward_order SET status = ?, reason = ?, updated_at = ?, shipping_address = CASE WHEN ? <> "
                        + "'ORDERED' AND EXISTS (SELECT 1 FROM member_directory d WHERE d.member_id = "
                        + "reward_order.member_id AND d.status = 'LEFT') THEN NULL ELSE shipping_address END WHERE id = ?",
                status,
                reason,
                now,
                status,
                orderId);
    }

    /**
     * A member leaving: the shipping addresses of their orders are erased, except where an order still stands to
     * be shipped (its points were paid; the partner ships it and the address goes with its fulfilment or failure).
     */
    public void eraseShippingAddresses(Connection c, String memberId) throws SQLException {
        Sql.update(
                c,
                "UPDATE reward_order SET shipping_address = NULL WHERE member_id = ? AND status <> 'ORDERED' "
                        + "AND shipping_address IS NOT NULL",
                memberId);
    }

    /** Where a page of orders starts: after (before, newest first) the order created at {@code createdAt} with {@code id}. */
    public record OrderCursor(Instant createdAt, UUID id) {
        public static final OrderCursor FIRST =
                new OrderCursor(Instant.parse("9999-12-31T00:00:00Z"), new UUID(-1L, -1L));
    }

    /** A member's orders, newest first, from {@code after} on, {@code limit} of them. */
    public List<OrderRow> memberOrders(Connection c, String memberId, OrderCursor after, int limit)
            throws SQLException {
        return Sql.list(
                c,
                "SELECT " + ORDER_COLUMNS + "WHERE o.member_id = ? AND (o.created_at, o.id) < (?, ?) "
                        + "ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
                RewardRepository::order,
                memberId,
                after.createdAt(),
                after.id(),
                limit);
    }

    /**
     * Orders of a partner's rewards (null: network rewards; {@code all}: every order), optionally of one status, newest
     * first, from {@code after} on.
     */
    public List<OrderRow> ordersOf(
            Connection c, String partnerId, boolean all, String status, OrderCursor after, int limit)
            throws SQLException {
        return Sql.list(
                c,
                "SELECT " + ORDER_COLUMNS + "WHERE (? OR o.partner_id IS NOT DISTINCT FROM ?) "
                        + "AND (?::text IS NULL OR o.status = ?::text) AND (o.created_at, o.id) < (?, ?) "
                        + "ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
                RewardRepository::order,
                all,
                partnerId,
                status,
                status,
                after.createdAt(),
                after.id(),
                limit);
    }

    static RewardRow reward(ResultSet rs) throws SQLException {
        return new RewardRow(
                rs.getObject("id", UUID.class),
                rs.getString("partner_id"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("image_url"),
                rs.getLong("price_points"),
                rs.getObject("stock_left", Long.class),
                rs.getObject("per_member_limit", Integer.class),
                Sql.instant(rs, "available_from"),
                Sql.instant(rs, "available_until"),
                rs.getString("fulfilment"),
                texts(rs.getArray("grades")),
                texts(rs.getArray("segments")),
                rs.getString("created_by"),
                Sql.instant(rs, "created_at"),
                rs.getObject("stock_published", Long.class),
                Sql.instant(rs, "updated_at"),
                rs.getString("updated_by"),
                Sql.instant(rs, "withdrawn_at"),
                rs.getString("withdrawn_by"),
                rs.getString("idempotency_scope"),
                rs.getString("idempotency_key"),
                rs.getString("request_hash"),
                Sql.instant(rs, "price_raised_at"),
                rs.getObject("price_before_raise", Long.class));
    }

    private static List<String> texts(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    static OrderRow order(ResultSet rs) throws SQLException {
        return new OrderRow(
                rs.getObject("id", UUID.class),
                rs.getObject("reward_id", UUID.class),
                rs.getString("member_id"),
                rs.getString("partner_id"),
                rs.getString("idempotency_key"),
                rs.getString("request_hash"),
                rs.getLong("points"),
                rs.getString("status"),
                rs.getString("shipping_address"),
                rs.getString("reason"),
                rs.getString("code"),
                rs.getString("reward_title"),
                rs.getString("fulfilment"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }
}
