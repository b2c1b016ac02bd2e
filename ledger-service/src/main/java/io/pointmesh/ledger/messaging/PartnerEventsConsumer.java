package io.pointmesh.ledger.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.ledger.PartnerEntry;
import io.pointmesh.platform.inbox.EventInbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps the ledger's partner directory current from partner.events (once per event, in order per partner). */
@ApplicationScoped
public class PartnerEventsConsumer {

    static final String CONSUMER = "ledger.partner-directory";

    @Inject
    EventInbox inbox;

    @Incoming("partner-events")
    public Uni<Void> onEvent(String json) {
        return inbox.consume(CONSUMER, json, this::apply).replaceWithVoid();
    }

    Uni<Void> apply(EventEnvelope<DomainEvent> event) {
        DomainEvent data = event.data();
        if (data instanceof PartnerRegistered r) {
            return PartnerEntry.<PartnerEntry>findById(r.partnerId()).chain(existing -> {
                PartnerEntry entry = existing != null ? existing : new PartnerEntry();
                entry.partnerId = r.partnerId();
                entry.legalName = r.legalName();
                if (existing == null) {
                    entry.status = PartnerLifecycle.statusAfter(r).orElseThrow();
                }
                entry.updatedAt = event.time();
                return entry.persist();
            }).replaceWithVoid();
        }
        return data instanceof PartnerEvent p
                ? PartnerLifecycle.statusAfter(p).map(status -> setStatus(event.subject(), status, event)).orElse(Uni.createFrom().voidItem())
                : Uni.createFrom().voidItem();
    }

    private Uni<Void> setStatus(String partnerId, String status, EventEnvelope<DomainEvent> event) {
        return PartnerEntry.update("status = ?1, updatedAt = ?2 where partnerId = ?3", status, event.time(), partnerId)
                .replaceWithVoid();
    }
}
