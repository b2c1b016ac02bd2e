package io.pointmesh.platform;

import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A consumer as a service writes one: through the inbox, with an effect that is not idempotent by itself. */
@ApplicationScoped
public class RecordingConsumer {

    @Inject
    EventInbox inbox;

    @Incoming("partner-events")
    public Uni<Void> onPartnerEvent(String json) {
        return inbox.consume("platform-test", json, event -> {
                    if (event.data() instanceof PartnerRegistered registered) {
                        return Panache.getSession()
                                .chain(s -> s.createNativeQuery(
                                                "INSERT INTO test_effect (event_id, partner_id) VALUES (:id, :partner)")
                                        .setParameter("id", event.id())
                                        .setParameter("partner", registered.partnerId())
                                        .executeUpdate())
                                .replaceWithVoid();
                    }
                    return Uni.createFrom().voidItem();
                })
                .replaceWithVoid();
    }
}
