package io.pointmesh.analytics.repository;

import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What next best offers are chosen from (a card's member, the live campaigns, the member's baskets) and the offers shown (offer_shown). */
@ApplicationScoped
public class OfferRepository {

    /** The member an active card belongs to, as offers need them. */
    /**
     * {@code sharesWithPartner}: the member allows personalization and shares with the asking partner (or every
     * partner): only then may the offers use their segment, which comes from purchases across the network.
     */
    public record CardMember(
            String memberId,
            String grade,
            String segment,
            boolean personalization,
            String status,
            boolean sharesWithPartner) {}

    /** A live campaign the member may be offered. */
    public record Candidate(
            String campaignId,
            String partnerId,
            String name,
            String bonusKind,
            BigDecimal multiplier,
            long fixedPoints,
            Instant endsAt,
            String target,
            String targetValue,
            BigDecimal share) {}

    public Optional<CardMember> memberOfActiveCard(Connection c, String cardNumber, String partnerId)
            throws SQLException {
        return Sql.one(
                c,
                "SELECT d.member_id, d.grade, d.segment, d.personalization, d.status, "
                        + "COALESCE(d.personalization AND (d.share_with_all_partners OR ? = ANY (d.shared_partner_ids)), "
                        + "false) FROM card_dim k JOIN member_dim d USING (member_id) WHERE k.card_number = ? AND k.active",
                rs -> new CardMember(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        rs.getString(5),
                        rs.getBoolean(6)),
                partnerId,
                cardNumber);
    }

    /**
     * The campaigns live at the time at the partner (its own and the network's) that the member was
     * not shown yet on the day.
     */
    public List<Candidate> liveCampaignsNotShown(
            Connection c, String partnerId, Instant now, String memberId, LocalDate today) throws SQLException {
        return Sql.list(
                c,
                "SELECT campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, ends_at, target, "
                        + "target_value, treatment_share FROM campaign_dim k WHERE (partner_id = ? OR partner_id IS NULL) AND starts_at <= ? "
                        + "AND ends_at > ? AND ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM offer_shown s WHERE s.member_id = ? "
                        + "AND s.campaign_id = k.campaign_id AND s.day = ?)",
                rs -> new Candidate(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getBigDecimal(5),
                        rs.getLong(6),
                        Sql.instant(rs, "ends_at"),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getBigDecimal(10)),
                partnerId,
                now,
                now,
                memberId,
                today);
    }

    /** The member's average basket at each partner they bought from. */
    public Map<String, BigDecimal> averageBaskets(Connection c, String memberId) throws SQLException {
        Map<String, BigDecimal> basket = new HashMap<>();
        for (Object[] r : Sql.list(
                c,
                "SELECT partner_id, net_spend / purchases FROM member_partner WHERE member_id = ? AND purchases > 0",
                rs -> new Object[] {rs.getString(1), rs.getBigDecimal(2)},
                memberId)) {
            basket.put((String) r[0], (BigDecimal) r[1]);
        }
        return basket;
    }

    /** Records that the member was shown the campaign on the day (the frequency cap). */
    public void shown(Connection c, String memberId, String campaignId, LocalDate day) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO offer_shown (member_id, campaign_id, day) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                memberId,
                campaignId,
                day);
    }
}
