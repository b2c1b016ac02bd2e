package io.pointmesh.events.analytics;

import io.pointmesh.events.Segment;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.LocalDate;

/** A member moved to another strategic segment. */
@RegisterForReflection
public record SegmentChanged(String memberId, Segment previousSegment, Segment segment, LocalDate asOf)
        implements AnalyticsEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
