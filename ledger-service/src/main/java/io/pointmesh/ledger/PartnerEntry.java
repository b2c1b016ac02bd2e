package io.pointmesh.ledger;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** What the ledger knows of a partner (from partner.events): whether it may earn and redeem. */
@Entity
@Table(name = "partner_directory")
public class PartnerEntry extends PanacheEntityBase {

    @Id
    @Column(name = "partner_id")
    public String partnerId;

    @Column(name = "legal_name")
    public String legalName;

    public String status;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
