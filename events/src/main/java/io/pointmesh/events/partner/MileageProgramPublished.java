package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;

/** A mileage partner's terms for converting points to miles. */
@RegisterForReflection
public record MileageProgramPublished(
        String partnerId, String programCode, BigDecimal milesPerPoint, long minimumPoints, long stepPoints)
        implements PartnerEvent {

    @Override
    public String aggregateId() {
        return partnerId;
    }
}
