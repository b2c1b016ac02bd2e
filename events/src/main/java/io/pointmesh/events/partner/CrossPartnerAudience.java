package io.pointmesh.events.partner;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Who a joint (CROSS_PARTNER) campaign is for, by behaviour elsewhere in the network: members who
 * bought at partner {@code boughtAtPartnerId}, or at any partner of category {@code boughtInCategory}
 * (exactly one of the two), within the {@code withinDays} days before the purchase being earned on,
 * and, when {@code notYetHere}, never at the campaign's own partner before. Only members whose consent
 * allows it (personalization, and sharing with every partner or with the campaign's partner) are
 * eligible. The ledger decides eligibility at earn time; nobody ever receives the audience as a list.
 */
@RegisterForReflection
public record CrossPartnerAudience(
        String boughtAtPartnerId, String boughtInCategory, int withinDays, boolean notYetHere) {}
