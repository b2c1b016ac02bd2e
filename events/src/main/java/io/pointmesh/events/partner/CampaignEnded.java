package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A campaign ended early (cancelled) or ran out of budget. */
@RegisterForReflection
public record CampaignEnded(String campaignId, String partnerId, String reason) implements PartnerEvent {

    @Override
    public String aggregateId() {
        return campaignId;
    }
}
