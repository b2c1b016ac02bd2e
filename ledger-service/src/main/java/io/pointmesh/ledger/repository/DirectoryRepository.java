package io.pointmesh.ledger.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
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
            String fundedBy,
            Audience audience,
            String coFunderId,
            BigDecimal coFunderShare) {

        /** A joint campaign's audience (target CROSS_PARTNER), decided under the member's lock at earn time. */
        public record Audience(String boughtAtPartnerId, String boughtInCategory, int withinDays, boolean notYetHere) {}
    }

    public record MemberView(String memberId, String status, String grade, String segment) {}

    public record CardView(String cardNumber, String memberId, String status) {}

    public record MileageProgram(
            String partnerId, String programCode, BigDecimal milesPerPoint, long minimumPoints, long stepPoints) {}

    /**
     * Everything an earning is checked and priced against, read together (see {@link #earnDirectory}).
     * {@code segmentShared}: the member allows personalization and shares with this partner (or every
     * partner), so a segment-targeted bonus may apply: the earning's answer tells the partner which bonuses
     * were paid, and a segment comes from purchases across the network.
     */
    public record EarnDirectory(
            Optional<PartnerView> partner,
            boolean storeOpen,
            Optional<CardView> card,
            Optional<MemberView> member,
            Optional<EarnRule> rule,
            List<Campaign> campaigns,
            boolean firstEarningRecorded,
            boolean earningStored,
            boolean segmentShared) {}

    /**
     * The partner, its store, the card and the member it leads to (or the member by id), the rule
     * version and the campaigns in force at {@code at}: one statement, one round trip, instead of
     * six. Each part is what {@link #partner}, {@link #storeOpen}, {@link #card}, {@link #member},
     * {@link #ruleAt} and {@link #campaignsAt} answer, read in one snapshot.
     */
    public EarnDirectory earnDirectory(
            Connection c,
            String partnerId,
            String partnerTxId,
            String storeCode,
            String cardNumber,
            String memberId,
            Instant at)
            throws SQLException {
        // PostgreSQL's timestamps end where Java's do not; beyond these bounds every rule and campaign
        // answers as at the bound (none started yet, or all in force and ended), so clamping changes nothing
        Instant bound = at.isBefore(EARLIEST) ? EARLIEST : at.isAfter(LATEST) ? LATEST : at;
        return Sql.one(
                        c,
                        "SELECT p.partner_id, p.legal_name, p.category, p.status AS partner_status, p.updated_at, "
                                + "s.open AS store_open, k.card_number, k.member_id AS card_member_id, k.status AS card_status, "
                                + "m.member_id, m.status AS member_status, m.grade, m.segment, "
                                + "m.first_earning_id IS NOT NULL AS first_earning_recorded, "
                                + "COALESCE(m.personalization AND (m.share_with_all_partners "
                                + "OR p.partner_id = ANY (m.shared_partner_ids)), false) AS segment_shared, "
                                + "r.version, r.base_rate, r.store_rates, r.category_rates, r.minimum_purchase, "
                                + "r.per_transaction_cap, r.pending_days, r.validity_months, r.backdating_days, r.effective_from, "
                                + "(SELECT json_agg(json_build_object('campaignId', x.campaign_id, 'partnerId', x.partner_id, "
                                + "'bonusKind', x.bonus_kind, 'multiplier', x.multiplier::text, 'fixedPoints', x.fixed_points, "
                                + "'target', x.target, 'targetValue', x.target_value, 'budgetPoints', x.budget_points, "
                                + "'treatmentShare', x.treatment_share::text, 'fundedBy', x.funded_by, "
                                + "'audiencePartnerId', x.audience_partner_id, 'audienceCategory', x.audience_category, "
                                + "'audienceWithinDays', x.audience_within_days, 'audienceNotYetHere', x.audience_not_yet_here, "
                                + "'coFunderId', x.co_funder_id, 'coFunderShare', x.co_funder_share::text) "
                                + "ORDER BY x.campaign_id) "
                                + "FROM campaign x WHERE (x.partner_id = ? OR x.partner_id IS NULL) AND NOT x.ended "
                                + "AND x.starts_at <= ? AND x.ends_at > ?) AS campaigns, "
                                + "EXISTS (SELECT 1 FROM earning WHERE partner_id = ? AND partner_tx_id = ?) AS earning_stored "
                                + "FROM (SELECT 1) one "
                                + "LEFT JOIN partner_directory p ON p.partner_id = ? "
                                + "LEFT JOIN store_directory s ON s.partner_id = ? AND s.store_code = ? "
                                + "LEFT JOIN card k ON k.card_number = ? "
                                + "LEFT JOIN member_directory m ON m.member_id = CASE WHEN ?::text IS NOT NULL "
                                + "THEN k.member_id ELSE ?::text END "
                                + "LEFT JOIN LATERAL (SELECT * FROM earn_rule WHERE partner_id = ? AND effective_from <= ? "
                                + "ORDER BY effective_from DESC, version DESC LIMIT 1) r ON true",
                        rs -> new EarnDirectory(
                                rs.getString("partner_id") == null
                                        ? Optional.empty()
                                        : Optional.of(new PartnerView(
                                                rs.getString("partner_id"),
                                                rs.getString("legal_name"),
                                                rs.getString("category"),
                                                rs.getString("partner_status"),
                                                Sql.instant(rs, "updated_at"))),
                                rs.getBoolean("store_open"),
                                rs.getString("card_number") == null
                                        ? Optional.empty()
                                        : Optional.of(new CardView(
                                                rs.getString("card_number"),
                                                rs.getString("card_member_id"),
                                                rs.getString("card_status"))),
                                rs.getString("member_id") == null
                                        ? Optional.empty()
                                        : Optional.of(new MemberView(
                                                rs.getString("member_id"),
                                                rs.getString("member_status"),
                                                rs.getString("grade"),
                                                rs.getString("segment"))),
                                rs.getObject("version") == null ? Optional.empty() : Optional.of(earnRule(rs)),
                                campaigns(rs.getString("campaigns")),
                                rs.getBoolean("first_earning_recorded"),
                                rs.getBoolean("earning_stored"),
                                rs.getBoolean("segment_shared")),
                        partnerId,
                        bound,
                        bound,
                        partnerId,
                        partnerTxId,
                        partnerId,
                        partnerId,
                        storeCode,
                        blankAsNull(cardNumber),
                        blankAsNull(cardNumber),
                        blankAsNull(memberId),
                        partnerId,
                        bound)
                .orElseThrow();
    }

    private static final Instant EARLIEST = java.time.LocalDate.of(-4000, 1, 1)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant();
    private static final Instant LATEST = java.time.LocalDate.of(200_000, 1, 1)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant();

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The campaigns column of {@link #earnDirectory}: a JSON array (numbers as text, so exact), or null for none. */
    private static List<Campaign> campaigns(String json) throws SQLException {
        if (json == null) {
            return List.of();
        }
        try {
            List<Campaign> campaigns = new ArrayList<>();
            for (JsonNode k : JSON.readTree(json)) {
                campaigns.add(new Campaign(
                        k.get("campaignId").asText(),
                        k.get("partnerId").isNull() ? null : k.get("partnerId").asText(),
                        k.get("bonusKind").asText(),
                        k.get("multiplier").isNull()
                                ? null
                                : new BigDecimal(k.get("multiplier").asText()),
                        k.get("fixedPoints").asLong(),
                        k.get("target").asText(),
                        k.get("targetValue").isNull()
                                ? null
                                : k.get("targetValue").asText(),
                        k.get("budgetPoints").asLong(),
                        new BigDecimal(k.get("treatmentShare").asText()),
                        k.get("fundedBy").asText(),
                        "CROSS_PARTNER".equals(k.get("target").asText())
                                ? new Campaign.Audience(
                                        text(k, "audiencePartnerId"),
                                        text(k, "audienceCategory"),
                                        k.get("audienceWithinDays").asInt(),
                                        k.get("audienceNotYetHere").asBoolean())
                                : null,
                        text(k, "coFunderId"),
                        text(k, "coFunderShare") == null ? null : new BigDecimal(text(k, "coFunderShare"))));
            }
            return campaigns;
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable campaigns of the earn directory: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode k, String field) {
        JsonNode v = k.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

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
                DirectoryRepository::earnRule,
                partnerId,
                at);
    }

    private static EarnRule earnRule(ResultSet rs) throws SQLException {
        return new EarnRule(
                rs.getInt("version"),
                rs.getBigDecimal("base_rate"),
                RateOverrides.fromText(rs.getString("store_rates")),
                RateOverrides.fromText(rs.getString("category_rates")),
                rs.getBigDecimal("minimum_purchase"),
                rs.getObject("per_transaction_cap", Long.class),
                rs.getInt("pending_days"),
                rs.getInt("validity_months"),
                rs.getInt("backdating_days"),
                Sql.instant(rs, "effective_from"));
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
                        rs.getString("funded_by"),
                        "CROSS_PARTNER".equals(rs.getString("target"))
                                ? new Campaign.Audience(
                                        rs.getString("audience_partner_id"),
                                        rs.getString("audience_category"),
                                        rs.getInt("audience_within_days"),
                                        rs.getBoolean("audience_not_yet_here"))
                                : null,
                        rs.getString("co_funder_id"),
                        rs.getBigDecimal("co_funder_share")),
                partnerId,
                at,
                at);
    }

    /**
     * Whether a joint campaign of {@code partnerId} may use this member's purchases elsewhere at
     * {@code at} (the posting's time): the member allows personalization and shares with every partner or with this one,
     * bought at the audience's partner (or at a partner of its category) within its window before
     * {@code at} (a purchase refunded whole does not count), and, for a first-visit campaign, never
     * earned at {@code partnerId}. Read by postings under the member's row lock, so two racing first
     * purchases cannot both be first (I20).
     */
    public boolean inAudience(Connection c, String memberId, String partnerId, Campaign.Audience audience, Instant at)
            throws SQLException {
        return Sql.one(
                        c,
                        "SELECT EXISTS (SELECT 1 FROM member_directory d WHERE d.member_id = ? AND d.personalization "
                                + "AND (d.share_with_all_partners OR ? = ANY (d.shared_partner_ids))) "
                                + "AND EXISTS (SELECT 1 FROM earning e JOIN partner_directory p ON p.partner_id = e.partner_id "
                                + "WHERE e.member_id = ? AND e.partner_id <> ? AND e.occurred_at >= ? AND e.occurred_at < ? "
                                + "AND e.refunded_amount < e.amount "
                                + "AND (e.partner_id = ?::text OR (?::text IS NULL AND lower(btrim(p.category)) = lower(btrim(?::text))))) "
                                + "AND (NOT ? OR NOT EXISTS (SELECT 1 FROM earning h WHERE h.member_id = ? AND h.partner_id = ?))",
                        rs -> rs.getBoolean(1),
                        memberId,
                        partnerId,
                        memberId,
                        partnerId,
                        at.minus(java.time.Duration.ofDays(audience.withinDays())),
                        at,
                        audience.boughtAtPartnerId(),
                        audience.boughtAtPartnerId(),
                        audience.boughtInCategory(),
                        audience.notYetHere(),
                        memberId,
                        partnerId)
                .orElse(false);
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
