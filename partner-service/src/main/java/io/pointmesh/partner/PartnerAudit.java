package io.pointmesh.partner;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One lifecycle transition of a partner: who did it, when, and why. Never updated. */
@Entity
@Table(name = "partner_audit")
public class PartnerAudit extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "partner_id")
    public String partnerId;

    public String action;

    @Column(name = "status_before")
    public String statusBefore;

    @Column(name = "status_after")
    public String statusAfter;

    public String actor;

    public String reason;

    public Instant at;
}
