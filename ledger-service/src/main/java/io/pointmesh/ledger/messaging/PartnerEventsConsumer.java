package io.pointmesh.ledger.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerOffboarded;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
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
                    entry.status = "PENDING";
                }
                entry.updatedAt = event.time();
                return entry.persist();
            }).replaceWithVoid();
        }
        if (data instanceof PartnerActivated a) {
            return setStatus(a.partnerId(), "ACTIVE", event);
        }
        if (data instanceof PartnerSuspended s) {
            return setStatus(s.partnerId(), "SUSPENDED", event);
        }
        if (data instanceof PartnerReinstated r) {
            return setStatus(r.partnerId(), "ACTIVE", event);
        }
        if (data instanceof PartnerOffboarded o) {
            return setStatus(o.partnerId(), "OFFBOARDED", event);
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> setStatus(String partnerId, String status, EventEnvelope<DomainEvent> event) {
        return PartnerEntry.update("status = ?1, updatedAt = ?2 where partnerId = ?3", status, event.time(), partnerId)
                .replaceWithVoid();
    }
}
