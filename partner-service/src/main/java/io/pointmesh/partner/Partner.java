package io.pointmesh.partner;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A company that joined (or is joining) the network. */
@Entity
@Table(name = "partner")
public class Partner {

    @Id
    public String id;

    @Column(name = "legal_name")
    public String legalName;

    @Column(name = "business_registration_number")
    public String businessRegistrationNumber;

    public String category;

    @Column(name = "contact_email")
    public String contactEmail;

    @Column(name = "settlement_bank")
    public String settlementBank;

    @Column(name = "settlement_account_number")
    public String settlementAccountNumber;

    @Column(name = "settlement_account_holder")
    public String settlementAccountHolder;

    @Enumerated(EnumType.STRING)
    public PartnerStatus status;

    /** The partner's OIDC client, from activation on. */
    @Column(name = "client_id")
    public String clientId;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;
}
