package io.pointmesh.analytics.messaging;

import io.pointmesh.analytics.repository.PartnerDimensionRepository;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Keeps the partner, store and campaign dimensions current from partner.events. */
@ApplicationScoped
public class PartnerEventsConsumer implements Replayable {

    static final String CONSUMER = "analytics.partner-dimension";

    @Inject
    EventInbox inbox;

    @Inject
    PartnerDimensionRepository partners;

    @Incoming("partner-events")
    @Blocking
    public CompletionStage<Void> onEvent(Message<String> record) {
        return inbox.consumeRecordWithJdbc(CONSUMER, record, this::apply);
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof StoreOpened s) {
            partners.openStore(
                    c, s.partnerId(), s.storeCode(), s.name(), String.valueOf(s.channel()), s.region(), event.time());
        } else if (data instanceof CampaignPublished k) {
            partners.publishCampaign(c, k, event.time());
        } else if (data instanceof CampaignEnded k) {
            partners.endCampaign(c, k.campaignId(), event.time());
        } else if (data instanceof StoreClosed s) {
            partners.closeStore(c, s.partnerId(), s.storeCode(), event.time());
        } else if (data instanceof PartnerRegistered r) {
            partners.register(
                    c,
                    r.partnerId(),
                    r.legalName(),
                    r.category(),
                    PartnerLifecycle.statusAfter(r).orElseThrow(),
                    event.time());
        } else if (data instanceof PartnerEvent p) {
            Optional<String> status = PartnerLifecycle.statusAfter(p);
            if (status.isPresent()) {
                partners.updateStatus(c, event.subject(), status.get(), event.time());
            }
        }
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
        return inbox.replayWithJdbc(CONSUMER, json, this::apply);
    }
}
