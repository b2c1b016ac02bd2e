package io.pointmesh.member.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.GradeThresholdsPublished;
import io.pointmesh.events.analytics.SegmentChanged;
import io.pointmesh.member.Notification;
import io.pointmesh.member.Notification.Kind;
import io.pointmesh.member.repository.GradeRepository;
import io.pointmesh.member.service.NotificationService;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Grades, segments and grade thresholds from analytics, shown to members. An older computation
 * never overwrites a newer one ({@code asOf}), whatever order the events arrive in.
 */
@ApplicationScoped
public class AnalyticsEventsConsumer implements Replayable {

    static final String CONSUMER = "member.grades";

    @Inject
    EventInbox inbox;

    @Inject
    NotificationService notifications;

    @Inject
    GradeRepository grades;

    @Incoming("analytics-events")
    public Uni<Void> onEvent(String json) {
        return notifications.consumeAndPush(inbox, CONSUMER, json, this::apply).replaceWithVoid();
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event, List<Notification> added) {
        DomainEvent data = event.data();
        if (data instanceof GradeChanged g) {
            return grades.updateGrade(g.memberId(), g.grade().name(), g.netSpend12Months(), g.asOf())
                    .chain(updated -> updated == 0 || g.grade() == g.previousGrade()
                            ? Uni.createFrom().voidItem()
                            : notifications
                                    .add(
                                            g.memberId(),
                                            Kind.GRADE_CHANGED,
                                            "Your grade is now " + g.grade(),
                                            "from " + g.previousGrade() + " to " + g.grade()
                                                    + " on your spending over the last 12 months",
                                            null,
                                            event.id())
                                    .invoke(added::add)
                                    .replaceWithVoid());
        }
        if (data instanceof SegmentChanged s) {
            return grades.updateSegment(s.memberId(), s.segment().name(), s.asOf())
                    .replaceWithVoid();
        }
        if (data instanceof GradeThresholdsPublished t) {
            return Multi.createFrom()
                    .iterable(t.minimumNetSpend().entrySet())
                    .onItem()
                    .transformToUniAndConcatenate(e -> grades.upsertThreshold(e.getKey(), e.getValue(), t.asOf()))
                    .collect()
                    .last()
                    // a grade this computation did not reach (too few members) has no threshold any more
                    .chain(() -> grades.deleteThresholdsBefore(t.asOf()))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Set<String> channels() {
        return Set.of("analytics-events");
    }

    @Override
    public String consumer(String channel) {
        return CONSUMER;
    }

    /** A dead letter of the channel, replayed by an operator: the same path as {@link #onEvent}. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return notifications.consumeAndPush(inbox, CONSUMER, json, this::apply);
    }
}
