package io.pointmesh.platform;

import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * A consumer as a service writes one: through the inbox, with an effect that is not idempotent by itself. It refuses
 * the events of partners listed in {@code test_refused_partner} (an event's own failure, until the row goes).
 */
@ApplicationScoped
public class RecordingConsumer implements Replayable {

    @Inject
    EventInbox inbox;

    @Incoming("partner-events")
    public Uni<Void> onPartnerEvent(String json) {
        return consume(json).replaceWithVoid();
    }

    @Override
    public Set<String> channels() {
        return Set.of("partner-events");
    }

    @Override
    public String consumer(String channel) {
        return "platform-test";
    }

    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return consume(json);
    }

    private Uni<EventInbox.Outcome> consume(String json) {
        return inbox.consume("platform-test", json, event -> {
            if (event.data() instanceof PartnerRegistered registered) {
                return Panache.getSession()
                        .chain(s -> s.createNativeQuery(
                                        "SELECT count(*) FROM test_refused_partner WHERE partner_id = :partner")
                                .setParameter("partner", registered.partnerId())
                                .getSingleResult()
                                .chain(refused -> ((Number) refused).longValue() > 0
                                        ? Uni.createFrom()
                                                .failure(new IllegalStateException(
                                                        "refused by the test: " + registered.partnerId()))
                                        : s.createNativeQuery(
                                                        "INSERT INTO test_effect (event_id, partner_id) VALUES (:id, :partner)")
                                                .setParameter("id", event.id())
                                                .setParameter("partner", registered.partnerId())
                                                .executeUpdate()
                                                .replaceWithVoid()));
            }
            return Uni.createFrom().voidItem();
        });
    }
}
