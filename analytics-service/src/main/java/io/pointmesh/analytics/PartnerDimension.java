package io.pointmesh.analytics;

/** A partner, as analytics groups and labels facts by it (a row of partner_dim). */
public record PartnerDimension(String partnerId, String legalName, String category, String status) {}
