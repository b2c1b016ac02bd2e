package io.pointmesh.analytics.messaging;

import io.pointmesh.analytics.PartnerDimension;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.platform.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import static io.pointmesh.platform.sql.NativeValues.offset;

/** Keeps the partner, store and campaign dimensions current from partner.events. */
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
        if (data instanceof CampaignPublished k) {
            return Panache.getSession().chain(session -> session.createNativeQuery("INSERT INTO campaign_dim (campaign_id, partner_id, name, "
                            + "bonus_kind, multiplier, fixed_points, starts_at, ends_at, target, target_value, treatment_share, funded_by) "
                            + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (campaign_id) DO UPDATE SET "
                            + "name = EXCLUDED.name, bonus_kind = EXCLUDED.bonus_kind, multiplier = EXCLUDED.multiplier, "
                            + "fixed_points = EXCLUDED.fixed_points, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, "
                            + "target = EXCLUDED.target, target_value = EXCLUDED.target_value, treatment_share = EXCLUDED.treatment_share, "
                            + "funded_by = EXCLUDED.funded_by")
                    .setParameter(1, k.campaignId()).setParameter(2, k.partnerId()).setParameter(3, k.name())
                    .setParameter(4, k.bonusKind().name()).setParameter(5, k.multiplier()).setParameter(6, k.fixedPoints())
                    .setParameter(7, offset(k.startsAt())).setParameter(8, offset(k.endsAt())).setParameter(9, String.valueOf(k.target()))
                    .setParameter(10, k.targetValue()).setParameter(11, k.treatmentShare() == null ? java.math.BigDecimal.ONE : k.treatmentShare())
                    .setParameter(12, String.valueOf(k.fundedBy())).executeUpdate()).replaceWithVoid();
        }
        if (data instanceof CampaignEnded k) {
            return Panache.getSession().chain(session -> session.createNativeQuery(
                            "UPDATE campaign_dim SET ended_at = ?1 WHERE campaign_id = ?2 AND ended_at IS NULL")
                    .setParameter(1, offset(event.time())).setParameter(2, k.campaignId()).executeUpdate()).replaceWithVoid();
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
