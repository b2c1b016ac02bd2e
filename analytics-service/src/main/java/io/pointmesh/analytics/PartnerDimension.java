package io.pointmesh.analytics;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A partner, as analytics groups and labels facts by it. */
@Entity
@Table(name = "partner_dim")
public class PartnerDimension extends PanacheEntityBase {

    @Id
    @Column(name = "partner_id")
    public String partnerId;

    @Column(name = "legal_name")
    public String legalName;

    public String category;

    public String status;

    @Column(name = "registered_at")
    public Instant registeredAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
