package io.pointmesh.member.service;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.member.Notification;
import io.pointmesh.member.repository.NotificationRepository;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The in-app inbox: what members should know, written from events, then pushed. */
@ApplicationScoped
public class NotificationService {

    @Inject
    Clock clock;

    @Inject
    PushSender push;

    @Inject
    NotificationRepository notifications;

    /**
     * Adds a notification in the caller's transaction, for a member who is here and has not left;
     * one per {@code source}. Answers the notification when it was new (to push after commit), else null.
     */
    public Uni<Notification> add(
            String memberId, Notification.Kind kind, String title, String body, Long points, String source) {
        Notification n = new Notification();
        n.id = UUID.randomUUID();
        n.memberId = memberId;
        n.kind = kind.name();
        n.title = title;
        n.body = body;
        n.points = points;
        n.source = source;
        n.createdAt = clock.instant();
        return notifications.insertForPresentMember(n).map(inserted -> inserted == 1 ? n : null);
    }

    /** A handler that adds notifications (through {@link #add}) to the list it is given. */
    @FunctionalInterface
    public interface Notifier {
        Uni<Void> apply(EventEnvelope<DomainEvent> event, List<Notification> added);
    }

    /**
     * Consumes one event idempotently through the inbox and pushes the notifications its handler
     * added, after they committed. A retried delivery starts from an empty list.
     */
    public Uni<EventInbox.Outcome> consumeAndPush(EventInbox inbox, String consumer, String json, Notifier handler) {
        List<Notification> added = new ArrayList<>();
        return inbox.consume(consumer, json, event -> {
                    added.clear();
                    return handler.apply(event, added);
                })
                .invoke(() -> push(added));
    }

    /**
     * The same for a poll's worth of records in one transaction (EventInbox.consumeBatch): what the
     * events add is pushed once the batch committed; when any fails, each record is consumed alone as above.
     */
    public Uni<Void> consumeBatchAndPush(
            EventInbox inbox, String consumer, KafkaRecordBatch<String, String> batch, Notifier handler) {
        List<Notification> added = new ArrayList<>();
        return inbox.consumeBatch(
                consumer,
                batch,
                () -> {
                    added.clear();
                    return event -> handler.apply(event, added);
                },
                () -> push(added),
                json -> consumeAndPush(inbox, consumer, json, handler));
    }

    /** Delivers what was added, once its transaction committed; a failing sender never undoes the inbox. */
    void push(List<Notification> added) {
        for (Notification n : added) {
            if (n != null) {
                try {
                    push.send(n);
                } catch (RuntimeException e) {
                    org.jboss.logging.Logger.getLogger(NotificationService.class)
                            .warnf("push of notification %s failed: %s (it stays in the inbox)", n.id, e.toString());
                }
            }
        }
    }

    @WithSession
    public Uni<List<Notification>> inbox(String memberId, boolean unreadOnly, int offset, int limit) {
        return (unreadOnly
                        ? Notification.<Notification>find(
                                "memberId = ?1 and readAt is null order by createdAt desc, id", memberId)
                        : Notification.<Notification>find("memberId = ?1 order by createdAt desc, id", memberId))
                .range(offset, offset + limit - 1)
                .list();
    }

    @WithTransaction
    public Uni<Notification> markRead(String memberId, UUID id) {
        Instant now = clock.instant();
        return Notification.<Notification>findById(id).map(n -> {
            if (n == null || !n.memberId.equals(memberId)) {
                throw ProblemException.notFound("notification", id.toString());
            }
            if (n.readAt == null) {
                n.readAt = now;
            }
            return n;
        });
    }
}
