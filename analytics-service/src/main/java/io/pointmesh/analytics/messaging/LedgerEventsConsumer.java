package io.pointmesh.analytics.messaging;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.FactRepository;
import io.pointmesh.analytics.repository.RewardRepository;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Purchases, refunds and redemptions from ledger.events, once each, with the features they change;
 * reward orders and what became of them (the rewards report).
 */
@ApplicationScoped
public class LedgerEventsConsumer implements Replayable {

    static final String CONSUMER = "analytics.facts";

    @Inject
    EventInbox inbox;

    @Inject
    FactRepository facts;

    @Inject
    RewardRepository rewards;

    @Inject
    AnalyticsConfig config;

    /** A poll's worth of events in one transaction (EventInbox.consumeBatchWithJdbc); one by one when any fails. */
    @Incoming("ledger-events")
    public Uni<Void> onEvents(KafkaRecordBatch<String, String> batch) {
        return inbox.consumeBatchWithJdbc(CONSUMER, batch, this::apply);
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof PointsEarned e) {
            facts.recordPurchase(
                    c,
                    UUID.fromString(e.earningId()),
                    e.memberId(),
                    e.partnerId(),
                    e.storeCode(),
                    e.amount(),
                    e.currency(),
                    e.occurredAt(),
                    e.occurredAt().atZone(config.zone()).toLocalDate(),
                    e.points(),
                    e.bonuses() == null
                            ? java.util.List.of()
                            : e.bonuses().stream().map(Bonus::campaignId).toList(),
                    event.time());
        } else if (data instanceof EarningReversed r) {
            facts.recordRefund(c, UUID.fromString(r.earningId()), r.refundAmount());
        } else if (data instanceof RedemptionCaptured r) {
            facts.recordRedemption(
                    c,
                    UUID.fromString(r.redemptionId()),
                    r.memberId(),
                    r.partnerId(),
                    r.storeCode(),
                    r.points(),
                    event.time());
        } else if (data instanceof RedemptionReversed r) {
            facts.recordRedemptionReversal(c, UUID.fromString(r.redemptionId()), r.points());
        } else if (data instanceof RewardOrdered o) {
            // the ledger's posting time (an envelope always has one; a hand-made record without: its arrival)
            rewards.ordered(
                    c,
                    o.orderId(),
                    o.rewardId(),
                    o.memberId(),
                    o.partnerId(),
                    o.title(),
                    o.fulfilment(),
                    o.points(),
                    event.time() != null ? event.time() : java.time.Instant.now());
        } else if (data instanceof RewardOrderFulfilled f) {
            rewards.fulfilled(c, f.orderId(), f.rewardId(), f.memberId(), f.partnerId(), f.points(), event.time());
        } else if (data instanceof RewardOrderCancelled x) {
            rewards.ended(
                    c, x.orderId(), x.rewardId(), x.memberId(), x.partnerId(), x.points(), "CANCELLED", event.time());
        } else if (data instanceof RewardOrderFailed x) {
            rewards.ended(
                    c, x.orderId(), x.rewardId(), x.memberId(), x.partnerId(), x.points(), "FAILED", event.time());
        }
    }

    @Override
    public Set<String> channels() {
        return Set.of("ledger-events");
    }

    @Override
    public String consumer(String channel) {
        return CONSUMER;
    }

    /** A dead letter of the channel, replayed by an operator: the path a record takes alone when its batch failed. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return inbox.replayWithJdbc(CONSUMER, json, this::apply);
    }
}
