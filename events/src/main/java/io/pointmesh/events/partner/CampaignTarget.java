package io.pointmesh.events.partner;

/**
 * Who a campaign is for; GRADE and SEGMENT name the grade or segment in {@code targetValue};
 * CROSS_PARTNER (a joint campaign) describes its members in the campaign's {@link CrossPartnerAudience}.
 */
public enum CampaignTarget {
    EVERYONE,
    GRADE,
    SEGMENT,
    CROSS_PARTNER
}
