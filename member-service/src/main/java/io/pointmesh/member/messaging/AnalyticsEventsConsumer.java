package io.pointmesh.member.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.GradeThresholdsPublished;
import io.pointmesh.events.analytics.SegmentChanged;
import io.pointmesh.member.Notification;
import io.pointmesh.member.Notification.Kind;
import io.pointmesh.member.service.NotificationService;
import io.pointmesh.platform.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;

/**
 * Grades, segments and grade thresholds from analytics, shown to members. An older computation
 * never overwrites a newer one ({@code asOf}), whatever order the events arrive in.
 */
@ApplicationScoped
public class AnalyticsEventsConsumer {

    static final String CONSUMER = "member.grades";

    @Inject
    EventInbox inbox;

    @Inject
    NotificationService notifications;

    @Incoming("analytics-events")
    public Uni<Void> onEvent(String json) {
        return notifications.consumeAndPush(inbox, CONSUMER, json, this::apply);
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event, List<Notification> added) {
        DomainEvent data = event.data();
        if (data instanceof GradeChanged g) {
            return Panache.getSession().chain(s -> s.createNativeQuery("UPDATE member SET grade = ?1, net_spend_12m = ?2, grade_as_of = ?3 "
                                    + "WHERE id = ?4 AND status <> 'LEFT' AND (grade_as_of IS NULL OR grade_as_of <= ?3)")
                            .setParameter(1, g.grade().name()).setParameter(2, g.netSpend12Months()).setParameter(3, g.asOf())
                            .setParameter(4, g.memberId()).executeUpdate())
                    .chain(updated -> updated == 0 || g.grade() == g.previousGrade() ? Uni.createFrom().voidItem()
                            : notifications.add(g.memberId(), Kind.GRADE_CHANGED, "Your grade is now " + g.grade(),
                            "from " + g.previousGrade() + " to " + g.grade() + " on your spending over the last 12 months", null,
                            event.id()).invoke(added::add).replaceWithVoid());
        }
        if (data instanceof SegmentChanged s) {
            return Panache.getSession().chain(session -> session.createNativeQuery(
                            "UPDATE member SET segment = ?1 WHERE id = ?2 AND status <> 'LEFT'")
                    .setParameter(1, s.segment().name()).setParameter(2, s.memberId()).executeUpdate()).replaceWithVoid();
        }
        if (data instanceof GradeThresholdsPublished t) {
            return Multi.createFrom().iterable(t.minimumNetSpend().entrySet())
                    .onItem().transformToUniAndConcatenate(e -> Panache.getSession().chain(s -> s.createNativeQuery(
                                    "INSERT INTO grade_threshold (grade, minimum_net_spend, as_of) VALUES (?1, ?2, ?3) ON CONFLICT (grade) "
                                            + "DO UPDATE SET minimum_net_spend = EXCLUDED.minimum_net_spend, as_of = EXCLUDED.as_of "
                                            + "WHERE grade_threshold.as_of <= EXCLUDED.as_of")
                            .setParameter(1, e.getKey()).setParameter(2, e.getValue()).setParameter(3, t.asOf()).executeUpdate()))
                    .collect().last()
                    // a grade this computation did not reach (too few members) has no threshold any more
                    .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery("DELETE FROM grade_threshold WHERE as_of < ?1")
                            .setParameter(1, t.asOf()).executeUpdate()))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
