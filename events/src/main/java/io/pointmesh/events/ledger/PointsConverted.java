package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Points were converted to a mileage partner's miles. */
@RegisterForReflection
public record PointsConverted(String conversionId, String memberId, String mileagePartnerId, long points, long miles)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
