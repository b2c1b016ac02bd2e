package io.pointmesh.events;

/** Value grades by net spend over the last 12 months (see docs/analytics.md). */
public enum Grade {
    /** top 5 % */
    VVIP,
    /** 6-20 % */
    VIP,
    /** 21-40 % */
    LOYAL,
    /** everyone else, and members without a purchase in the window */
    GENERAL
}
