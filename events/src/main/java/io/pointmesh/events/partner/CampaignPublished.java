package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;

/** A campaign (the partner's own, or the operator's when {@code partnerId} is null) was created or changed. */
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
        FundedBy fundedBy)
        implements PartnerEvent {

    @Override
    public String aggregateId() {
        return campaignId;
    }
}
