package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A campaign (the partner's own, or the operator's when {@code partnerId} is null) was created or changed.
 * A joint campaign carries its {@code audience} (target CROSS_PARTNER) and may be co-funded: partner
 * {@code coFunderId} pays {@code coFunderShare} (0 < share < 1) of each bonus, rounded down; such a
 * campaign is published only once the co-funder has accepted.
 */
@RegisterForReflection
public record CampaignPublished(
        String campaignId,
        String partnerId,
        String name,
        BonusKind bonusKind,
        BigDecimal multiplier,
        long fixedPoints,
        Instant startsAt,
        Instant endsAt,
        CampaignTarget target,
        String targetValue,
        long budgetPoints,
        BigDecimal treatmentShare,
        FundedBy fundedBy,
        CrossPartnerAudience audience,
        String coFunderId,
        BigDecimal coFunderShare)
        implements PartnerEvent {

    /** A campaign of one partner, for everyone, a grade or a segment. */
    public CampaignPublished(
            String campaignId,
            String partnerId,
            String name,
            BonusKind bonusKind,
            BigDecimal multiplier,
            long fixedPoints,
            Instant startsAt,
            Instant endsAt,
            CampaignTarget target,
            String targetValue,
            long budgetPoints,
            BigDecimal treatmentShare,
            FundedBy fundedBy) {
        this(
                campaignId,
                partnerId,
                name,
                bonusKind,
                multiplier,
                fixedPoints,
                startsAt,
                endsAt,
                target,
                targetValue,
                budgetPoints,
                treatmentShare,
                fundedBy,
                null,
                null,
                null);
    }

    @Override
    public String aggregateId() {
        return campaignId;
    }
}
