package io.pointmesh.analytics.service;

import io.pointmesh.analytics.Uplift;
import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A campaign's treatment group against its held-out control. The population is every member who
 * was a member during the campaign and matches its target (grade or segment as last computed);
 * each is in treatment or control by the same deterministic assignment the ledger used
 * ({@link CampaignAssignment}). Outcomes over the campaign's period, at its partner (any partner
 * for a network campaign): purchased, spend (net of refunds), redeemed.
 */
@ApplicationScoped
public class CampaignResults {

    @RegisterForReflection
    public record Results(String campaignId, String partnerId, String name, Instant from, Instant to, BigDecimal treatmentShare,
                          Uplift.Rates purchaseRate, Uplift.Means spendPerMember, Uplift.Rates redemptionRate) {
    }

    /** A campaign as the dashboard lists it. */
    @RegisterForReflection
    public record Summary(String campaignId, String partnerId, String name, String bonusKind, Instant startsAt, Instant endsAt,
                          String target, BigDecimal treatmentShare) {
    }

    @Inject
    Transactions transactions;

    @Inject
    Clock clock;

    @Inject
    io.pointmesh.analytics.config.AnalyticsConfig config;

    /** Campaigns newest first: every one (partnerId null), the network's own ("network"), or one partner's. */
    public List<Summary> campaigns(String partnerId) {
        String where = partnerId == null ? "" : "network".equals(partnerId) ? " WHERE partner_id IS NULL" : " WHERE partner_id = ?";
        Object[] params = partnerId == null || "network".equals(partnerId) ? new Object[0] : new Object[]{partnerId};
        return transactions.run(c -> Sql.list(c, "SELECT campaign_id, partner_id, name, bonus_kind, starts_at, ends_at, target, treatment_share "
                        + "FROM campaign_dim" + where + " ORDER BY starts_at DESC, campaign_id LIMIT 200",
                rs -> new Summary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getBigDecimal(8)), params));
    }

    /** The campaign's partner (null for a network campaign), or 404. */
    public String partnerOf(String campaignId) {
        return transactions.run(c -> Sql.list(c, "SELECT partner_id FROM campaign_dim WHERE campaign_id = ?",
                        rs -> java.util.Optional.ofNullable(rs.getString(1)), campaignId))
                .stream().findFirst().orElseThrow(() -> ProblemException.notFound("campaign", campaignId)).orElse(null);
    }

    /** The results as operators see them. */
    public Results results(String campaignId) {
        return results(campaignId, false);
    }

    /**
     * The results; {@code partnerView}: as the campaign's partner sees them, the statistics only when
     * each arm holds at least k ({@code minimum-group}) members (null otherwise; docs/privacy.md).
     */
    public Results results(String campaignId, boolean partnerView) {
        return transactions.run(c -> {
            Object[] k = Sql.one(c, "SELECT partner_id, name, starts_at, least(ends_at, coalesce(ended_at, ends_at)), target, target_value, "
                            + "treatment_share FROM campaign_dim WHERE campaign_id = ?",
                    rs -> new Object[]{rs.getString(1), rs.getString(2), Sql.instant(rs, "starts_at"), rs.getObject(4, java.time.OffsetDateTime.class)
                            .toInstant(), rs.getString(5), rs.getString(6), rs.getBigDecimal(7)}, campaignId)
                    .orElseThrow(() -> ProblemException.notFound("campaign", campaignId));
            String partnerId = (String) k[0];
            Instant from = (Instant) k[2];
            Instant to = ((Instant) k[3]).isAfter(clock.instant()) ? clock.instant() : (Instant) k[3];
            String target = (String) k[4];
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
                params.add(k[5]);
            }
            List<Object[]> members = Sql.list(c, "WITH buy AS (SELECT member_id, sum(amount - refunded) AS spend FROM purchase_fact "
                            + "WHERE occurred_at >= ? AND occurred_at < ?" + at + " GROUP BY member_id), "
                            + "burn AS (SELECT DISTINCT member_id FROM redemption_fact WHERE captured_at >= ? AND captured_at < ?" + at + ") "
                            + "SELECT d.member_id, coalesce(b.spend, 0), b.member_id IS NOT NULL, r.member_id IS NOT NULL FROM member_dim d "
                            + "LEFT JOIN buy b USING (member_id) LEFT JOIN burn r USING (member_id) "
                            + "WHERE d.status <> 'LEFT' AND d.joined_at < ?" + targetFilter,
                    rs -> new Object[]{rs.getString(1), rs.getBigDecimal(2), rs.getBoolean(3), rs.getBoolean(4)}, params.toArray());
            BigDecimal share = (BigDecimal) k[6];
            if (partnerView) {
                long treated = members.stream().filter(m -> CampaignAssignment.inTreatment(campaignId, (String) m[0], share)).count();
                if (treated < config.minimumGroup() || members.size() - treated < config.minimumGroup()) {
                    return new Results(campaignId, partnerId, (String) k[1], from, to, share, null, null, null);
                }
            }
            List<Double> spendT = new ArrayList<>();
            List<Double> spendC = new ArrayList<>();
            long buyT = 0, buyC = 0, burnT = 0, burnC = 0;
            for (Object[] m : members) {
                boolean treated = CampaignAssignment.inTreatment(campaignId, (String) m[0], share);
                double spend = ((BigDecimal) m[1]).doubleValue();
                if (treated) {
                    spendT.add(spend);
                    buyT += (Boolean) m[2] ? 1 : 0;
                    burnT += (Boolean) m[3] ? 1 : 0;
                } else {
                    spendC.add(spend);
                    buyC += (Boolean) m[2] ? 1 : 0;
                    burnC += (Boolean) m[3] ? 1 : 0;
                }
            }
            return new Results(campaignId, partnerId, (String) k[1], from, to, share, Uplift.rates(buyT, spendT.size(), buyC, spendC.size()),
                    Uplift.means(spendT.stream().mapToDouble(Double::doubleValue).toArray(), spendC.stream().mapToDouble(Double::doubleValue).toArray()),
                    Uplift.rates(burnT, spendT.size(), burnC, spendC.size()));
        });
    }
}
