package io.pointmesh.events.partner;

/** A campaign bonus multiplies the base points, or adds a fixed number of points. */
public enum BonusKind {
    MULTIPLIER,
    FIXED
}
