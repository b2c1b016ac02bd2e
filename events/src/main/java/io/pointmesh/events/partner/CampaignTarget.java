package io.pointmesh.events.partner;

/** Who a campaign is for; GRADE and SEGMENT name the grade or segment in {@code targetValue}. */
public enum CampaignTarget {
    EVERYONE,
    GRADE,
    SEGMENT
}
