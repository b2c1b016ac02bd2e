package io.pointmesh.member;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A member of the network, with the personal data only member-service holds. */
@Entity
@Table(name = "member")
public class Member extends PanacheEntityBase {

    @Id
    public String id;

    /** The identity provider's account of the member (the token's subject). */
    public String subject;

    public String name;

    @Column(name = "mobile_number")
    public String mobileNumber;

    public String email;

    @Column(name = "card_number")
    public String cardNumber;

    public String status;

    @Column(name = "joined_at")
    public Instant joinedAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
