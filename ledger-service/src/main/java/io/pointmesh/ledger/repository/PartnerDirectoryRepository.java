package io.pointmesh.ledger.repository;

import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Writes the ledger's copy of partners, stores, earn rules, campaigns and mileage programs as
 * partner.events tell it (reads are in {@link DirectoryRepository}). Every method runs on the
 * caller's transaction and is safe to repeat for a redelivered event.
 */
@ApplicationScoped
public class PartnerDirectoryRepository {

    /** A replayed registration must not undo a later status change: only the name and category follow it. */
    public void register(Connection c, String partnerId, String legalName, String category, String status, Instant at)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO partner_directory (partner_id, legal_name, category, status, updated_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (partner_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, category = EXCLUDED.category",
                partnerId,
                legalName,
                category,
                status,
                at);
    }

    /**
     * The partner's status as of the event's time, unless a later status change is stored: an event that arrives
     * late (an operator's replay of a dead letter) must not reinstate a partner suspended since, or the reverse.
     */
    public void setStatus(Connection c, String partnerId, String status, Instant at) throws SQLException {
        Sql.update(
                c,
                "UPDATE partner_directory SET status = ?, updated_at = ? WHERE partner_id = ? AND updated_at <= ?",
                status,
                at,
                partnerId,
                at);
    }

    public void openStore(Connection c, StoreOpened s, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO store_directory (partner_id, store_code, name, channel, region, open, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, true, ?) ON CONFLICT (partner_id, store_code) DO UPDATE SET name = EXCLUDED.name, "
                        + "channel = EXCLUDED.channel, region = EXCLUDED.region, "
                        // a late opening (a replayed dead letter) does not reopen a store closed since; it only
                        // fills in the details of one whose closing came first (closeStore's row, name '')
                        + "open = store_directory.updated_at <= EXCLUDED.updated_at, "
                        + "updated_at = greatest(store_directory.updated_at, EXCLUDED.updated_at) "
                        + "WHERE store_directory.updated_at <= EXCLUDED.updated_at OR store_directory.name = ''",
                s.partnerId(),
                s.storeCode(),
                s.name(),
                String.valueOf(s.channel()),
                s.region(),
                at);
    }

    /**
     * Closed as of {@code at}, unless a later opening is stored. A closing that arrives before its store's opening (the
     * opening dead-lettered, replayed later) is kept as a closed row without details, so the opening cannot open it.
     */
    public void closeStore(Connection c, String partnerId, String storeCode, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO store_directory (partner_id, store_code, name, channel, region, open, updated_at) "
                        + "VALUES (?, ?, '', 'OFFLINE', NULL, false, ?) ON CONFLICT (partner_id, store_code) DO UPDATE "
                        + "SET open = false, updated_at = EXCLUDED.updated_at "
                        + "WHERE store_directory.updated_at <= EXCLUDED.updated_at",
                partnerId,
                storeCode,
                at);
    }

    /** Versions are history: a redelivered or older version never replaces what is stored. */
    public void addEarnRule(Connection c, EarnRulePublished r) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO earn_rule (partner_id, version, base_rate, store_rates, category_rates, minimum_purchase, "
                        + "per_transaction_cap, pending_days, validity_months, backdating_days, effective_from) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                r.partnerId(),
                r.version(),
                r.baseRate(),
                RateOverrides.toText(r.storeRates()),
                RateOverrides.toText(r.categoryRates()),
                r.minimumPurchase() == null ? BigDecimal.ZERO : r.minimumPurchase(),
                r.perTransactionCap(),
                r.pendingDays(),
                r.validityMonths(),
                r.backdatingDays(),
                r.effectiveFrom());
    }

    /**
     * A new or changed campaign as of {@code at}; its budget never drops below what it already granted. A version
     * older than the stored one (a replayed dead letter) changes nothing, and a campaign whose end was applied first
     * is stored ended (V19).
     */
    public void saveCampaign(Connection c, CampaignPublished k, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO campaign (campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, starts_at, ends_at, "
                        + "target, target_value, budget_points, treatment_share, funded_by, audience_partner_id, audience_category, "
                        + "audience_within_days, audience_not_yet_here, co_funder_id, co_funder_share, published_at, ended) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "EXISTS (SELECT 1 FROM campaign_end e WHERE e.campaign_id = ?)) "
                        + "ON CONFLICT (campaign_id) DO UPDATE SET name = EXCLUDED.name, bonus_kind = EXCLUDED.bonus_kind, "
                        + "multiplier = EXCLUDED.multiplier, fixed_points = EXCLUDED.fixed_points, starts_at = EXCLUDED.starts_at, "
                        + "ends_at = EXCLUDED.ends_at, target = EXCLUDED.target, target_value = EXCLUDED.target_value, "
                        + "budget_points = greatest(EXCLUDED.budget_points, campaign.spent_points), "
                        + "treatment_share = EXCLUDED.treatment_share, funded_by = EXCLUDED.funded_by, "
                        + "audience_partner_id = EXCLUDED.audience_partner_id, audience_category = EXCLUDED.audience_category, "
                        + "audience_within_days = EXCLUDED.audience_within_days, "
                        + "audience_not_yet_here = EXCLUDED.audience_not_yet_here, co_funder_id = EXCLUDED.co_funder_id, "
                        + "co_funder_share = EXCLUDED.co_funder_share, published_at = EXCLUDED.published_at "
                        + "WHERE campaign.published_at IS NULL OR campaign.published_at <= EXCLUDED.published_at",
                k.campaignId(),
                k.partnerId(),
                k.name(),
                k.bonusKind().name(),
                k.multiplier(),
                k.fixedPoints(),
                k.startsAt(),
                k.endsAt(),
                k.target().name(),
                k.targetValue(),
                k.budgetPoints(),
                k.treatmentShare() == null ? BigDecimal.ONE : k.treatmentShare(),
                k.fundedBy().name(),
                k.audience() == null ? null : k.audience().boughtAtPartnerId(),
                k.audience() == null ? null : k.audience().boughtInCategory(),
                k.audience() == null ? null : k.audience().withinDays(),
                k.audience() != null && k.audience().notYetHere(),
                k.coFunderId(),
                k.coFunderShare(),
                at,
                k.campaignId());
    }

    /** The end is kept even before the campaign is known, so that a late publication cannot bring it back. */
    public void endCampaign(Connection c, String campaignId, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO campaign_end (campaign_id, ended_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                campaignId,
                at);
        Sql.update(c, "UPDATE campaign SET ended = true WHERE campaign_id = ?", campaignId);
    }

    /** The program's terms as of {@code at}; older terms arriving late change nothing (V19). */
    public void saveMileageProgram(Connection c, MileageProgramPublished m, Instant at) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO mileage_program (partner_id, program_code, miles_per_point, minimum_points, step_points, "
                        + "published_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id) DO UPDATE SET "
                        + "program_code = EXCLUDED.program_code, miles_per_point = EXCLUDED.miles_per_point, "
                        + "minimum_points = EXCLUDED.minimum_points, step_points = EXCLUDED.step_points, "
                        + "published_at = EXCLUDED.published_at "
                        + "WHERE mileage_program.published_at IS NULL OR mileage_program.published_at <= EXCLUDED.published_at",
                m.partnerId(),
                m.programCode(),
                m.milesPerPoint(),
                m.minimumPoints(),
                m.stepPoints(),
                at);
    }
}
