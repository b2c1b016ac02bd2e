package io.pointmesh.analytics.repository;

import io.pointmesh.platform.sql.Sql;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Campaigns (campaign_dim) and what their target population did during them, for campaign results. */
@ApplicationScoped
public class CampaignRepository {

    /** A campaign as the dashboard lists it. */
    @RegisterForReflection
    public record Summary(
            String campaignId,
            String partnerId,
            String name,
            String bonusKind,
            Instant startsAt,
            Instant endsAt,
            String target,
            BigDecimal treatmentShare) {}

    /** Whose a campaign is: a partner's, or the network's ({@code partnerId} null). */
    public record Owner(String partnerId) {}

    /** A campaign as its results need it; {@code endsAt}: when it ended, if it was ended early. */
    public record Campaign(
            String partnerId,
            String name,
            Instant startsAt,
            Instant endsAt,
            String target,
            String targetValue,
            BigDecimal treatmentShare) {}

    /** Campaigns newest first (at most 200): every one (partnerId null), the network's own ("network"), or one partner's. */
    public List<Summary> campaigns(Connection c, String partnerId) throws SQLException {
        String where = partnerId == null
                ? ""
                : "network".equals(partnerId) ? " WHERE partner_id IS NULL" : " WHERE partner_id = ?";
        Object[] params = partnerId == null || "network".equals(partnerId) ? new Object[0] : new Object[] {partnerId};
        return Sql.list(
                c,
                "SELECT campaign_id, partner_id, name, bonus_kind, starts_at, ends_at, target, treatment_share "
                        + "FROM campaign_dim" + where + " ORDER BY starts_at DESC, campaign_id LIMIT 200",
                rs -> new Summary(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant(),
                        rs.getString(7),
                        rs.getBigDecimal(8)),
                params);
    }

    public Optional<Owner> owner(Connection c, String campaignId) throws SQLException {
        return Sql.list(
                        c,
                        "SELECT partner_id FROM campaign_dim WHERE campaign_id = ?",
                        rs -> new Owner(rs.getString(1)),
                        campaignId)
                .stream()
                .findFirst();
    }

    public Optional<Campaign> campaign(Connection c, String campaignId) throws SQLException {
        return Sql.one(
                c,
                "SELECT partner_id, name, starts_at, least(ends_at, coalesce(ended_at, ends_at)), target, target_value, "
                        + "treatment_share FROM campaign_dim WHERE campaign_id = ?",
                rs -> new Campaign(
                        rs.getString(1),
                        rs.getString(2),
                        Sql.instant(rs, "starts_at"),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getBigDecimal(7)),
                campaignId);
    }

    /**
     * Every member who was a member by {@code to} (not left), of the target's grade or segment
     * ({@code target} GRADE or SEGMENT with its value; anything else: everyone), with what they did
     * in [from, to) at the partner (anywhere when null): (member_id, net spend, purchased, redeemed).
     */
    public List<Object[]> outcomes(
            Connection c, String partnerId, Instant from, Instant to, String target, String targetValue)
            throws SQLException {
        String targetFilter = switch (target) {
            case "GRADE" -> " AND d.grade = ?";
            case "SEGMENT" -> " AND d.segment = ?";
            default -> "";
        };
        List<Object> params = new ArrayList<>(List.of(from, to));
        String at = "";
        if (partnerId != null) {
            at = " AND partner_id = ?";
            params.add(partnerId);
        }
        params.add(from);
        params.add(to);
        if (partnerId != null) {
            params.add(partnerId);
        }
        params.add(to);
        if (!targetFilter.isEmpty()) {
            params.add(targetValue);
        }
        return Sql.list(
                c,
                "WITH buy AS (SELECT member_id, sum(amount - refunded) AS spend FROM purchase_fact "
                        + "WHERE occurred_at >= ? AND occurred_at < ?" + at + " GROUP BY member_id), "
                        + "burn AS (SELECT DISTINCT member_id FROM redemption_fact WHERE captured_at >= ? AND captured_at < ?"
                        + at + ") "
                        + "SELECT d.member_id, coalesce(b.spend, 0), b.member_id IS NOT NULL, r.member_id IS NOT NULL FROM member_dim d "
                        + "LEFT JOIN buy b USING (member_id) LEFT JOIN burn r USING (member_id) "
                        + "WHERE d.status <> 'LEFT' AND d.joined_at < ?" + targetFilter,
                rs -> new Object[] {rs.getString(1), rs.getBigDecimal(2), rs.getBoolean(3), rs.getBoolean(4)},
                params.toArray());
    }
}
