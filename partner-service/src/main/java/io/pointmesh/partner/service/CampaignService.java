package io.pointmesh.partner.service;

import io.pointmesh.events.Grade;
import io.pointmesh.events.Segment;
import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.CrossPartnerAudience;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.partner.Campaign;
import io.pointmesh.partner.MileageProgram;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.config.CampaignConfig;
import io.pointmesh.partner.repository.MileageProgramRepository;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.problem.TimeParams;
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

    /** The most points one ledger operation moves (the ledger's PointLimits): a bonus above it could never be paid. */
    static final long MAX_FIXED_POINTS = 1_000_000_000L;

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
            FundedBy fundedBy,
            CrossPartnerAudience audience,
            String coFunderId,
            BigDecimal coFunderShare) {

        /**
         * Times as PostgreSQL keeps them (microseconds): two times a nanosecond apart are one time there, and would
         * pass the "after startsAt" check only to fail the table's CHECK.
         */
        public CampaignCommand {
            startsAt = startsAt == null ? null : startsAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            endsAt = endsAt == null ? null : endsAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        }
    }

    /** The shortest audience window: a bonus must never tell when a purchase elsewhere was made. */
    static final int MINIMUM_WINDOW_DAYS = 7;

    @Inject
    PartnerRepository partners;

    @Inject
    MileageProgramRepository mileagePrograms;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    CampaignConfig campaignTerms;

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
        long maxFixed = Math.min(campaignTerms.maxFixedPoints(), MAX_FIXED_POINTS);
        if (cmd.bonusKind() == BonusKind.FIXED
                && (cmd.fixedPoints() == null || cmd.fixedPoints() <= 0 || cmd.fixedPoints() > maxFixed)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "fixedPoints", "a fixed campaign needs fixedPoints from 1 to " + maxFixed));
        }
        // a ratio has at most 4 decimal places (1e-999999999 passed the bounds and reached PostgreSQL's NUMERIC limit)
        if (cmd.multiplier() != null && cmd.multiplier().stripTrailingZeros().scale() > 4) {
            return Uni.createFrom().failure(ProblemException.invalidField("multiplier", "at most 4 decimal places"));
        }
        if (cmd.treatmentShare() != null
                && cmd.treatmentShare().stripTrailingZeros().scale() > 4) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField("treatmentShare", "at most 4 decimal places"));
        }
        try {
            TimeParams.inRange("startsAt", cmd.startsAt());
            TimeParams.inRange("endsAt", cmd.endsAt());
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        if (!cmd.endsAt().isAfter(cmd.startsAt())) {
            return Uni.createFrom().failure(ProblemException.invalidField("endsAt", "after startsAt"));
        }
        CampaignTarget target = cmd.target() == null ? CampaignTarget.EVERYONE : cmd.target();
        String targetValue =
                target == CampaignTarget.EVERYONE || target == CampaignTarget.CROSS_PARTNER ? null : cmd.targetValue();
        if (target == CampaignTarget.GRADE && !isOneOf(targetValue, Grade.values())
                || target == CampaignTarget.SEGMENT && !isOneOf(targetValue, Segment.values())) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "targetValue",
                            "a grade (" + Arrays.toString(Grade.values()) + ") or a segment ("
                                    + Arrays.toString(Segment.values()) + ") matching the target"));
        }
        CrossPartnerAudience audience = target == CampaignTarget.CROSS_PARTNER ? cmd.audience() : null;
        if (target == CampaignTarget.CROSS_PARTNER && audience == null) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField("audience", "a CROSS_PARTNER campaign needs an audience"));
        }
        if (target != CampaignTarget.CROSS_PARTNER && cmd.audience() != null) {
            return Uni.createFrom()
                    .failure(
                            ProblemException.invalidField("audience", "only a CROSS_PARTNER campaign has an audience"));
        }
        if (audience != null) {
            // blanks are absent; a category is compared trimmed and without case, so stored so
            String category = blankAsNull(audience.boughtInCategory());
            audience = new CrossPartnerAudience(
                    blankAsNull(audience.boughtAtPartnerId()),
                    category == null ? null : category.toLowerCase(java.util.Locale.ROOT),
                    audience.withinDays(),
                    audience.notYetHere());
            String problem = audienceProblem(partnerId, audience, byOperator);
            if (problem != null) {
                return Uni.createFrom().failure(ProblemException.invalidField("audience", problem));
            }
        }
        if (cmd.coFunderId() != null && (cmd.budgetPoints() == null || cmd.budgetPoints() <= 0)) {
            // the co-funder's exposure is bounded: at most its share of the budget
            return Uni.createFrom()
                    .failure(ProblemException.invalidField("budgetPoints", "a co-funded campaign needs a budget"));
        }
        if (cmd.coFunderId() != null || cmd.coFunderShare() != null) {
            if (cmd.coFunderId() == null || cmd.coFunderShare() == null) {
                return Uni.createFrom().failure(ProblemException.invalidField("coFunding", "both partnerId and share"));
            }
            if (fundedBy != FundedBy.PARTNER) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                "coFunding", "only a partner-funded campaign is co-funded"));
            }
            if (cmd.coFunderId().equals(partnerId)) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                "coFunding.partnerId", "another partner than the campaign's"));
            }
            if (cmd.coFunderShare().signum() <= 0
                    || cmd.coFunderShare().compareTo(BigDecimal.ONE) >= 0
                    || cmd.coFunderShare().stripTrailingZeros().scale() > 4) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                "coFunding.share", "above 0 and below 1, at most 4 decimals"));
            }
        }
        CrossPartnerAudience checkedAudience = audience;
        String requestHash = idempotencyKey == null
                ? null
                : RequestHash.of(
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
                        fundedBy,
                        checkedAudience,
                        cmd.coFunderId(),
                        cmd.coFunderShare() == null ? null : cmd.coFunderShare().stripTrailingZeros());
        java.util.function.Supplier<Uni<Idempotency.Outcome<Campaign>>> attempt =
                () -> Panache.withTransaction(() -> insert(
                        partnerId,
                        cmd,
                        fundedBy,
                        target,
                        targetValue,
                        checkedAudience,
                        actor,
                        idempotencyKey,
                        requestHash));
        return attempt.get()
                // a racing twin inserted first (only without the lock): its campaign is the answer
                .onFailure(f -> idempotencyKey != null && Idempotency.lostRace(f, "campaign_idempotency_key"))
                .recoverWithUni(() -> attempt.get());
    }

    private Uni<Idempotency.Outcome<Campaign>> insert(
            String partnerId,
            CampaignCommand cmd,
            FundedBy fundedBy,
            CampaignTarget target,
            String targetValue,
            CrossPartnerAudience audience,
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
                : newCampaign(
                                partnerId,
                                cmd,
                                fundedBy,
                                target,
                                targetValue,
                                audience,
                                actor,
                                idempotencyKey,
                                requestHash)
                        .map(Idempotency.Outcome::created));
    }

    private Uni<Campaign> newCampaign(
            String partnerId,
            CampaignCommand cmd,
            FundedBy fundedBy,
            CampaignTarget target,
            String targetValue,
            CrossPartnerAudience audience,
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
                    if (audience != null) {
                        c.audiencePartnerId = audience.boughtAtPartnerId();
                        c.audienceCategory = audience.boughtInCategory();
                        c.audienceWithinDays = audience.withinDays();
                        c.audienceNotYetHere = audience.notYetHere();
                    }
                    c.coFunderId = cmd.coFunderId();
                    c.coFunderShare = cmd.coFunderShare() == null
                            ? null
                            : cmd.coFunderShare().stripTrailingZeros();
                    c.coFundingStatus = cmd.coFunderId() == null ? null : "PENDING";
                    c.createdBy = actor;
                    c.createdAt = clock.instant();
                    c.idempotencyKey = idempotencyKey;
                    c.requestHash = requestHash;
                    return requireKnownPartners(audience, cmd.coFunderId())
                            .chain(() -> c.<Campaign>persist())
                            // a co-funded campaign pays nothing until its co-funder accepts
                            .call(saved -> c.coFunderId == null
                                    ? publish(c)
                                    : Uni.createFrom().voidItem());
                });
    }

    /** The audience's partner must exist; the co-funder must be ACTIVE. */
    private Uni<Void> requireKnownPartners(CrossPartnerAudience audience, String coFunderId) {
        Uni<Void> audiencePartner = audience == null || audience.boughtAtPartnerId() == null
                ? Uni.createFrom().voidItem()
                : partners.findById(audience.boughtAtPartnerId())
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.invalidField("audience.boughtAtPartnerId", "no such partner"))
                        .replaceWithVoid();
        return audiencePartner.chain(() -> coFunderId == null
                ? Uni.createFrom().voidItem()
                : partners.findById(coFunderId)
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.invalidField("coFunding.partnerId", "no such partner"))
                        .invoke(f -> {
                            if (f.status != PartnerStatus.ACTIVE) {
                                throw ProblemException.conflict(
                                        "co-funder-not-active", "a co-funder must be an ACTIVE partner");
                            }
                        })
                        .replaceWithVoid());
    }

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * What is wrong with an audience, or null. A partner's joint campaign is for members who have
     * not bought from it yet ({@code notYetHere}): otherwise its own earnings could test which of its
     * customers shop at a competitor (docs/privacy.md, "Joint campaigns"); operators may aim at
     * everyone in the audience. A window of at least {@value #MINIMUM_WINDOW_DAYS} days, so that a
     * bonus never pins down when a purchase elsewhere was made.
     */
    private static String audienceProblem(String partnerId, CrossPartnerAudience a, boolean byOperator) {
        boolean byPartner = a.boughtAtPartnerId() != null;
        boolean byCategory = a.boughtInCategory() != null;
        if (byPartner == byCategory) {
            return "exactly one of boughtAtPartnerId and boughtInCategory";
        }
        if (byPartner && a.boughtAtPartnerId().equals(partnerId)) {
            return "boughtAtPartnerId names another partner than the campaign's";
        }
        if (byCategory && a.boughtInCategory().length() > 40) {
            return "boughtInCategory is at most 40 characters";
        }
        if (a.withinDays() < MINIMUM_WINDOW_DAYS || a.withinDays() > 730) {
            return "withinDays from " + MINIMUM_WINDOW_DAYS + " to 730";
        }
        if (!a.notYetHere() && !byOperator) {
            return "a partner's joint campaign is for members who have not bought from it yet (notYetHere true)";
        }
        return null;
    }

    /** Tells the ledger (and analytics) the campaign as it now is. */
    private Uni<Void> publish(Campaign c) {
        return outbox.publish(new CampaignPublished(
                        c.id,
                        c.partnerId,
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
                        c.fundedBy,
                        c.audience(),
                        c.coFunderId,
                        c.coFunderShare))
                .replaceWithVoid();
    }

    /** Campaigns other partners asked {@code coFunderId} to co-fund, newest first. */
    @WithSession
    public Uni<List<Campaign>> coFundingRequests(String coFunderId) {
        return Campaign.<Campaign>find("coFunderId = ?1 order by createdAt desc, id", coFunderId)
                .list();
    }

    /**
     * The co-funder's answer. Accepting publishes the campaign (the ledger starts paying bonuses,
     * the co-funder its share of each); declining leaves it unpublished for good. The campaign's
     * row is locked, so an accept racing a decline (or the campaign's end) is decided once; the
     * same answer again changes nothing, the other answer is 409.
     */
    @WithTransaction
    public Uni<Campaign> decideCoFunding(String coFunderId, String campaignId, boolean accept, String actor) {
        return decide(coFunderId, campaignId, accept ? "ACCEPTED" : "DECLINED", actor);
    }

    /**
     * The co-funder withdraws after accepting: the campaign ends at once (no bonus is co-funded from
     * then on; what was earned stays, as for any ended campaign). Withdrawing again changes nothing.
     */
    @WithTransaction
    public Uni<Campaign> withdrawCoFunding(String coFunderId, String campaignId, String actor) {
        return decide(coFunderId, campaignId, "WITHDRAWN", actor);
    }

    private Uni<Campaign> decide(String coFunderId, String campaignId, String wanted, String actor) {
        return Campaign.<Campaign>findById(campaignId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .chain(c -> {
                    if (c == null || !coFunderId.equals(c.coFunderId)) {
                        throw ProblemException.notFound("co-funding request", campaignId);
                    }
                    boolean accept = "ACCEPTED".equals(wanted);
                    if (wanted.equals(c.coFundingStatus)) {
                        return Uni.createFrom().item(c);
                    }
                    if ("WITHDRAWN".equals(wanted)) {
                        if (!"ACCEPTED".equals(c.coFundingStatus)) {
                            throw ProblemException.conflict(
                                    "co-funding-not-accepted", "only an accepted co-funding can be withdrawn");
                        }
                        c.coFundingStatus = wanted;
                        c.coFundingDecidedBy = actor;
                        c.coFundingDecidedAt = clock.instant();
                        if (c.endedAt != null) {
                            return Uni.createFrom().item(c);
                        }
                        c.endedAt = clock.instant();
                        return outbox.publish(new CampaignEnded(c.id, c.partnerId, "co-funder withdrew"))
                                .replaceWith(c);
                    }
                    if (!"PENDING".equals(c.coFundingStatus)) {
                        throw ProblemException.conflict(
                                "co-funding-decided", "this co-funding request was already " + c.coFundingStatus);
                    }
                    if (accept && (c.endedAt != null || !c.endsAt.isAfter(clock.instant()))) {
                        throw ProblemException.conflict("campaign-ended", "the campaign has ended");
                    }
                    c.coFundingStatus = wanted;
                    c.coFundingDecidedBy = actor;
                    c.coFundingDecidedAt = clock.instant();
                    // co-funded from the acceptance on: a purchase dated before it (a back-dated
                    // earning) is not the co-funder's to pay
                    if (accept && c.startsAt.isBefore(c.coFundingDecidedAt)) {
                        c.startsAt = c.coFundingDecidedAt;
                    }
                    return accept
                            ? requireKnownPartners(null, coFunderId)
                                    .chain(() -> partners.findById(c.partnerId))
                                    .invoke(owner -> {
                                        if (owner.status != PartnerStatus.ACTIVE) {
                                            throw ProblemException.conflict(
                                                    "partner-not-active", "the campaign's partner is not ACTIVE");
                                        }
                                    })
                                    .chain(() -> publish(c))
                                    .replaceWith(c)
                            : Uni.createFrom().item(c);
                });
    }

    @WithTransaction
    public Uni<Campaign> end(String partnerId, String campaignId, String reason) {
        // the row lock orders an end against its co-funder's acceptance (decideCoFunding)
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

    /** The partner's campaign, its row locked (orders an end against its co-funder's acceptance). */
    private Uni<Campaign> campaign(String partnerId, String campaignId) {
        return Campaign.<Campaign>findById(campaignId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .map(c -> {
                    if (c == null || !c.partnerId.equals(partnerId)) {
                        throw ProblemException.notFound("campaign", campaignId);
                    }
                    return c;
                });
    }

    /** The conversion terms of a mileage partner (operators); each change is an event the ledger converts with. */
    @WithTransaction
    public Uni<MileageProgram> publishMileageProgram(String partnerId, MileageProgram program, String actor) {
        // a conversion multiplies points by it: at most 4 decimal places (1.50000 is 1.5; 1E-999999999 is refused)
        if (program.milesPerPoint() != null
                && program.milesPerPoint().stripTrailingZeros().scale() > 4) {
            return Uni.createFrom().failure(ProblemException.invalidField("milesPerPoint", "at most 4 decimal places"));
        }
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
