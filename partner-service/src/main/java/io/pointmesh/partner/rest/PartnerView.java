package io.pointmesh.partner.rest;

import io.pointmesh.partner.Partner;
import io.pointmesh.partner.PartnerStatus;
import java.time.Instant;

/** A partner as the API shows it. */
public record PartnerView(
        String partnerId,
        String legalName,
        String businessRegistrationNumber,
        String category,
        String contactEmail,
        PartnerStatus status,
        Instant createdAt,
        Instant updatedAt) {

    public static PartnerView of(Partner p) {
        return new PartnerView(
                p.id,
                p.legalName,
                p.businessRegistrationNumber,
                p.category,
                p.contactEmail,
                p.status,
                p.createdAt,
                p.updatedAt);
    }
}
