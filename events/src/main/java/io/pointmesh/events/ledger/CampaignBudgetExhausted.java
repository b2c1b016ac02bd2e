package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A campaign's points budget is used up; the ledger pays no more bonuses for it. */
@RegisterForReflection
public record CampaignBudgetExhausted(String campaignId, String partnerId, long budgetPoints) implements LedgerEvent {

    @Override
    public String aggregateId() {
        return campaignId;
    }
}
