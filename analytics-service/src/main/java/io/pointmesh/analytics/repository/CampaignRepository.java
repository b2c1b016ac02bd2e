package io.pointmesh.analytics.repository;

import io.pointmesh.platform.sql.Sql;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Campaigns (campaign_dim) and what their population did before and during them, for campaign results and lift. */
@ApplicationScoped
public class CampaignRepository {

    /** A campaign as the dashboard lists it; {@code coFunderId}: the partner co-funding a joint campaign. */
    @RegisterForReflection
    public record Summary(
            String campaignId,
            String partnerId,
            String name,
            String bonusKind,
            Instant startsAt,
            Instant endsAt,
            String target,
            BigDecimal treatmentShare,
            String coFunderId) {}

    /** Whose a campaign is: a partner's, or the network's ({@code partnerId} null); and who co-funds it. */
    public record Owner(String partnerId, String coFunderId) {}

    /**
     * A joint campaign's audience: members who bought at {@code boughtAtPartnerId} (or at a partner of
     * category {@code boughtInCategory}) within {@code withinDays} days before the campaign's start,
     * and, when {@code notYetHere}, never at the campaign's partner before it.
     */
    @RegisterForReflection
    public record Audience(String boughtAtPartnerId, String boughtInCategory, int withinDays, boolean notYetHere) {}

    /**
     * A campaign as its results need it; {@code endsAt}: when it ended, if it was ended early;
     * {@code audience}: a joint campaign's (target CROSS_PARTNER), else null.
     */
    public record Campaign(
            String campaignId,
            String partnerId,
            String name,
            Instant startsAt,
            Instant endsAt,
            String target,
            String targetValue,
            BigDecimal treatmentShare,
            Audience audience,
            String coFunderId) {

        public boolean joint() {
            return "CROSS_PARTNER".equals(target);
        }
    }

    /** One member of a campaign's population and what they did at the campaign's partner in a period. */
    public record Outcome(String memberId, BigDecimal spend, boolean purchased, boolean redeemed) {}

    /**
     * One member of a campaign's population and what they did at the campaign's partner before the
     * campaign and during it: net spend and whether they purchased, in each period.
     */
    public record BeforeAfter(
            String memberId,
            BigDecimal spendBefore,
            boolean purchasedBefore,
            BigDecimal spendDuring,
            boolean purchasedDuring) {}

    /**
     * Campaigns newest first (at most 200): every one (partnerId null), the network's own ("network"),
     * or one partner's (its own and those it co-funds).
     */
    public List<Summary> campaigns(Connection c, String partnerId) throws SQLException {
        String where = partnerId == null
                ? ""
                : "network".equals(partnerId)
                        ? " WHERE partner_id IS NULL"
                        : " WHERE partner_id = ? OR co_funder_id = ?";
        Object[] params =
                partnerId == null || "network".equals(partnerId) ? new Object[0] : new Object[] {partnerId, partnerId};
        return Sql.list(
                c,
                "SELECT campaign_id, partner_id, name, bonus_kind, starts_at, ends_at, target, treatment_share, co_funder_id "
                        + "FROM campaign_dim" + where + " ORDER BY starts_at DESC, campaign_id LIMIT 200",
                rs -> new Summary(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant(),
                        rs.getString(7),
                        rs.getBigDecimal(8),
                        rs.getString(9)),
                params);
    }

    public Optional<Owner> owner(Connection c, String campaignId) throws SQLException {
        return Sql.list(
                        c,
                        "SELECT partner_id, co_funder_id FROM campaign_dim WHERE campaign_id = ?",
                        rs -> new Owner(rs.getString(1), rs.getString(2)),
                        campaignId)
                .stream()
                .findFirst();
    }

    public Optional<Campaign> campaign(Connection c, String campaignId) throws SQLException {
        return Sql.one(
                c,
                "SELECT partner_id, name, starts_at, least(ends_at, coalesce(ended_at, ends_at)), target, target_value, "
                        + "treatment_share, audience_partner_id, audience_category, audience_within_days, "
                        + "audience_not_yet_here, co_funder_id FROM campaign_dim WHERE campaign_id = ?",
                rs -> new Campaign(
                        campaignId,
                        rs.getString(1),
                        rs.getString(2),
                        Sql.instant(rs, "starts_at"),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getBigDecimal(7),
                        "CROSS_PARTNER".equals(rs.getString(5))
                                ? new Audience(rs.getString(8), rs.getString(9), rs.getInt(10), rs.getBoolean(11))
                                : null,
                        rs.getString(12)),
                campaignId);
    }

    /**
     * The campaign's population, what each member did in [from, to) at the campaign's partner
     * (anywhere for a network campaign): net spend, purchased, redeemed.
     */
    public List<Outcome> outcomes(Connection c, Campaign k, Instant from, Instant to) throws SQLException {
        List<Object> params = new ArrayList<>();
        String population = population(k, to, params);
        String at = k.partnerId() == null ? "" : " AND partner_id = ?";
        params.add(from);
        params.add(to);
        if (k.partnerId() != null) {
            params.add(k.partnerId());
        }
        params.add(from);
        params.add(to);
        if (k.partnerId() != null) {
            params.add(k.partnerId());
        }
        return Sql.list(
                c,
                "WITH pop AS (" + population + "), "
                        + "buy AS (SELECT member_id, sum(amount - refunded) AS spend FROM purchase_fact "
                        + "WHERE occurred_at >= ? AND occurred_at < ?" + at + " GROUP BY member_id), "
                        + "burn AS (SELECT DISTINCT member_id FROM redemption_fact WHERE captured_at >= ? AND captured_at < ?"
                        + at + ") "
                        + "SELECT p.member_id, coalesce(b.spend, 0), b.member_id IS NOT NULL, r.member_id IS NOT NULL FROM pop p "
                        + "LEFT JOIN buy b USING (member_id) LEFT JOIN burn r USING (member_id)",
                rs -> new Outcome(rs.getString(1), rs.getBigDecimal(2), rs.getBoolean(3), rs.getBoolean(4)),
                params.toArray());
    }

    /**
     * The campaign's population, what each member did at the campaign's partner (anywhere for a
     * network campaign) in [before, from) and in [from, to): net spend and whether they purchased.
     */
    public List<BeforeAfter> beforeAndDuring(Connection c, Campaign k, Instant before, Instant from, Instant to)
            throws SQLException {
        List<Object> params = new ArrayList<>();
        String population = population(k, to, params);
        params.add(from);
        params.add(from);
        params.add(from);
        params.add(from);
        params.add(before);
        params.add(to);
        if (k.partnerId() != null) {
            params.add(k.partnerId());
        }
        return Sql.list(
                c,
                "WITH pop AS (" + population + "), "
                        + "buy AS (SELECT f.member_id, "
                        + "sum(f.amount - f.refunded) FILTER (WHERE f.occurred_at < ?) AS spend_before, "
                        + "bool_or(f.occurred_at < ?) AS bought_before, "
                        + "sum(f.amount - f.refunded) FILTER (WHERE f.occurred_at >= ?) AS spend_during, "
                        + "bool_or(f.occurred_at >= ?) AS bought_during "
                        + "FROM purchase_fact f JOIN pop USING (member_id) WHERE f.occurred_at >= ? AND f.occurred_at < ?"
                        + (k.partnerId() == null ? "" : " AND f.partner_id = ?") + " GROUP BY f.member_id) "
                        + "SELECT p.member_id, coalesce(b.spend_before, 0), coalesce(b.bought_before, false), "
                        + "coalesce(b.spend_during, 0), coalesce(b.bought_during, false) FROM pop p LEFT JOIN buy b USING (member_id)",
                rs -> new BeforeAfter(
                        rs.getString(1), rs.getBigDecimal(2), rs.getBoolean(3), rs.getBigDecimal(4), rs.getBoolean(5)),
                params.toArray());
    }

    /**
     * The population as SQL selecting member_id (its parameters appended to {@code params}).
     * <ul>
     * <li>A joint campaign (CROSS_PARTNER): the members who, at the campaign's start, were in its
     * audience as the ledger decides it at earn time: personalization allowed and their behaviour
     * shared with every partner or with the campaign's (consent as analytics last heard it; never
     * heard: not in it), a purchase not refunded in full at the audience's partner (or at a partner
     * of its category, other than the campaign's) within withinDays before the start, and, when
     * notYetHere, no purchase at the campaign's partner before the start. Members who left are not in it.</li>
     * <li>Any other: every member who joined before {@code to} and has not left, of the target's
     * grade or segment (as last computed) for GRADE and SEGMENT; for a partner's SEGMENT campaign only
     * those who allow personalization and share with it, as the ledger pays it.</li>
     * </ul>
     */
    static String population(Campaign k, Instant to, List<Object> params) {
        if (k.joint()) {
            Audience a = k.audience();
            Instant start = k.startsAt();
            params.add(k.partnerId());
            params.add(k.partnerId());
            params.add(start.minus(Duration.ofDays(a.withinDays())));
            params.add(start);
            params.add(a.boughtAtPartnerId());
            params.add(a.boughtAtPartnerId());
            params.add(a.boughtInCategory());
            params.add(a.notYetHere());
            params.add(k.partnerId());
            params.add(start);
            return "SELECT d.member_id FROM member_dim d WHERE d.status <> 'LEFT' AND d.personalization "
                    + "AND (d.share_with_all_partners OR ?::text = ANY (d.shared_partner_ids)) "
                    + "AND EXISTS (SELECT 1 FROM purchase_fact f LEFT JOIN partner_dim pd ON pd.partner_id = f.partner_id "
                    + "WHERE f.member_id = d.member_id AND f.partner_id IS DISTINCT FROM ?::text "
                    + "AND f.occurred_at >= ? AND f.occurred_at < ? AND f.refunded < f.amount "
                    + "AND (f.partner_id = ?::text OR (?::text IS NULL AND lower(pd.category) = lower(?::text)))) "
                    + "AND (NOT ? OR NOT EXISTS (SELECT 1 FROM purchase_fact h WHERE h.member_id = d.member_id "
                    + "AND h.partner_id = ?::text AND h.occurred_at < ?))";
        }
        params.add(to);
        String sql = "SELECT d.member_id FROM member_dim d WHERE d.status <> 'LEFT' AND d.joined_at < ?";
        switch (k.target()) {
            case "GRADE" -> {
                sql += " AND d.grade = ?";
                params.add(k.targetValue());
            }
            case "SEGMENT" -> {
                // as the ledger pays it: a partner's segment campaign reaches only members who share with it (the
                // network's, paid at whichever partner the purchase is, is taken as everyone of the segment)
                sql += " AND d.segment = ? AND (?::text IS NULL OR (d.personalization AND "
                        + "(coalesce(d.share_with_all_partners, false) OR ?::text = ANY (d.shared_partner_ids))))";
                params.add(k.targetValue());
                params.add(k.partnerId());
                params.add(k.partnerId());
            }
            default -> {}
        }
        return sql;
    }
}
