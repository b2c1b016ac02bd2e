package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Points a co-funding partner paid (or, in a reversal, got back) within one posting. */
@RegisterForReflection
public record CoFunding(String partnerId, long points) {}
