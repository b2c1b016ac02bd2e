package io.pointmesh.analytics.messaging;

import io.pointmesh.analytics.PartnerDimension;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.platform.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps the partner and store dimensions current from partner.events. */
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
        if (data instanceof StoreOpened s) {
            return Panache.getSession().chain(session -> session.createNativeQuery("INSERT INTO store_dim (partner_id, store_code, name, "
                            + "channel, region, open) VALUES (?1, ?2, ?3, ?4, ?5, true) ON CONFLICT (partner_id, store_code) DO UPDATE SET "
                            + "name = EXCLUDED.name, channel = EXCLUDED.channel, region = EXCLUDED.region, open = true")
                    .setParameter(1, s.partnerId()).setParameter(2, s.storeCode()).setParameter(3, s.name())
                    .setParameter(4, String.valueOf(s.channel())).setParameter(5, s.region()).executeUpdate()).replaceWithVoid();
        }
        if (data instanceof StoreClosed s) {
            return Panache.getSession().chain(session -> session.createNativeQuery(
                            "UPDATE store_dim SET open = false WHERE partner_id = ?1 AND store_code = ?2")
                    .setParameter(1, s.partnerId()).setParameter(2, s.storeCode()).executeUpdate()).replaceWithVoid();
        }
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
