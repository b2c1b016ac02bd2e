package io.pointmesh.analytics.service;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Next best offer at a partner's POS: up to three of the active campaigns (the partner's own and
 * the network's) that the member may see, ranked by expected value x affinity x segment need,
 * from precomputed features only (one indexed read of the member, their partners and the live
 * campaigns). A member never sees a campaign whose control group they are in, the same offer at
 * most once a day, and nothing behaviour-based without the personalization consent (then only
 * campaigns for everyone, soonest ending first).
 */
@ApplicationScoped
public class Offers {

    public static final int MAX_OFFERS = 3;

    /** How much a segment needs a reason to come (back). */
    static final Map<String, Double> SEGMENT_NEED = Map.of("NEW", 1.2, "ACTIVE", 1.0, "REACTIVATED", 1.1, "DORMANT", 1.3,
            "CHURNED", 1.3, "PROSPECTIVE", 1.2);

    @RegisterForReflection
    public record Offer(int rank, String campaignId, String partnerId, String name, String bonusKind, BigDecimal multiplier,
                        long fixedPoints, Instant endsAt, BigDecimal score) {
    }

    record Candidate(String campaignId, String partnerId, String name, String bonusKind, BigDecimal multiplier, long fixedPoints,
                     Instant endsAt, String target, String targetValue, BigDecimal share) {
    }

    @Inject
    Transactions transactions;

    @Inject
    Clock clock;

    @Inject
    AnalyticsConfig config;

    public List<Offer> offers(String cardNumber, String partnerId) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, config.zone());
        return transactions.run(c -> {
            Object[] member = Sql.one(c, "SELECT d.member_id, d.grade, d.segment, d.personalization, d.status FROM card_dim k "
                                    + "JOIN member_dim d USING (member_id) WHERE k.card_number = ? AND k.active",
                            rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5)}, cardNumber)
                    .orElseThrow(() -> ProblemException.notFound("card", cardNumber));
            String memberId = (String) member[0];
            if (!"ACTIVE".equals(member[4])) {
                return List.of();
            }
            boolean personalized = (Boolean) member[3];
            List<Candidate> live = Sql.list(c, "SELECT campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, ends_at, target, "
                            + "target_value, treatment_share FROM campaign_dim k WHERE (partner_id = ? OR partner_id IS NULL) AND starts_at <= ? "
                            + "AND ends_at > ? AND ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM offer_shown s WHERE s.member_id = ? "
                            + "AND s.campaign_id = k.campaign_id AND s.day = ?)",
                    rs -> new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBigDecimal(5), rs.getLong(6),
                            Sql.instant(rs, "ends_at"), rs.getString(8), rs.getString(9), rs.getBigDecimal(10)),
                    partnerId, now, now, memberId, today);
            Map<String, BigDecimal> basket = new java.util.HashMap<>();
            if (personalized) {
                for (Object[] r : Sql.list(c, "SELECT partner_id, net_spend / purchases FROM member_partner WHERE member_id = ? AND purchases > 0",
                        rs -> new Object[]{rs.getString(1), rs.getBigDecimal(2)}, memberId)) {
                    basket.put((String) r[0], (BigDecimal) r[1]);
                }
            }
            List<Offer> ranked = new ArrayList<>();
            live.stream()
                    .filter(k -> matches(k, (String) member[1], (String) member[2]))
                    .filter(k -> personalized || "EVERYONE".equals(k.target()))
                    .filter(k -> CampaignAssignment.inTreatment(k.campaignId(), memberId, k.share()))
                    .map(k -> Map.entry(k, personalized ? score(k, partnerId, basket, (String) member[2]) : BigDecimal.ZERO))
                    .sorted(Comparator.<Map.Entry<Candidate, BigDecimal>, BigDecimal>comparing(Map.Entry::getValue).reversed()
                            .thenComparing(e -> e.getKey().endsAt()).thenComparing(e -> e.getKey().campaignId()))
                    .limit(MAX_OFFERS)
                    .forEach(e -> {
                        Candidate k = e.getKey();
                        ranked.add(new Offer(ranked.size() + 1, k.campaignId(), k.partnerId(), k.name(), k.bonusKind(), k.multiplier(),
                                k.fixedPoints(), k.endsAt(), e.getValue()));
                    });
            for (Offer o : ranked) {
                Sql.update(c, "INSERT INTO offer_shown (member_id, campaign_id, day) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        memberId, o.campaignId(), today);
            }
            return ranked;
        });
    }

    private static boolean matches(Candidate k, String grade, String segment) {
        return switch (k.target()) {
            case "GRADE" -> k.targetValue() != null && k.targetValue().equals(grade);
            case "SEGMENT" -> k.targetValue() != null && k.targetValue().equals(segment);
            default -> true;
        };
    }

    /**
     * Expected bonus points (fixed points, or the extra of a multiplier on the member's average
     * basket at that partner at a 1 % base, 10,000 where unknown) x affinity (1 where the member
     * already buys from the campaign's partner, 0.8 for the network's own, 0.5 otherwise: a
     * cross-partner nudge) x the segment's need.
     */
    static BigDecimal score(Candidate k, String posPartner, Map<String, BigDecimal> basket, String segment) {
        String partner = k.partnerId() == null ? posPartner : k.partnerId();
        BigDecimal value = "FIXED".equals(k.bonusKind()) ? BigDecimal.valueOf(k.fixedPoints())
                : basket.getOrDefault(partner, BigDecimal.valueOf(10_000)).multiply(new BigDecimal("0.01"))
                .multiply(k.multiplier() == null ? BigDecimal.ZERO : k.multiplier().subtract(BigDecimal.ONE));
        double affinity = k.partnerId() == null ? 0.8 : basket.containsKey(partner) ? 1.0 : 0.5;
        double need = SEGMENT_NEED.getOrDefault(segment == null ? "ACTIVE" : segment, 1.0);
        return value.multiply(BigDecimal.valueOf(affinity * need)).setScale(2, RoundingMode.HALF_UP);
    }
}
