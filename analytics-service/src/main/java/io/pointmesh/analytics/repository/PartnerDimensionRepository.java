package io.pointmesh.analytics.repository;

import io.pointmesh.analytics.PartnerDimension;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.CrossPartnerAudience;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The partner, store and campaign dimensions (partner_dim, store_dim, campaign_dim), as partner.events keep them. */
@ApplicationScoped
public class PartnerDimensionRepository {

    /**
     * A partner registered (or registered again): a new partner gets its status and the time it
     * joined; one already known keeps them and takes the new name and category.
     */
    public void register(Connection c, String partnerId, String legalName, String category, String status, Instant at)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO partner_dim (partner_id, legal_name, category, status, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (partner_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, category = EXCLUDED.category, "
                        + "updated_at = greatest(partner_dim.updated_at, EXCLUDED.updated_at)",
                partnerId,
                legalName,
                category,
                status,
                at,
                at);
    }

    /**
     * A partner's lifecycle moved on (approved, suspended, offboarded...), unless a later status is stored: an event
     * that arrives late (a replayed dead letter) does not undo a newer one.
     */
    public void updateStatus(Connection c, String partnerId, String status, Instant at) throws SQLException {
        Sql.update(
                c,
                "UPDATE partner_dim SET status = ?, updated_at = ? WHERE partner_id = ? AND updated_at <= ?",
                status,
                at,
                partnerId,
                at);
    }

    /** Every partner, by name. */
    public List<PartnerDimension> partners(Connection c) throws SQLException {
        return Sql.list(
                c,
                "SELECT partner_id, legal_name, category, status FROM partner_dim ORDER BY legal_name, partner_id",
                rs -> new PartnerDimension(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    /** How many partners are in each status. */
    public Map<String, Long> countByStatus(Connection c) throws SQLException {
        Map<String, Long> byStatus = new TreeMap<>();
        for (Object[] row : Sql.list(c, "SELECT status, count(*) FROM partner_dim GROUP BY status", rs ->
                new Object[] {rs.getString(1), rs.getLong(2)})) {
            byStatus.put((String) row[0], (Long) row[1]);
        }
        return byStatus;
    }

    /** A store opened, or reopened with new details; a late opening does not reopen a store closed since (V10). */
    public void openStore(
            Connection c, String partnerId, String storeCode, String name, String channel, String region, Instant at)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO store_dim (partner_id, store_code, name, channel, region, open, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, true, ?) "
                        + "ON CONFLICT (partner_id, store_code) DO UPDATE SET name = EXCLUDED.name, channel = EXCLUDED.channel, "
                        // a late opening fills in the details of a store whose closing came first (name ''), closed
                        + "region = EXCLUDED.region, "
                        + "open = store_dim.updated_at IS NULL OR store_dim.updated_at <= EXCLUDED.updated_at, "
                        + "updated_at = greatest(store_dim.updated_at, EXCLUDED.updated_at) "
                        + "WHERE store_dim.updated_at IS NULL OR store_dim.updated_at <= EXCLUDED.updated_at "
                        + "OR store_dim.name = ''",
                partnerId,
                storeCode,
                name,
                channel,
                region,
                at);
    }

    /** Closed as of {@code at}; a closing before its store's (late) opening is kept as a closed row without details. */
    public void closeStore(Connection c, String partnerId, String storeCode, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO store_dim (partner_id, store_code, name, channel, region, open, updated_at) "
                        + "VALUES (?, ?, '', 'OFFLINE', NULL, false, ?) ON CONFLICT (partner_id, store_code) DO UPDATE "
                        + "SET open = false, updated_at = EXCLUDED.updated_at "
                        + "WHERE store_dim.updated_at IS NULL OR store_dim.updated_at <= EXCLUDED.updated_at",
                partnerId,
                storeCode,
                at);
    }

    /**
     * A campaign as published (created or changed); without a treatment share everyone is treated.
     * A joint campaign (target CROSS_PARTNER) keeps its audience, a co-funded one its co-funder and share. A version
     * older than the stored one (a replayed dead letter) changes nothing; a campaign whose end was applied first is
     * stored ended (V10).
     */
    public void publishCampaign(Connection c, CampaignPublished k, Instant at) throws SQLException {
        CrossPartnerAudience audience = k.audience();
        Sql.update(
                c,
                "INSERT INTO campaign_dim (campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, starts_at, ends_at, "
                        + "target, target_value, treatment_share, funded_by, audience_partner_id, audience_category, "
                        + "audience_within_days, audience_not_yet_here, co_funder_id, co_funder_share, published_at, ended_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "(SELECT e.ended_at FROM campaign_end e WHERE e.campaign_id = ?)) "
                        + "ON CONFLICT (campaign_id) DO UPDATE SET name = EXCLUDED.name, bonus_kind = EXCLUDED.bonus_kind, "
                        + "multiplier = EXCLUDED.multiplier, fixed_points = EXCLUDED.fixed_points, starts_at = EXCLUDED.starts_at, "
                        + "ends_at = EXCLUDED.ends_at, target = EXCLUDED.target, target_value = EXCLUDED.target_value, "
                        + "treatment_share = EXCLUDED.treatment_share, funded_by = EXCLUDED.funded_by, "
                        + "audience_partner_id = EXCLUDED.audience_partner_id, audience_category = EXCLUDED.audience_category, "
                        + "audience_within_days = EXCLUDED.audience_within_days, "
                        + "audience_not_yet_here = EXCLUDED.audience_not_yet_here, co_funder_id = EXCLUDED.co_funder_id, "
                        + "co_funder_share = EXCLUDED.co_funder_share, published_at = EXCLUDED.published_at "
                        + "WHERE campaign_dim.published_at IS NULL OR campaign_dim.published_at <= EXCLUDED.published_at",
                k.campaignId(),
                k.partnerId(),
                k.name(),
                k.bonusKind().name(),
                k.multiplier(),
                k.fixedPoints(),
                k.startsAt(),
                k.endsAt(),
                String.valueOf(k.target()),
                k.targetValue(),
                k.treatmentShare() == null ? BigDecimal.ONE : k.treatmentShare(),
                String.valueOf(k.fundedBy()),
                audience == null ? null : audience.boughtAtPartnerId(),
                audience == null ? null : audience.boughtInCategory(),
                audience == null ? null : audience.withinDays(),
                audience != null && audience.notYetHere(),
                k.coFunderId(),
                k.coFunderShare(),
                at,
                k.campaignId());
    }

    /** A campaign ended (the first end counts), kept even before the campaign is known (V10). */
    public void endCampaign(Connection c, String campaignId, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO campaign_end (campaign_id, ended_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                campaignId,
                at);
        Sql.update(
                c, "UPDATE campaign_dim SET ended_at = ? WHERE campaign_id = ? AND ended_at IS NULL", at, campaignId);
    }
}
