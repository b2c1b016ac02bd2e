package io.pointmesh.member.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAdjusted;
import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.PointsExpired;
import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.events.ledger.PointsGifted;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.events.ledger.ReferralBonusReversed;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.ledger.SpendingLocked;
import io.pointmesh.member.Notification;
import io.pointmesh.member.Notification.Kind;
import io.pointmesh.member.repository.ReferralRepository;
import io.pointmesh.member.service.NotificationService;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * From ledger.events: the members' inbox tells of every movement of their points (earned, redeemed, a
 * redemption cancelled, a purchase refunded and any debt it left, gifts received and sent, conversions to
 * miles, operators' adjustments with their reason, points about to expire and expired, referral bonuses paid
 * and taken back) and of a spending lock; and referral completion. Each notification is keyed by its event
 * (and member, where one event tells two), so a redelivery adds nothing; the push goes out after the inbox row
 * committed. docs/members.md lists what each says.
 */
@ApplicationScoped
public class LedgerEventsConsumer implements Replayable {

    static final String CONSUMER = "member.inbox";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneId.of("Asia/Seoul"));
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Seoul"));

    @Inject
    EventInbox inbox;

    @Inject
    NotificationService notifications;

    @Inject
    ReferralRepository referrals;

    /** A poll's worth of events in one transaction (EventInbox.consumeBatch); one by one when any fails. */
    @Incoming("ledger-events")
    public Uni<Void> onEvents(KafkaRecordBatch<String, String> batch) {
        return notifications.consumeBatchAndPush(inbox, CONSUMER, batch, this::apply);
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event, List<Notification> added) {
        DomainEvent data = event.data();
        String source = event.id();
        if (data instanceof PointsEarned e && e.points() > 0) {
            return tell(
                    added,
                    e.memberId(),
                    Kind.POINTS_EARNED,
                    "You earned " + e.points() + " points",
                    e.points() + " points for a purchase of "
                            + e.amount().toPlainString() + " " + e.currency()
                            + (e.availableAt().isAfter(event.time())
                                    ? "; you can use them from " + DAY.format(e.availableAt())
                                    : ""),
                    e.points(),
                    source);
        }
        if (data instanceof RedemptionCaptured r && r.points() > 0) {
            return tell(
                    added,
                    r.memberId(),
                    Kind.POINTS_REDEEMED,
                    "You used " + r.points() + " points",
                    r.points() + " points paid for a purchase",
                    r.points(),
                    source);
        }
        if (data instanceof PointsExpiring x && x.points() > 0) {
            return tell(
                    added,
                    x.memberId(),
                    Kind.POINTS_EXPIRING,
                    x.points() + " points expire soon",
                    x.points() + " points expire on " + DAY.format(x.expiresAt()) + "; use or convert them before then",
                    x.points(),
                    source);
        }
        if (data instanceof SpendingLocked l) {
            return tell(
                    added,
                    l.memberId(),
                    Kind.SPENDING_LOCKED,
                    "Spending with your PIN is locked",
                    l.failedAttempts()
                            + " wrong PINs were entered in a row at a till; spending with your PIN is locked until "
                            + TIME.format(l.lockedUntil())
                            + ". If this was not you, change your PIN in the app; payment codes "
                            + "from the app still work",
                    null,
                    source);
        }
        if (data instanceof ReferralBonusPaid p) {
            return referrals
                    .complete(p.memberId(), event.time())
                    .chain(() -> notifications.add(
                            p.memberId(),
                            Kind.REFERRAL_COMPLETED,
                            "Welcome bonus: " + p.memberPoints() + " points",
                            "your first qualifying purchase completed your referral",
                            p.memberPoints(),
                            source + ":" + p.memberId()))
                    .invoke(added::add)
                    .chain(() -> notifications.add(
                            p.referrerMemberId(),
                            Kind.REFERRAL_COMPLETED,
                            "Referral bonus: " + p.referrerPoints() + " points",
                            "a member you referred made their first qualifying purchase",
                            p.referrerPoints(),
                            source + ":" + p.referrerMemberId()))
                    .invoke(added::add)
                    .replaceWithVoid();
        }
        if (data instanceof PointsGifted g && g.points() > 0) {
            // one event, two members: each notification keyed by the member it is for
            return tell(
                            added,
                            g.recipientMemberId(),
                            Kind.GIFT_RECEIVED,
                            "You received " + g.points() + " points",
                            "another member gave you " + g.points() + " points; they are yours to use now",
                            g.points(),
                            source + ":" + g.recipientMemberId())
                    .chain(() -> tell(
                            added,
                            g.memberId(),
                            Kind.GIFT_SENT,
                            "You gave " + g.points() + " points",
                            g.points() + " points went to the card you chose",
                            g.points(),
                            source + ":" + g.memberId()));
        }
        if (data instanceof PointsConverted c && c.points() > 0) {
            return tell(
                    added,
                    c.memberId(),
                    Kind.POINTS_CONVERTED,
                    "You converted " + c.points() + " points to " + c.miles() + " miles",
                    c.miles() + " miles are on their way to your mileage account for " + c.points() + " points",
                    c.points(),
                    source);
        }
        if (data instanceof EarningReversed r && (r.points() > 0 || r.debtIncurred() > 0)) {
            return tell(
                    added,
                    r.memberId(),
                    Kind.PURCHASE_REFUNDED,
                    "A refund took back " + r.points() + " points",
                    "a purchase of yours was refunded (" + r.refundAmount().toPlainString()
                            + "), so the points it earned went back"
                            + (r.debtIncurred() > 0
                                    ? "; you had already used " + r.debtIncurred()
                                            + " of them, so your account owes " + r.debtIncurred()
                                            + " points, repaid from your next earnings"
                                    : ""),
                    r.points(),
                    source);
        }
        if (data instanceof RedemptionReversed r && r.points() > 0) {
            return tell(
                    added,
                    r.memberId(),
                    Kind.REDEMPTION_CANCELLED,
                    r.points() + " points came back",
                    "a purchase you paid with points was cancelled; the points are back with their original expiry",
                    r.points(),
                    source);
        }
        if (data instanceof PointsAdjusted a && a.points() != 0) {
            return tell(
                    added,
                    a.memberId(),
                    Kind.POINTS_ADJUSTED,
                    (a.points() > 0 ? "We added " + a.points() : "We took back " + -a.points()) + " points",
                    "reason: " + a.reason(),
                    Math.abs(a.points()),
                    source);
        }
        if (data instanceof PointsAwarded a && a.points() > 0) {
            return tell(
                    added,
                    a.memberId(),
                    Kind.POINTS_AWARDED,
                    "You were awarded " + a.points() + " points",
                    a.reason(),
                    a.points(),
                    source);
        }
        if (data instanceof PointsExpired x && x.points() > 0) {
            return tell(
                    added,
                    x.memberId(),
                    Kind.POINTS_EXPIRED,
                    x.points() + " points expired",
                    x.points() + " points reached the end of their validity on " + DAY.format(x.expiredAt()),
                    x.points(),
                    source);
        }
        if (data instanceof ReferralBonusReversed r) {
            return tell(
                            added,
                            r.memberId(),
                            Kind.REFERRAL_REVERSED,
                            "Welcome bonus taken back: " + r.memberPoints() + " points",
                            "the purchase that completed your referral was refunded (in full, or below the qualifying points)",
                            r.memberPoints(),
                            source + ":" + r.memberId())
                    .chain(() -> tell(
                            added,
                            r.referrerMemberId(),
                            Kind.REFERRAL_REVERSED,
                            "Referral bonus taken back: " + r.referrerPoints() + " points",
                            "the qualifying purchase of a member you referred was refunded (in full, or below the qualifying points)",
                            r.referrerPoints(),
                            source + ":" + r.referrerMemberId()));
        }
        // reward orders (docs/rewards.md): never with a coupon code, which only the member's own orders show
        if (data instanceof RewardOrdered o) {
            return tell(
                    added,
                    o.memberId(),
                    Kind.REWARD_ORDERED,
                    "You ordered " + o.title(),
                    o.points() + " points paid for a reward"
                            + ("COUPON_CODE".equals(o.fulfilment()) ? "; your code is in your orders" : ""),
                    o.points(),
                    source);
        }
        if (data instanceof RewardOrderCancelled o) {
            return tell(
                    added,
                    o.memberId(),
                    Kind.REWARD_ORDER_CANCELLED,
                    o.points() + " points came back",
                    "you cancelled a reward order; the points are back with their original expiry",
                    o.points(),
                    source);
        }
        if (data instanceof RewardOrderFulfilled o) {
            return tell(
                    added,
                    o.memberId(),
                    Kind.REWARD_ORDER_FULFILLED,
                    "Your reward is ready",
                    "a reward you ordered for " + o.points() + " points was delivered",
                    o.points(),
                    source);
        }
        if (data instanceof RewardOrderFailed o) {
            return tell(
                    added,
                    o.memberId(),
                    Kind.REWARD_ORDER_FAILED,
                    "A reward could not be delivered: " + o.points() + " points came back",
                    "reason: " + o.reason() + "; the points are back with their original expiry",
                    o.points(),
                    source);
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> tell(
            List<Notification> added,
            String memberId,
            Kind kind,
            String title,
            String body,
            Long points,
            String source) {
        return notifications
                .add(memberId, kind, title, body, points, source)
                .invoke(added::add)
                .replaceWithVoid();
    }

    @Override
    public Set<String> channels() {
        return Set.of("ledger-events");
    }

    @Override
    public String consumer(String channel) {
        return CONSUMER;
    }

    /** A dead letter of the channel, replayed by an operator: the path a record takes alone when its batch failed. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return notifications.consumeAndPush(inbox, CONSUMER, json, this::apply);
    }
}
