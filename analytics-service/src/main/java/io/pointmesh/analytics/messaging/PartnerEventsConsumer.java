package io.pointmesh.analytics.messaging;

import io.pointmesh.analytics.PartnerDimension;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.inbox.EventInbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps the partner dimension current from partner.events. */
@ApplicationScoped
public class PartnerEventsConsumer {

    static final String CONSUMER = "analytics.partner-dimension";

    @Inject
    EventInbox inbox;

    @Incoming("partner-events")
    public Uni<Void> onEvent(String json) {
        return inbox.consume(CONSUMER, json, this::apply).replaceWithVoid();
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event) {
        DomainEvent data = event.data();
        if (data instanceof PartnerRegistered r) {
            return PartnerDimension.<PartnerDimension>findById(r.partnerId()).chain(existing -> {
                PartnerDimension dim = existing != null ? existing : new PartnerDimension();
                dim.partnerId = r.partnerId();
                dim.legalName = r.legalName();
                dim.category = r.category();
                if (existing == null) {
                    dim.status = PartnerLifecycle.statusAfter(r).orElseThrow();
                    dim.registeredAt = event.time();
                }
                dim.updatedAt = event.time();
                return dim.persist();
            }).replaceWithVoid();
        }
        return data instanceof PartnerEvent p
                ? PartnerLifecycle.statusAfter(p)
                        .map(status -> PartnerDimension.update("status = ?1, updatedAt = ?2 where partnerId = ?3",
                                status, event.time(), event.subject()).replaceWithVoid())
                        .orElse(Uni.createFrom().voidItem())
                : Uni.createFrom().voidItem();
    }
}
