package io.pointmesh.ledger.repository;

import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of the ledger's local copies of partners, stores, rules, campaigns, members and cards. */
@ApplicationScoped
public class DirectoryRepository {

    public record PartnerView(String partnerId, String legalName, String category, String status, Instant updatedAt) {}

    public record EarnRule(
            int version,
            BigDecimal baseRate,
            Map<String, BigDecimal> storeRates,
            Map<String, BigDecimal> categoryRates,
            BigDecimal minimumPurchase,
            Long perTransactionCap,
            int pendingDays,
            int validityMonths,
            int backdatingDays,
            Instant effectiveFrom) {}

    public record Campaign(
            String campaignId,
            String partnerId,
            String bonusKind,
            BigDecimal multiplier,
            long fixedPoints,
            String target,
            String targetValue,
            long budgetPoints,
            BigDecimal treatmentShare,
            String fundedBy) {}

    public record MemberView(String memberId, String status, String grade, String segment) {}

    public record CardView(String cardNumber, String memberId, String status) {}

    public record MileageProgram(
            String partnerId, String programCode, BigDecimal milesPerPoint, long minimumPoints, long stepPoints) {}

    public Optional<PartnerView> partner(Connection c, String partnerId) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM partner_directory WHERE partner_id = ?",
                rs -> new PartnerView(
                        rs.getString("partner_id"),
                        rs.getString("legal_name"),
                        rs.getString("category"),
                        rs.getString("status"),
                        Sql.instant(rs, "updated_at")),
                partnerId);
    }

    public boolean storeOpen(Connection c, String partnerId, String storeCode) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT open FROM store_directory WHERE partner_id = ? AND store_code = ?",
                        rs -> rs.getBoolean(1),
                        partnerId,
                        storeCode)
                .orElse(false);
    }

    /** The newest rule version in force at {@code at} (effective-dated history). */
    public Optional<EarnRule> ruleAt(Connection c, String partnerId, Instant at) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM earn_rule WHERE partner_id = ? AND effective_from <= ? ORDER BY effective_from DESC, version DESC LIMIT 1",
                rs -> new EarnRule(
                        rs.getInt("version"),
                        rs.getBigDecimal("base_rate"),
                        RateOverrides.fromText(rs.getString("store_rates")),
                        RateOverrides.fromText(rs.getString("category_rates")),
                        rs.getBigDecimal("minimum_purchase"),
                        rs.getObject("per_transaction_cap", Long.class),
                        rs.getInt("pending_days"),
                        rs.getInt("validity_months"),
                        rs.getInt("backdating_days"),
                        Sql.instant(rs, "effective_from")),
                partnerId,
                at);
    }

    /** Campaigns of the partner (and the network's own, partner_id null) running at {@code at}. */
    public List<Campaign> campaignsAt(Connection c, String partnerId, Instant at) throws SQLException {
        return Sql.list(
                c,
                "SELECT * FROM campaign WHERE (partner_id = ? OR partner_id IS NULL) AND NOT ended AND starts_at <= ? "
                        + "AND ends_at > ? ORDER BY campaign_id",
                rs -> new Campaign(
                        rs.getString("campaign_id"),
                        rs.getString("partner_id"),
                        rs.getString("bonus_kind"),
                        rs.getBigDecimal("multiplier"),
                        rs.getLong("fixed_points"),
                        rs.getString("target"),
                        rs.getString("target_value"),
                        rs.getLong("budget_points"),
                        rs.getBigDecimal("treatment_share"),
                        rs.getString("funded_by")),
                partnerId,
                at,
                at);
    }

    public Optional<MemberView> member(Connection c, String memberId) throws SQLException {
        return Sql.one(
                c,
                "SELECT member_id, status, grade, segment FROM member_directory WHERE member_id = ?",
                rs -> new MemberView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                memberId);
    }

    /** The member's status alone (read by postings once they hold the member's row lock). */
    public Optional<String> memberStatus(Connection c, String memberId) throws SQLException {
        return Sql.one(c, "SELECT status FROM member_directory WHERE member_id = ?", rs -> rs.getString(1), memberId);
    }

    public Optional<CardView> card(Connection c, String cardNumber) throws SQLException {
        return Sql.one(
                c,
                "SELECT card_number, member_id, status FROM card WHERE card_number = ?",
                rs -> new CardView(rs.getString(1), rs.getString(2), rs.getString(3)),
                cardNumber);
    }

    public Optional<MileageProgram> mileageProgram(Connection c, String partnerId) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM mileage_program WHERE partner_id = ?",
                rs -> new MileageProgram(
                        rs.getString("partner_id"),
                        rs.getString("program_code"),
                        rs.getBigDecimal("miles_per_point"),
                        rs.getLong("minimum_points"),
                        rs.getLong("step_points")),
                partnerId);
    }
}
