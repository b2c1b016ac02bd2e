package io.pointmesh.member.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.events.ledger.SpendingLocked;
import io.pointmesh.member.Notification;
import io.pointmesh.member.Notification.Kind;
import io.pointmesh.member.repository.ReferralRepository;
import io.pointmesh.member.service.NotificationService;
import io.pointmesh.platform.inbox.EventInbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * From ledger.events: the members' inbox (earned, redeemed, about to expire, referral paid, spending locked) and
 * referral completion. Each notification is keyed by its event, so a redelivery adds nothing; the
 * push goes out after the inbox row committed.
 */
@ApplicationScoped
public class LedgerEventsConsumer {

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

    @Incoming("ledger-events")
    public Uni<Void> onEvent(String json) {
        return notifications.consumeAndPush(inbox, CONSUMER, json, this::apply);
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event, List<Notification> added) {
        DomainEvent data = event.data();
        String source = event.id();
        if (data instanceof PointsEarned e && e.points() > 0) {
            return notifications
                    .add(
                            e.memberId(),
                            Kind.POINTS_EARNED,
                            "You earned " + e.points() + " points",
                            e.points() + " points for a purchase of "
                                    + e.amount().toPlainString() + " " + e.currency()
                                    + (e.availableAt().isAfter(event.time())
                                            ? "; you can use them from " + DAY.format(e.availableAt())
                                            : ""),
                            e.points(),
                            source)
                    .invoke(added::add)
                    .replaceWithVoid();
        }
        if (data instanceof RedemptionCaptured r && r.points() > 0) {
            return notifications
                    .add(
                            r.memberId(),
                            Kind.POINTS_REDEEMED,
                            "You used " + r.points() + " points",
                            r.points() + " points paid for a purchase",
                            r.points(),
                            source)
                    .invoke(added::add)
                    .replaceWithVoid();
        }
        if (data instanceof PointsExpiring x && x.points() > 0) {
            return notifications
                    .add(
                            x.memberId(),
                            Kind.POINTS_EXPIRING,
                            x.points() + " points expire soon",
                            x.points() + " points expire on " + DAY.format(x.expiresAt())
                                    + "; use or convert them before then",
                            x.points(),
                            source)
                    .invoke(added::add)
                    .replaceWithVoid();
        }
        if (data instanceof SpendingLocked l) {
            return notifications
                    .add(
                            l.memberId(),
                            Kind.SPENDING_LOCKED,
                            "Spending with your PIN is locked",
                            l.failedAttempts()
                                    + " wrong PINs were entered in a row at a till; spending with your PIN is locked until "
                                    + TIME.format(l.lockedUntil())
                                    + ". If this was not you, change your PIN in the app; payment codes "
                                    + "from the app still work",
                            null,
                            source)
                    .invoke(added::add)
                    .replaceWithVoid();
        }
        if (data instanceof ReferralBonusPaid p) {
            return referrals
                    .complete(p.memberId(), event.time())
                    .chain(() -> notifications.add(
                            p.memberId(),
                            Kind.REFERRAL_COMPLETED,
                            "Welcome bonus: " + p.memberPoints() + " points",
                            "your first purchase completed your referral",
                            p.memberPoints(),
                            source + ":" + p.memberId()))
                    .invoke(added::add)
                    .chain(() -> notifications.add(
                            p.referrerMemberId(),
                            Kind.REFERRAL_COMPLETED,
                            "Referral bonus: " + p.referrerPoints() + " points",
                            "a member you referred made their first purchase",
                            p.referrerPoints(),
                            source + ":" + p.referrerMemberId()))
                    .invoke(added::add)
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
