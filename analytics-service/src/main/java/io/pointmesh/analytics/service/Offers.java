package io.pointmesh.analytics.service;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.OfferRepository;
import io.pointmesh.analytics.repository.OfferRepository.Candidate;
import io.pointmesh.analytics.repository.OfferRepository.CardMember;
import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.platform.problem.ProblemException;
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
    static final Map<String, Double> SEGMENT_NEED =
            Map.of("NEW", 1.2, "ACTIVE", 1.0, "REACTIVATED", 1.1, "DORMANT", 1.3, "CHURNED", 1.3, "PROSPECTIVE", 1.2);

    @RegisterForReflection
    public record Offer(
            int rank,
            String campaignId,
            String partnerId,
            String name,
            String bonusKind,
            BigDecimal multiplier,
            long fixedPoints,
            Instant endsAt,
            BigDecimal score) {}

    @Inject
    Transactions transactions;

    @Inject
    OfferRepository repository;

    @Inject
    Clock clock;

    @Inject
    AnalyticsConfig config;

    public List<Offer> offers(String cardNumber, String partnerId) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, config.zone());
        return transactions.run(c -> {
            CardMember member = repository
                    .memberOfActiveCard(c, cardNumber, partnerId)
                    .orElseThrow(() -> ProblemException.notFound("card", cardNumber));
            String memberId = member.memberId();
            if (!"ACTIVE".equals(member.status())) {
                return List.of();
            }
            boolean personalized = member.personalization();
            // the segment (from purchases across the network) shapes the offers, and their scores, only for a member
            // who shares with this partner: a score of 130 against 100 told a partner who was dormant elsewhere
            String segment = member.sharesWithPartner() ? member.segment() : null;
            List<Candidate> live = repository.liveCampaignsNotShown(c, partnerId, now, memberId, today);
            Map<String, BigDecimal> basket = personalized ? repository.averageBaskets(c, memberId) : Map.of();
            List<Offer> ranked = new ArrayList<>();
            live.stream()
                    .filter(k -> matches(k, member.grade(), segment))
                    .filter(k -> personalized || "EVERYONE".equals(k.target()))
                    .filter(k -> CampaignAssignment.inTreatment(k.campaignId(), memberId, k.share()))
                    .map(k -> Map.entry(k, personalized ? score(k, partnerId, basket, segment) : BigDecimal.ZERO))
                    .sorted(Comparator.<Map.Entry<Candidate, BigDecimal>, BigDecimal>comparing(Map.Entry::getValue)
                            .reversed()
                            .thenComparing(e -> e.getKey().endsAt())
                            .thenComparing(e -> e.getKey().campaignId()))
                    .limit(MAX_OFFERS)
                    .forEach(e -> {
                        Candidate k = e.getKey();
                        ranked.add(new Offer(
                                ranked.size() + 1,
                                k.campaignId(),
                                k.partnerId(),
                                k.name(),
                                k.bonusKind(),
                                k.multiplier(),
                                k.fixedPoints(),
                                k.endsAt(),
                                e.getValue()));
                    });
            for (Offer o : ranked) {
                repository.shown(c, memberId, o.campaignId(), today);
            }
            return ranked;
        });
    }

    private static boolean matches(Candidate k, String grade, String segment) {
        return switch (k.target()) {
            case "GRADE" -> k.targetValue() != null && k.targetValue().equals(grade);
            case "SEGMENT" -> k.targetValue() != null && k.targetValue().equals(segment);
            // a joint campaign is never offered at the till: an offer to its audience only would tell the
            // partner who bought elsewhere, and one to everyone would promise a bonus the ledger does not pay
            case "CROSS_PARTNER" -> false;
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
        BigDecimal value = "FIXED".equals(k.bonusKind())
                ? BigDecimal.valueOf(k.fixedPoints())
                : basket.getOrDefault(partner, BigDecimal.valueOf(10_000))
                        .multiply(new BigDecimal("0.01"))
                        .multiply(
                                k.multiplier() == null
                                        ? BigDecimal.ZERO
                                        : k.multiplier().subtract(BigDecimal.ONE));
        double affinity = k.partnerId() == null ? 0.8 : basket.containsKey(partner) ? 1.0 : 0.5;
        double need = SEGMENT_NEED.getOrDefault(segment == null ? "ACTIVE" : segment, 1.0);
        return value.multiply(BigDecimal.valueOf(affinity * need)).setScale(2, RoundingMode.HALF_UP);
    }
}
