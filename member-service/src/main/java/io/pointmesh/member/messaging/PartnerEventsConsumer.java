package io.pointmesh.member.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.member.repository.PartnerAccessRepository;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * From partner.events: only each partner's lifecycle status, which decides whether its tokens are
 * served (a suspended partner's POS must not look up cards). Events of one partner arrive in order
 * (keyed by partner id); a redelivery changes nothing.
 */
@ApplicationScoped
public class PartnerEventsConsumer implements Replayable {

    static final String CONSUMER = "member.partner-access";

    @Inject
    EventInbox inbox;

    @Inject
    PartnerAccessRepository partnerAccess;

    @Incoming("partner-events")
    public Uni<Void> onEvent(String json) {
        return inbox.consume(CONSUMER, json, this::apply).replaceWithVoid();
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event) {
        if (!(event.data() instanceof PartnerEvent p)) {
            return Uni.createFrom().voidItem();
        }
        return PartnerLifecycle.statusAfter(p)
                .map(status -> partnerAccess
                        .upsert(p.aggregateId(), status, event.time())
                        .replaceWithVoid())
                .orElse(Uni.createFrom().voidItem());
    }

    @Override
    public Set<String> channels() {
        return Set.of("partner-events");
    }

    @Override
    public String consumer(String channel) {
        return CONSUMER;
    }

    /** A dead letter of the channel, replayed by an operator: the same path as {@link #onEvent}. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return inbox.consume(CONSUMER, json, this::apply);
    }
}
