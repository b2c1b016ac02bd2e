package io.pointmesh.partner.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.partner.SettlementFact;
import io.pointmesh.partner.service.SettlementService;
import io.pointmesh.partner.service.WebhookService;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records, from ledger.events, every posting that a partner's settlement counts, as a fact at the
 * ledger's own posting time (the event's time). Only these events move points between a
 * member and a partner's issuance or redemption account, the network's promotion account for a
 * partner's purchase, or a mileage partner's conversion (and a partner's reward orders and their
 * refunds, on their own line): the same postings the ledger's partner totals sum. The same transaction enqueues the partner's webhook deliveries (earnings, reversals,
 * redemptions, an exhausted campaign budget).
 */
@ApplicationScoped
public class LedgerEventsConsumer implements Replayable {

    static final String CONSUMER = "partner.settlement";

    @Inject
    EventInbox inbox;

    @Inject
    SettlementService settlement;

    @Inject
    WebhookService webhooks;

    /** A poll's worth of events in one transaction (EventInbox.consumeBatch); one by one when any fails. */
    @Incoming("ledger-events")
    public Uni<Void> onEvents(KafkaRecordBatch<String, String> batch) {
        return inbox.consumeBatch(CONSUMER, batch, () -> this::apply, () -> {}, this::onEvent);
    }

    /** One event in its own transaction, with the inbox's retries. */
    Uni<Void> onEvent(String json) {
        return inbox.consume(CONSUMER, json, this::apply).replaceWithVoid();
    }

    /** Settlement's fact and the partner's webhook deliveries, both in the inbox's transaction. */
    Uni<Void> apply(EventEnvelope<DomainEvent> event) {
        Uni<Void> recorded = Uni.createFrom().voidItem();
        for (SettlementFact fact : factsOf(event)) {
            recorded = recorded.chain(() -> settlement.record(fact));
        }
        return recorded.chain(() -> webhooks.enqueue(event));
    }

    /**
     * The settlement facts an event stands for: its own, and one per co-funder of an earning (or its
     * reversal) whose joint campaigns another partner co-funded. The co-funder buys its part (its
     * pointsIssued); the campaign's partner is charged the rest and shown the co-funded part.
     */
    static List<SettlementFact> factsOf(EventEnvelope<DomainEvent> event) {
        SettlementFact own = factOf(event);
        if (own == null) {
            return List.of();
        }
        List<SettlementFact> facts = new ArrayList<>();
        if (event.data() instanceof PointsEarned e && Bonus.coFunded(e.bonuses()) > 0) {
            long coFunded = Bonus.coFunded(e.bonuses());
            facts.add(own.lessCoFunded(coFunded, 0));
            Map<String, Long> byCoFunder = new TreeMap<>();
            e.bonuses().stream()
                    .filter(b -> b.coFundedPoints() > 0)
                    .forEach(b -> byCoFunder.merge(b.coFunderId(), b.coFundedPoints(), Long::sum));
            byCoFunder.forEach((coFunder, points) -> facts.add(new SettlementFact(
                    "earn-co-funding:" + e.earningId() + ":" + coFunder,
                    coFunder,
                    event.time(),
                    points,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    points,
                    0)));
        } else if (event.data() instanceof EarningReversed r && r.coFundedPoints() > 0) {
            long coFunded = r.coFundedPoints();
            facts.add(own.lessCoFunded(0, coFunded));
            Map<String, Long> byCoFunder = new TreeMap<>();
            r.coFunded().forEach(f -> byCoFunder.merge(f.partnerId(), f.points(), Long::sum));
            byCoFunder.forEach((coFunder, points) -> facts.add(new SettlementFact(
                    "earn-reversal-co-funding:" + r.reversalId() + ":" + coFunder,
                    coFunder,
                    event.time(),
                    0,
                    points,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    -points,
                    0)));
        } else {
            facts.add(own);
        }
        return facts;
    }

    /** The settlement fact an event stands for, or null for events settlement does not count. */
    static SettlementFact factOf(EventEnvelope<DomainEvent> event) {
        DomainEvent data = event.data();
        if (data instanceof PointsEarned e && e.points() > 0) {
            return new SettlementFact(
                    "earn:" + e.earningId(),
                    e.partnerId(),
                    event.time(),
                    e.points() - e.networkFundedPoints(),
                    0,
                    e.networkFundedPoints(),
                    0,
                    0,
                    0,
                    0);
        } else if (data instanceof EarningReversed r && r.points() > 0) {
            return new SettlementFact(
                    "earn-reversal:" + r.reversalId(),
                    r.partnerId(),
                    event.time(),
                    0,
                    r.points() - r.networkFundedPoints(),
                    0,
                    r.networkFundedPoints(),
                    0,
                    0,
                    0);
        } else if (data instanceof RedemptionCaptured c && c.points() > 0) {
            return new SettlementFact(
                    "redemption:" + c.redemptionId(), c.partnerId(), event.time(), 0, 0, 0, 0, c.points(), 0, 0);
        } else if (data instanceof RedemptionReversed r && r.points() > 0) {
            return new SettlementFact(
                    "redemption-reversal:" + r.reversalId(), r.partnerId(), event.time(), 0, 0, 0, 0, 0, r.points(), 0);
        } else if (data instanceof PointsAwarded a
                && a.points() > 0
                && a.fundedBy() == FundedBy.PARTNER
                && a.partnerId() != null) {
            // a partner-funded bulk award is the partner's issuance, one fact per member credited; an operator's
            // award may share its id with the partner's own (ids are unique per owner): its key has a prefix of its
            // own, which no award id the partner chooses can produce ("award:P:network:X" is the partner's "network:X")
            boolean own = a.awardedBy() == null || a.awardedBy().equals(a.partnerId());
            return new SettlementFact(
                    (own ? "award:" : "award-network:") + a.partnerId() + ":" + a.awardId() + ":" + a.memberId(),
                    a.partnerId(),
                    event.time(),
                    a.points(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    0);
        } else if (data instanceof PointsConverted c && c.points() > 0) {
            return new SettlementFact(
                    "conversion:" + c.conversionId(), c.mileagePartnerId(), event.time(), 0, 0, 0, 0, 0, 0, c.points());
        } else if (data instanceof RewardOrdered o && o.partnerId() != null && o.points() > 0) {
            // points spent on the partner's reward: reimbursed like a redemption, on their own line
            return new SettlementFact(
                    "reward-order:" + o.orderId(), o.partnerId(), event.time(), 0, 0, 0, 0, 0, 0, 0, o.points(), 0);
        } else if (data instanceof RewardOrderCancelled o && o.partnerId() != null && o.points() > 0) {
            return rewardRefund(o.orderId(), o.partnerId(), event, o.points());
        } else if (data instanceof RewardOrderFailed o && o.partnerId() != null && o.points() > 0) {
            return rewardRefund(o.orderId(), o.partnerId(), event, o.points());
        }
        return null;
    }

    /** An order is cancelled or fails at most once: one refund fact per order. */
    private static SettlementFact rewardRefund(
            String orderId, String partnerId, EventEnvelope<DomainEvent> event, long points) {
        return new SettlementFact(
                "reward-order-refund:" + orderId, partnerId, event.time(), 0, 0, 0, 0, 0, 0, 0, 0, points);
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
        return inbox.consume(CONSUMER, json, this::apply);
    }
}
