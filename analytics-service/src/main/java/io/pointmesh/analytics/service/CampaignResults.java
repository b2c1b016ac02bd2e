package io.pointmesh.analytics.service;

import io.pointmesh.analytics.Uplift;
import io.pointmesh.analytics.repository.CampaignRepository;
import io.pointmesh.analytics.repository.CampaignRepository.Audience;
import io.pointmesh.analytics.repository.CampaignRepository.BeforeAfter;
import io.pointmesh.analytics.repository.CampaignRepository.Campaign;
import io.pointmesh.analytics.repository.CampaignRepository.Outcome;
import io.pointmesh.analytics.repository.CampaignRepository.Owner;
import io.pointmesh.analytics.repository.CampaignRepository.Summary;
import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A campaign's treatment group against its held-out control, and its lift before and during.
 * The population is every member who was a member during the campaign and matches its target
 * (grade or segment as last computed); a joint campaign's (CROSS_PARTNER) is every member who was
 * in its audience at its start ({@link CampaignRepository#population}). Each member is in treatment
 * or control by the same deterministic assignment the ledger used ({@link CampaignAssignment}).
 * Outcomes at the campaign's partner (any partner for a network campaign): purchased, spend (net
 * of refunds), redeemed.
 */
@ApplicationScoped
public class CampaignResults {

    @RegisterForReflection
    public record Results(
            String campaignId,
            String partnerId,
            String coFunderId,
            String name,
            String target,
            Audience audience,
            Instant from,
            Instant to,
            BigDecimal treatmentShare,
            Uplift.Rates purchaseRate,
            Uplift.Means spendPerMember,
            Uplift.Rates redemptionRate) {}

    /** A period [from, to). */
    @RegisterForReflection
    public record Period(Instant from, Instant to) {}

    /** One arm's share of members who purchased, before and during, and the change (during - before); null: no member. */
    @RegisterForReflection
    public record ShareArm(Double before, Double during, Double change) {}

    /**
     * The purchase share of both arms and the lift: the treatment's change less the control's.
     * {@code test}: Welch's t-test of the members' own changes (during - before: -1, 0 or 1),
     * treatment against control, whose difference of means is the lift; with its 95 % interval and
     * p-value (docs/analytics.md, "Lift").
     */
    @RegisterForReflection
    public record ShareLift(ShareArm treatment, ShareArm control, Double lift, Uplift.Means test) {}

    /** One arm's net spend per member, before and during, and the change; 2 decimals, half-even; null: no member. */
    @RegisterForReflection
    public record SpendArm(BigDecimal before, BigDecimal during, BigDecimal change) {}

    /** Spend per member of both arms and the lift: the treatment's change less the control's; {@code test} as for the share. */
    @RegisterForReflection
    public record SpendLift(SpendArm treatment, SpendArm control, BigDecimal lift, Uplift.Means test) {}

    /**
     * The lift report: the population's treatment and control, in the period of the campaign's
     * length before its start and during it (to its end, or now); difference-in-differences.
     * {@code suppressed}: a partner's view with an arm under k members (docs/privacy.md): the
     * member counts and every figure are null.
     */
    @RegisterForReflection
    public record Lift(
            String campaignId,
            String partnerId,
            String coFunderId,
            String name,
            String target,
            Audience audience,
            BigDecimal treatmentShare,
            Period before,
            Period during,
            boolean suppressed,
            Long treatmentMembers,
            Long controlMembers,
            ShareLift purchaseShare,
            SpendLift spendPerMember) {}

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

    /** The campaign's partner (null for a network campaign) and co-funder, or 404. */
    public Owner ownerOf(String campaignId) {
        return transactions
                .run(c -> repository.owner(c, campaignId))
                .orElseThrow(() -> ProblemException.notFound("campaign", campaignId));
    }

    /** The results as operators see them. */
    public Results results(String campaignId) {
        return results(campaignId, false);
    }

    private Disclosure disclosure(boolean partnerView) {
        return partnerView
                ? Disclosure.partnerThresholdOnly(config.minimumGroup())
                : Disclosure.exact(config.minimumGroup());
    }

    /**
     * The results; {@code partnerView}: as the campaign's partner (or co-funder) sees them, the
     * statistics only when each arm holds at least k ({@code minimum-group}) members (null otherwise;
     * docs/privacy.md).
     */
    public Results results(String campaignId, boolean partnerView) {
        Disclosure disclosure = disclosure(partnerView);
        return transactions.run(c -> {
            Campaign k = repository
                    .campaign(c, campaignId)
                    .orElseThrow(() -> ProblemException.notFound("campaign", campaignId));
            String partnerId = k.partnerId();
            Instant from = k.startsAt();
            Instant to = until(k, partnerView);
            if (to.isBefore(from)) {
                to = from;
            }
            List<Outcome> members = repository.outcomes(c, k, from, to);
            BigDecimal share = k.treatmentShare();
            long treated = members.stream()
                    .filter(m -> CampaignAssignment.inTreatment(campaignId, m.memberId(), share))
                    .count();
            if (!disclosure.shown(treated) || !disclosure.shown(members.size() - treated)) {
                return new Results(
                        campaignId,
                        partnerId,
                        k.coFunderId(),
                        k.name(),
                        k.target(),
                        k.audience(),
                        from,
                        to,
                        share,
                        null,
                        null,
                        null);
            }
            List<Double> spendT = new ArrayList<>();
            List<Double> spendC = new ArrayList<>();
            long buyT = 0, buyC = 0, burnT = 0, burnC = 0;
            for (Outcome m : members) {
                boolean inTreatment = CampaignAssignment.inTreatment(campaignId, m.memberId(), share);
                double spend = m.spend().doubleValue();
                if (inTreatment) {
                    spendT.add(spend);
                    buyT += m.purchased() ? 1 : 0;
                    burnT += m.redeemed() ? 1 : 0;
                } else {
                    spendC.add(spend);
                    buyC += m.purchased() ? 1 : 0;
                    burnC += m.redeemed() ? 1 : 0;
                }
            }
            return new Results(
                    campaignId,
                    partnerId,
                    k.coFunderId(),
                    k.name(),
                    k.target(),
                    k.audience(),
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

    /**
     * Where "during" ends: the campaign's end, or now while it runs. A partner's view (the campaign's
     * partner or its co-funder) counts whole days only, up to the start of today in the network's
     * zone: polled through a day, exact figures changing with each purchase would time and size the
     * other partner's individual sales (docs/privacy.md).
     */
    private Instant until(Campaign k, boolean partnerView) {
        Instant now = partnerView
                ? java.time.LocalDate.now(clock.withZone(config.zone()))
                        .atStartOfDay(config.zone())
                        .toInstant()
                : clock.instant();
        return k.endsAt().isAfter(now) ? now : k.endsAt();
    }

    /**
     * The lift report (docs/analytics.md, "Lift"): during = [start, min(end, now)), before = the
     * period of the same length ending at the start. {@code partnerView}: figures only when each
     * arm holds at least k members.
     */
    public Lift lift(String campaignId, boolean partnerView) {
        Disclosure disclosure = disclosure(partnerView);
        return transactions.run(c -> {
            Campaign k = repository
                    .campaign(c, campaignId)
                    .orElseThrow(() -> ProblemException.notFound("campaign", campaignId));
            Instant from = k.startsAt();
            Instant to = until(k, partnerView);
            if (to.isBefore(from)) {
                to = from;
            }
            Instant before = from.minus(Duration.between(from, to));
            List<BeforeAfter> members = repository.beforeAndDuring(c, k, before, from, to);
            BigDecimal share = k.treatmentShare();
            Arm t = new Arm();
            Arm ctl = new Arm();
            for (BeforeAfter m : members) {
                (CampaignAssignment.inTreatment(campaignId, m.memberId(), share) ? t : ctl).add(m);
            }
            boolean shown = disclosure.shown(t.n) && disclosure.shown(ctl.n);
            return new Lift(
                    campaignId,
                    k.partnerId(),
                    k.coFunderId(),
                    k.name(),
                    k.target(),
                    k.audience(),
                    share,
                    new Period(before, from),
                    new Period(from, to),
                    !shown,
                    shown ? t.n : null,
                    shown ? ctl.n : null,
                    shown
                            ? new ShareLift(
                                    t.shares(),
                                    ctl.shares(),
                                    shareLift(t, ctl),
                                    Uplift.means(t.shareChanges(), ctl.shareChanges()))
                            : null,
                    shown
                            ? new SpendLift(
                                    t.spends(),
                                    ctl.spends(),
                                    spendLift(t, ctl),
                                    Uplift.means(t.spendChanges(), ctl.spendChanges()))
                            : null);
        });
    }

    /** (bought during - bought before)/nT - (the same)/nC, with one division: (dT nC - dC nT) / (nT nC). */
    static Double shareLift(Arm t, Arm c) {
        if (t.n == 0 || c.n == 0) {
            return null;
        }
        long dT = t.boughtDuring - t.boughtBefore;
        long dC = c.boughtDuring - c.boughtBefore;
        return (double) (dT * c.n - dC * t.n) / ((double) t.n * c.n);
    }

    /** The same with net spend: exact, then rounded to 2 decimals half-even. */
    static BigDecimal spendLift(Arm t, Arm c) {
        if (t.n == 0 || c.n == 0) {
            return null;
        }
        BigDecimal dT = t.spendDuring.subtract(t.spendBefore);
        BigDecimal dC = c.spendDuring.subtract(c.spendBefore);
        return dT.multiply(BigDecimal.valueOf(c.n))
                .subtract(dC.multiply(BigDecimal.valueOf(t.n)))
                .divide(BigDecimal.valueOf(t.n).multiply(BigDecimal.valueOf(c.n)), SPEND_SCALE, RoundingMode.HALF_EVEN);
    }

    static final int SPEND_SCALE = 2;

    /** One arm's totals. */
    static final class Arm {
        long n;
        long boughtBefore;
        long boughtDuring;
        BigDecimal spendBefore = BigDecimal.ZERO;
        BigDecimal spendDuring = BigDecimal.ZERO;
        // each member's own change, for the test (statistics, so doubles; the figures above are exact)
        final List<Double> shareChanges = new ArrayList<>();
        final List<Double> spendChanges = new ArrayList<>();

        void add(BeforeAfter m) {
            n++;
            shareChanges.add((m.purchasedDuring() ? 1.0 : 0.0) - (m.purchasedBefore() ? 1.0 : 0.0));
            spendChanges.add(m.spendDuring().subtract(m.spendBefore()).doubleValue());
            boughtBefore += m.purchasedBefore() ? 1 : 0;
            boughtDuring += m.purchasedDuring() ? 1 : 0;
            spendBefore = spendBefore.add(m.spendBefore());
            spendDuring = spendDuring.add(m.spendDuring());
        }

        double[] shareChanges() {
            return shareChanges.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double[] spendChanges() {
            return spendChanges.stream().mapToDouble(Double::doubleValue).toArray();
        }

        ShareArm shares() {
            if (n == 0) {
                return new ShareArm(null, null, null);
            }
            return new ShareArm(
                    (double) boughtBefore / n, (double) boughtDuring / n, (double) (boughtDuring - boughtBefore) / n);
        }

        SpendArm spends() {
            if (n == 0) {
                return new SpendArm(null, null, null);
            }
            return new SpendArm(
                    perMember(spendBefore), perMember(spendDuring), perMember(spendDuring.subtract(spendBefore)));
        }

        private BigDecimal perMember(BigDecimal total) {
            return total.divide(BigDecimal.valueOf(n), SPEND_SCALE, RoundingMode.HALF_EVEN);
        }
    }
}
