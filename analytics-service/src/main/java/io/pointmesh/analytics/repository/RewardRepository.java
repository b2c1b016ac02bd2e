package io.pointmesh.analytics.repository;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.ReportRepository.Scope;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Reward orders (V8__rewards.sql) from the ledger's reward events, and the rewards report's figures
 * over the orders placed in a {@link Scope}'s window (a partner's own rewards, or every reward of the
 * network). Each event is an upsert keyed by the order id: applying one twice changes nothing, and
 * an order's final state (CANCELLED, FAILED) is never left again, whatever order the events arrive in.
 */
@ApplicationScoped
public class RewardRepository {

    /** Statuses whose points stay spent. */
    static final String STANDING = "status IN ('ORDERED', 'FULFILLED')";

    @Inject
    AnalyticsConfig config;

    /** {@code ledger.reward-ordered}: the order, with its member's grade and segment as analytics has them now. */
    public void ordered(
            Connection c,
            String orderId,
            String rewardId,
            String memberId,
            String partnerId,
            String title,
            String fulfilment,
            long points,
            Instant orderedAt)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO reward_order_fact (order_id, reward_id, member_id, partner_id, title, fulfilment, points, status, "
                        + "grade, segment, ordered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'ORDERED', "
                        + "(SELECT grade FROM member_dim WHERE member_id = ?), (SELECT segment FROM member_dim WHERE member_id = ?), ?) "
                        // a later event of the order came first: complete it, keep its status
                        + "ON CONFLICT (order_id) DO UPDATE SET title = EXCLUDED.title, fulfilment = EXCLUDED.fulfilment, "
                        + "grade = EXCLUDED.grade, segment = EXCLUDED.segment, ordered_at = EXCLUDED.ordered_at "
                        + "WHERE reward_order_fact.ordered_at IS NULL",
                orderId,
                rewardId,
                memberId,
                partnerId,
                title,
                fulfilment,
                points,
                memberId,
                memberId,
                orderedAt);
    }

    /** {@code ledger.reward-order-fulfilled}: FULFILLED, unless the order already ended (cancelled or failed). */
    public void fulfilled(
            Connection c, String orderId, String rewardId, String memberId, String partnerId, long points, Instant at)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO reward_order_fact (order_id, reward_id, member_id, partner_id, points, status, fulfilled_at) "
                        + "VALUES (?, ?, ?, ?, ?, 'FULFILLED', ?) ON CONFLICT (order_id) DO UPDATE SET status = 'FULFILLED', "
                        + "fulfilled_at = coalesce(reward_order_fact.fulfilled_at, EXCLUDED.fulfilled_at) "
                        + "WHERE reward_order_fact.status IN ('ORDERED', 'FULFILLED')",
                orderId,
                rewardId,
                memberId,
                partnerId,
                points,
                at);
    }

    /**
     * {@code ledger.reward-order-cancelled} ({@code status} CANCELLED) or {@code -failed} (FAILED): the
     * order's points came back. Final: the first of the two to arrive stays.
     */
    public void ended(
            Connection c,
            String orderId,
            String rewardId,
            String memberId,
            String partnerId,
            long points,
            String status,
            Instant at)
            throws SQLException {
        if (!status.equals("CANCELLED") && !status.equals("FAILED")) {
            throw new IllegalArgumentException("an order ends CANCELLED or FAILED, not " + status);
        }
        Sql.update(
                c,
                "INSERT INTO reward_order_fact (order_id, reward_id, member_id, partner_id, points, status, ended_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, "
                        + "ended_at = EXCLUDED.ended_at WHERE reward_order_fact.status IN ('ORDERED', 'FULFILLED')",
                orderId,
                rewardId,
                memberId,
                partnerId,
                points,
                status,
                at);
    }

    // ---------------------------------------------------------------- the report

    private static String orders(Scope s) {
        return "o.ordered_at >= ? AND o.ordered_at < ?" + (s.partnerId() == null ? "" : " AND o.partner_id = ?");
    }

    /** The first and last day the partner's rewards were ordered on, if ever. */
    public Optional<LocalDate[]> orderDays(Connection c, String partnerId) throws SQLException {
        String zone = config.zone().getId();
        return Sql.one(
                c,
                "SELECT (min(ordered_at) AT TIME ZONE ?)::date, (max(ordered_at) AT TIME ZONE ?)::date "
                        + "FROM reward_order_fact WHERE partner_id = ? AND ordered_at IS NOT NULL",
                rs -> rs.getObject(1) == null
                        ? null
                        : new LocalDate[] {rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class)},
                zone,
                zone,
                partnerId);
    }

    /** The set of members who ordered in the scope, as a hash (what a partner's noise is keyed to). */
    public String orderersFingerprint(Connection c, Scope s) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT md5(coalesce(string_agg(member_id, ',' ORDER BY member_id), '')) FROM (SELECT DISTINCT o.member_id "
                                + "FROM reward_order_fact o WHERE " + orders(s) + ") x",
                        rs -> rs.getString(1),
                        s.params())
                .orElse("");
    }

    /** The window's orders in figures. */
    public record Summary(
            long placed,
            long open,
            long fulfilled,
            long cancelled,
            long failed,
            long pointsSpent,
            long members,
            long openMembers,
            long fulfilledMembers,
            long cancelledMembers,
            long failedMembers,
            long spendingMembers) {}

    public Summary summary(Connection c, Scope s) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT count(*), count(*) FILTER (WHERE status = 'ORDERED'), count(*) FILTER (WHERE status = 'FULFILLED'), "
                                + "count(*) FILTER (WHERE status = 'CANCELLED'), count(*) FILTER (WHERE status = 'FAILED'), "
                                + "coalesce(sum(points) FILTER (WHERE " + STANDING
                                + "), 0), count(DISTINCT member_id), "
                                + "count(DISTINCT member_id) FILTER (WHERE status = 'ORDERED'), "
                                + "count(DISTINCT member_id) FILTER (WHERE status = 'FULFILLED'), "
                                + "count(DISTINCT member_id) FILTER (WHERE status = 'CANCELLED'), "
                                + "count(DISTINCT member_id) FILTER (WHERE status = 'FAILED'), "
                                + "count(DISTINCT member_id) FILTER (WHERE " + STANDING + ") "
                                + "FROM reward_order_fact o WHERE " + orders(s),
                        rs -> new Summary(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getLong(6),
                                rs.getLong(7),
                                rs.getLong(8),
                                rs.getLong(9),
                                rs.getLong(10),
                                rs.getLong(11),
                                rs.getLong(12)),
                        s.params())
                .orElseThrow();
    }

    /** One reward's (or one group's) orders: placed, points still spent, distinct members. */
    public record Item(String key, String title, long orders, long points, long members) {}

    /**
     * The rewards ordered by at least {@code minimumMembers} distinct members, the most ordered first
     * (then the most points, then by id), at most {@code limit}.
     */
    public List<Item> topItems(Connection c, Scope s, long minimumMembers, int limit) throws SQLException {
        Object[] params = s.params();
        Object[] all = java.util.Arrays.copyOf(params, params.length + 2);
        all[params.length] = minimumMembers;
        all[params.length + 1] = limit;
        return Sql.list(
                c,
                "SELECT o.reward_id, coalesce(max(o.title), o.reward_id), count(*), coalesce(sum(o.points) FILTER (WHERE "
                        + STANDING + "), 0), count(DISTINCT o.member_id) FROM reward_order_fact o WHERE " + orders(s)
                        + " GROUP BY o.reward_id HAVING count(DISTINCT o.member_id) >= ? ORDER BY 3 DESC, 4 DESC, 1 LIMIT ?",
                rs -> new Item(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)),
                all);
    }

    /** The window's orders by the ordering member's grade (GENERAL where unknown). */
    public List<Item> byGrade(Connection c, Scope s) throws SQLException {
        return grouped(c, s, "coalesce(o.grade, 'GENERAL')");
    }

    /** The window's orders by the ordering member's segment (UNKNOWN where unknown). */
    public List<Item> bySegment(Connection c, Scope s) throws SQLException {
        return grouped(c, s, "coalesce(o.segment, 'UNKNOWN')");
    }

    private static List<Item> grouped(Connection c, Scope s, String key) throws SQLException {
        return Sql.list(
                c,
                "SELECT " + key + ", count(*), coalesce(sum(o.points) FILTER (WHERE " + STANDING
                        + "), 0), count(DISTINCT o.member_id) FROM reward_order_fact o WHERE " + orders(s)
                        + " GROUP BY 1 ORDER BY 1",
                rs -> new Item(rs.getString(1), null, rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                s.params());
    }
}
