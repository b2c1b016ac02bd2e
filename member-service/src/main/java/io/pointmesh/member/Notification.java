package io.pointmesh.member;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A message in the member's in-app inbox (and pushed through the PushSender). */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    /** What a notification is about. */
    public enum Kind {
        POINTS_EARNED,
        POINTS_REDEEMED,
        POINTS_EXPIRING,
        GRADE_CHANGED,
        REFERRAL_COMPLETED,
        REFERRAL_REVERSED,
        SPENDING_LOCKED,
        GIFT_RECEIVED,
        GIFT_SENT,
        POINTS_CONVERTED,
        PURCHASE_REFUNDED,
        REDEMPTION_CANCELLED,
        POINTS_ADJUSTED,
        POINTS_EXPIRED,
        POINTS_AWARDED,
        REWARD_ORDERED,
        REWARD_ORDER_CANCELLED,
        REWARD_ORDER_FULFILLED,
        REWARD_ORDER_FAILED
    }

    @Id
    public UUID id;

    @Column(name = "member_id")
    public String memberId;

    public String kind;

    public String title;

    public String body;

    public Long points;

    /** The fact it came from (event id, and member where one event tells two members): one notification per fact. */
    public String source;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "read_at")
    public Instant readAt;
}
