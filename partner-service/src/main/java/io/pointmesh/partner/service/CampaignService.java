package io.pointmesh.partner.service;

import io.pointmesh.events.Grade;
import io.pointmesh.events.Segment;
import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.partner.Campaign;
import io.pointmesh.partner.MileageProgram;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.repository.MileageProgramRepository;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Campaigns (partner-funded by the partner or an operator; network-funded by operators only) and mileage programs. */
@ApplicationScoped
public class CampaignService {

    public record CampaignCommand(
            String name,
            BonusKind bonusKind,
            BigDecimal multiplier,
            Long fixedPoints,
            java.time.Instant startsAt,
            java.time.Instant endsAt,
            CampaignTarget target,
            String targetValue,
            Long budgetPoints,
            BigDecimal treatmentShare,
            FundedBy fundedBy) {}

    @Inject
    PartnerRepository partners;

    @Inject
    MileageProgramRepository mileagePrograms;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    /**
     * Creates a campaign. With an idempotency key (already checked by {@link Idempotency#key}) a
     * retry of the same request answers the campaign it created, and nothing more is created.
     */
    public Uni<Idempotency.Outcome<Campaign>> create(
            String partnerId, CampaignCommand cmd, boolean byOperator, String actor, String idempotencyKey) {
        FundedBy fundedBy = cmd.fundedBy() == null ? FundedBy.PARTNER : cmd.fundedBy();
        if (fundedBy == FundedBy.NETWORK && !byOperator) {
            return Uni.createFrom()
                    .failure(ProblemException.forbidden(
                            "network-funding", "only operators fund campaigns from the network"));
        }
        if (cmd.bonusKind() == BonusKind.MULTIPLIER
                && (cmd.multiplier() == null
                        || cmd.multiplier().compareTo(BigDecimal.ONE) <= 0
                        || cmd.multiplier().compareTo(BigDecimal.TEN) > 0)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "multiplier", "a multiplier campaign needs a multiplier above 1, at most 10"));
        }
        if (cmd.bonusKind() == BonusKind.FIXED && (cmd.fixedPoints() == null || cmd.fixedPoints() <= 0)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "fixedPoints", "a fixed campaign needs positive fixedPoints"));
        }
        if (!cmd.endsAt().isAfter(cmd.startsAt())) {
            return Uni.createFrom().failure(ProblemException.invalidField("endsAt", "after startsAt"));
        }
        CampaignTarget target = cmd.target() == null ? CampaignTarget.EVERYONE : cmd.target();
        String targetValue = target == CampaignTarget.EVERYONE ? null : cmd.targetValue();
        if (target == CampaignTarget.GRADE && !isOneOf(targetValue, Grade.values())
                || target == CampaignTarget.SEGMENT && !isOneOf(targetValue, Segment.values())) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "targetValue",
                            "a grade (" + Arrays.toString(Grade.values()) + ") or a segment ("
                                    + Arrays.toString(Segment.values()) + ") matching the target"));
        }
        String requestHash = idempotencyKey == null
                ? null
                : Idempotency.hash(
                        cmd.name().strip(),
                        cmd.bonusKind(),
                        cmd.bonusKind() == BonusKind.MULTIPLIER ? cmd.multiplier() : null,
                        cmd.bonusKind() == BonusKind.FIXED ? cmd.fixedPoints() : null,
                        cmd.startsAt(),
                        cmd.endsAt(),
                        target,
                        targetValue,
                        cmd.budgetPoints() == null ? 0L : cmd.budgetPoints(),
                        cmd.treatmentShare() == null ? BigDecimal.ONE : cmd.treatmentShare(),
                        fundedBy);
        return Panache.withTransaction(
                        () -> insert(partnerId, cmd, fundedBy, target, targetValue, actor, idempotencyKey, requestHash))
                // a racing twin inserted first (only without the lock): its campaign is the answer
                .onFailure(f -> idempotencyKey != null && Idempotency.lostRace(f, "campaign_idempotency_key"))
                .recoverWithUni(() -> Panache.withTransaction(() ->
                        insert(partnerId, cmd, fundedBy, target, targetValue, actor, idempotencyKey, requestHash)));
    }

    private Uni<Idempotency.Outcome<Campaign>> insert(
            String partnerId,
            CampaignCommand cmd,
            FundedBy fundedBy,
            CampaignTarget target,
            String targetValue,
            String actor,
            String idempotencyKey,
            String requestHash) {
        Uni<Campaign> earlier = idempotencyKey == null
                ? Uni.createFrom().nullItem()
                : Idempotency.lock("campaign", partnerId, idempotencyKey)
                        .chain(() -> Campaign.<Campaign>find(
                                        "partnerId = ?1 and idempotencyKey = ?2", partnerId, idempotencyKey)
                                .firstResult());
        return earlier.chain(found -> found != null
                ? Uni.createFrom().item(Idempotency.replay(found, found.requestHash, requestHash, "campaign"))
                : newCampaign(partnerId, cmd, fundedBy, target, targetValue, actor, idempotencyKey, requestHash)
                        .map(Idempotency.Outcome::created));
    }

    private Uni<Campaign> newCampaign(
            String partnerId,
            CampaignCommand cmd,
            FundedBy fundedBy,
            CampaignTarget target,
            String targetValue,
            String actor,
            String idempotencyKey,
            String requestHash) {
        return partners.findById(partnerId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", partnerId))
                .chain(p -> {
                    if (p.status != PartnerStatus.ACTIVE) {
                        return Uni.createFrom()
                                .failure(ProblemException.conflict(
                                        "partner-not-active", "campaigns need an ACTIVE partner"));
                    }
                    Campaign c = new Campaign();
                    c.id = UUID.randomUUID().toString();
                    c.partnerId = partnerId;
                    c.name = cmd.name().strip();
                    c.bonusKind = cmd.bonusKind();
                    c.multiplier = cmd.bonusKind() == BonusKind.MULTIPLIER ? cmd.multiplier() : null;
                    c.fixedPoints = cmd.bonusKind() == BonusKind.FIXED ? cmd.fixedPoints() : 0;
                    c.startsAt = cmd.startsAt();
                    c.endsAt = cmd.endsAt();
                    c.target = target;
                    c.targetValue = targetValue;
                    c.budgetPoints = cmd.budgetPoints() == null ? 0 : cmd.budgetPoints();
                    c.treatmentShare = cmd.treatmentShare() == null ? BigDecimal.ONE : cmd.treatmentShare();
                    c.fundedBy = fundedBy;
                    c.createdBy = actor;
                    c.createdAt = clock.instant();
                    c.idempotencyKey = idempotencyKey;
                    c.requestHash = requestHash;
                    return c.<Campaign>persist()
                            .call(saved -> outbox.publish(new CampaignPublished(
                                    c.id,
                                    partnerId,
                                    c.name,
                                    c.bonusKind,
                                    c.multiplier,
                                    c.fixedPoints,
                                    c.startsAt,
                                    c.endsAt,
                                    c.target,
                                    c.targetValue,
                                    c.budgetPoints,
                                    c.treatmentShare,
                                    c.fundedBy)));
                });
    }

    @WithTransaction
    public Uni<Campaign> end(String partnerId, String campaignId, String reason) {
        return campaign(partnerId, campaignId).chain(c -> {
            if (c.endedAt != null) {
                return Uni.createFrom().item(c);
            }
            c.endedAt = clock.instant();
            return c.<Campaign>persist().call(saved -> outbox.publish(new CampaignEnded(c.id, partnerId, reason)));
        });
    }

    @WithSession
    public Uni<List<Campaign>> list(String partnerId) {
        return Campaign.<Campaign>find("partnerId = ?1 order by startsAt, id", partnerId)
                .list();
    }

    private Uni<Campaign> campaign(String partnerId, String campaignId) {
        return Campaign.<Campaign>findById(campaignId).map(c -> {
            if (c == null || !c.partnerId.equals(partnerId)) {
                throw ProblemException.notFound("campaign", campaignId);
            }
            return c;
        });
    }

    /** The conversion terms of a mileage partner (operators); each change is an event the ledger converts with. */
    @WithTransaction
    public Uni<MileageProgram> publishMileageProgram(String partnerId, MileageProgram program, String actor) {
        return partners.findById(partnerId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", partnerId))
                .chain(p -> mileagePrograms.upsert(partnerId, program, actor, clock.instant()))
                .chain(() -> outbox.publish(new MileageProgramPublished(
                        partnerId,
                        program.programCode(),
                        program.milesPerPoint(),
                        program.minimumPoints(),
                        program.stepPoints())))
                .replaceWith(new MileageProgram(
                        partnerId,
                        program.programCode(),
                        program.milesPerPoint(),
                        program.minimumPoints(),
                        program.stepPoints()));
    }

    private static boolean isOneOf(String value, Enum<?>[] values) {
        return value != null && Arrays.stream(values).anyMatch(v -> v.name().equals(value));
    }
}
