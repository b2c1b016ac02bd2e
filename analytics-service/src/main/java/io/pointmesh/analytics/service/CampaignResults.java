package io.pointmesh.analytics.service;

import io.pointmesh.analytics.Uplift;
import io.pointmesh.analytics.repository.CampaignRepository;
import io.pointmesh.analytics.repository.CampaignRepository.Campaign;
import io.pointmesh.analytics.repository.CampaignRepository.Summary;
import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.platform.problem.ProblemException;
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
    public record Results(
            String campaignId,
            String partnerId,
            String name,
            Instant from,
            Instant to,
            BigDecimal treatmentShare,
            Uplift.Rates purchaseRate,
            Uplift.Means spendPerMember,
            Uplift.Rates redemptionRate) {}

    @Inject
    Transactions transactions;

    @Inject
    CampaignRepository repository;

    @Inject
    Clock clock;

    @Inject
    io.pointmesh.analytics.config.AnalyticsConfig config;

    /** Campaigns newest first: every one (partnerId null), the network's own ("network"), or one partner's. */
    public List<Summary> campaigns(String partnerId) {
        return transactions.run(c -> repository.campaigns(c, partnerId));
    }

    /** The campaign's partner (null for a network campaign), or 404. */
    public String partnerOf(String campaignId) {
        return transactions
                .run(c -> repository.owner(c, campaignId))
                .orElseThrow(() -> ProblemException.notFound("campaign", campaignId))
                .partnerId();
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
            Campaign k = repository
                    .campaign(c, campaignId)
                    .orElseThrow(() -> ProblemException.notFound("campaign", campaignId));
            String partnerId = k.partnerId();
            Instant from = k.startsAt();
            Instant to = k.endsAt().isAfter(clock.instant()) ? clock.instant() : k.endsAt();
            List<Object[]> members = repository.outcomes(c, partnerId, from, to, k.target(), k.targetValue());
            BigDecimal share = k.treatmentShare();
            if (partnerView) {
                long treated = members.stream()
                        .filter(m -> CampaignAssignment.inTreatment(campaignId, (String) m[0], share))
                        .count();
                if (treated < config.minimumGroup() || members.size() - treated < config.minimumGroup()) {
                    return new Results(campaignId, partnerId, k.name(), from, to, share, null, null, null);
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
            return new Results(
                    campaignId,
                    partnerId,
                    k.name(),
                    from,
                    to,
                    share,
                    Uplift.rates(buyT, spendT.size(), buyC, spendC.size()),
                    Uplift.means(
                            spendT.stream().mapToDouble(Double::doubleValue).toArray(),
                            spendC.stream().mapToDouble(Double::doubleValue).toArray()),
                    Uplift.rates(burnT, spendT.size(), burnC, spendC.size()));
        });
    }
}
