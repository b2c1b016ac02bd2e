package io.pointmesh.events;

/** Strategic segments (thresholds in docs/analytics.md). */
public enum Segment {
    NEW,
    ACTIVE,
    CHURNED,
    DORMANT,
    REACTIVATED,
    PROSPECTIVE
}
