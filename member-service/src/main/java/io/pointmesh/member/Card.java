package io.pointmesh.member;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A card number of a member: ACTIVE (at most one per member) or BLOCKED (lost, replaced, or the member left). */
@Entity
@Table(name = "card")
public class Card extends PanacheEntityBase {

    public static final String ACTIVE = "ACTIVE";
    public static final String BLOCKED = "BLOCKED";

    @Id
    @Column(name = "card_number")
    public String cardNumber;

    @Column(name = "member_id")
    public String memberId;

    public String status;

    @Column(name = "issued_at")
    public Instant issuedAt;

    @Column(name = "blocked_at")
    public Instant blockedAt;

    /** The replacement request's Idempotency-Key that issued this card, if it had one (V6). */
    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** That request's fingerprint: the same key with another request is refused. */
    @Column(name = "request_hash")
    public String requestHash;

    public void block(Instant now) {
        status = BLOCKED;
        blockedAt = now;
    }
}
