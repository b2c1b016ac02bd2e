package io.pointmesh.ledger.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.ledger.repository.PartnerDirectoryRepository;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Keeps the ledger's copy of partners, stores, earn rules, campaigns and mileage programs current
 * from partner.events (once per event, in order per partner), so earning never calls partner-service.
 */
@ApplicationScoped
public class PartnerEventsConsumer implements Replayable {

    static final String CONSUMER = "ledger.partner-directory";

    @Inject
    EventInbox inbox;

    @Inject
    PartnerDirectoryRepository directory;

    @Inject
    Ledger ledger;

    @Incoming("partner-events")
    @Blocking
    public CompletionStage<Void> onEvent(Message<String> record) {
        return inbox.consumeRecordWithJdbc(CONSUMER, record, this::apply);
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof PartnerRegistered r) {
            directory.register(
                    c,
                    r.partnerId(),
                    r.legalName(),
                    r.category(),
                    PartnerLifecycle.statusAfter(r).orElseThrow(),
                    event.time());
            ledger.openPartnerAccounts(c, r.partnerId());
        } else if (data instanceof StoreOpened s) {
            directory.openStore(c, s, event.time());
        } else if (data instanceof StoreClosed s) {
            directory.closeStore(c, s.partnerId(), s.storeCode(), event.time());
        } else if (data instanceof EarnRulePublished r) {
            directory.addEarnRule(c, r);
        } else if (data instanceof CampaignPublished k) {
            directory.saveCampaign(c, k, event.time());
        } else if (data instanceof CampaignEnded k) {
            directory.endCampaign(c, k.campaignId(), event.time());
        } else if (data instanceof MileageProgramPublished m) {
            directory.saveMileageProgram(c, m, event.time());
        } else if (data instanceof PartnerEvent p) {
            var status = PartnerLifecycle.statusAfter(p);
            if (status.isPresent()) {
                directory.setStatus(c, event.subject(), status.get(), event.time());
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
