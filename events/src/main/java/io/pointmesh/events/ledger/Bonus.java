package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One campaign's bonus within an earning. */
@RegisterForReflection
public record Bonus(String campaignId, long points) {}
