package io.pointmesh.partner;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.ledger.CampaignBudgetExhausted;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RedemptionVoided;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.events.partner.SettlementClosed;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one event becomes for the one partner it concerns: who gets it, its stable type, its key
 * (the business fact: enqueued once per webhook whatever the envelope), its ordering key (the
 * member) and the data the partner may see.
 *
 * <p>Data is the partner's own record and nothing more: the member only as the pseudonymous member
 * id the partner already gets from the card lookup; no grade multiplier, network-funded share,
 * bonuses or debt (they would tell the member's grade, segment or spending elsewhere, which
 * docs/privacy.md keeps from partners); never a name, phone or e-mail (no event carries them).
 *
 * @param partnerId the one partner that receives it
 * @param eventKey  unique per business fact, e.g. {@code points.earned:<earningId>}
 * @param orderKey  deliveries with the same key go out in order (a member's; a partner's own events)
 */
public record WebhookMessage(String partnerId, WebhookEventType type, String eventKey, String orderKey, Body body) {

    /** The delivered JSON, per the Standard Webhooks recommendation. */
    @RegisterForReflection
    public record Body(String type, Instant timestamp, Map<String, Object> data) {}

    /** The message an event stands for, or null when no partner receives it. */
    public static WebhookMessage of(EventEnvelope<DomainEvent> event) {
        DomainEvent d = event.data();
        Instant at = event.time();
        if (d instanceof PointsEarned e) {
            return member(
                    e.partnerId(),
                    WebhookEventType.POINTS_EARNED,
                    e.earningId(),
                    e.memberId(),
                    at,
                    data("earningId", e.earningId(), "memberId", e.memberId(), "storeCode", e.storeCode())
                            .with("partnerTxId", e.partnerTxId())
                            .with("amount", e.amount())
                            .with("currency", e.currency())
                            .with("occurredAt", e.occurredAt())
                            .with("points", e.points())
                            .with("availableAt", e.availableAt())
                            .with("expiresAt", e.expiresAt()));
        } else if (d instanceof EarningReversed r) {
            return member(
                    r.partnerId(),
                    WebhookEventType.POINTS_REVERSED,
                    r.reversalId(),
                    r.memberId(),
                    at,
                    data("reversalId", r.reversalId(), "earningId", r.earningId(), "memberId", r.memberId())
                            .with("partnerTxId", r.partnerTxId())
                            .with("refundAmount", r.refundAmount())
                            .with("points", r.points()));
        } else if (d instanceof RedemptionCaptured c) {
            return member(
                    c.partnerId(),
                    WebhookEventType.REDEMPTION_CAPTURED,
                    c.redemptionId(),
                    c.memberId(),
                    at,
                    data("redemptionId", c.redemptionId(), "memberId", c.memberId(), "storeCode", c.storeCode())
                            .with("points", c.points())
                            .with("releasedPoints", c.releasedPoints()));
        } else if (d instanceof RedemptionVoided v) {
            return member(
                    v.partnerId(),
                    WebhookEventType.REDEMPTION_VOIDED,
                    v.redemptionId(),
                    v.memberId(),
                    at,
                    data("redemptionId", v.redemptionId(), "memberId", v.memberId(), "points", v.points())
                            .with(
                                    "reason",
                                    v.reason() == null ? null : v.reason().name()));
        } else if (d instanceof RedemptionReversed r) {
            return member(
                    r.partnerId(),
                    WebhookEventType.REDEMPTION_REVERSED,
                    r.reversalId(),
                    r.memberId(),
                    at,
                    data("reversalId", r.reversalId(), "redemptionId", r.redemptionId(), "memberId", r.memberId())
                            .with("points", r.points()));
        } else if (d instanceof RewardOrdered o) {
            // the order of the partner's own reward (a network reward, partnerId null, goes to nobody); the
            // event never carries a coupon's code, and neither does the message
            return member(
                    o.partnerId(),
                    WebhookEventType.REWARD_ORDERED,
                    o.orderId(),
                    o.memberId(),
                    at,
                    data("orderId", o.orderId(), "rewardId", o.rewardId(), "memberId", o.memberId())
                            .with("title", o.title())
                            .with("fulfilment", o.fulfilment())
                            .with("points", o.points()));
        } else if (d instanceof RewardOrderFulfilled o) {
            return member(
                    o.partnerId(),
                    WebhookEventType.REWARD_ORDER_FULFILLED,
                    o.orderId(),
                    o.memberId(),
                    at,
                    data("orderId", o.orderId(), "rewardId", o.rewardId(), "memberId", o.memberId())
                            .with("points", o.points()));
        } else if (d instanceof RewardOrderCancelled o) {
            return member(
                    o.partnerId(),
                    WebhookEventType.REWARD_ORDER_CANCELLED,
                    o.orderId(),
                    o.memberId(),
                    at,
                    data("orderId", o.orderId(), "rewardId", o.rewardId(), "memberId", o.memberId())
                            .with("points", o.points()));
        } else if (d instanceof RewardOrderFailed o) {
            return member(
                    o.partnerId(),
                    WebhookEventType.REWARD_ORDER_FAILED,
                    o.orderId(),
                    o.memberId(),
                    at,
                    data("orderId", o.orderId(), "rewardId", o.rewardId(), "memberId", o.memberId())
                            .with("points", o.points())
                            .with("reason", o.reason()));
        } else if (d instanceof SettlementClosed s) {
            return partnerWide(
                    s.partnerId(),
                    WebhookEventType.SETTLEMENT_CLOSED,
                    s.statementId(),
                    at,
                    data("statementId", s.statementId(), "periodStart", s.periodStart(), "periodEnd", s.periodEnd())
                            .with("pointsIssued", s.pointsIssued())
                            .with("pointsIssuedReversed", s.pointsIssuedReversed())
                            .with("pointsRedeemed", s.pointsRedeemed())
                            .with("pointsRedeemedReversed", s.pointsRedeemedReversed())
                            .with("networkFee", s.networkFee())
                            .with("netAmount", s.netAmount())
                            .with("currency", s.currency()));
        } else if (d instanceof CampaignBudgetExhausted c) {
            return partnerWide(
                    c.partnerId(),
                    WebhookEventType.CAMPAIGN_BUDGET_EXHAUSTED,
                    c.campaignId(),
                    at,
                    data("campaignId", c.campaignId(), "budgetPoints", c.budgetPoints(), "partnerId", c.partnerId()));
        } else if (d instanceof PartnerSuspended s) {
            // a suspension has no id of its own: the event's is the fact's; the operator's name stays inside
            return partnerWide(
                    s.partnerId(),
                    WebhookEventType.PARTNER_SUSPENDED,
                    event.id(),
                    at,
                    data("partnerId", s.partnerId(), "reason", s.reason(), "suspendedAt", at));
        }
        return null;
    }

    private static WebhookMessage member(
            String partnerId, WebhookEventType type, String id, String memberId, Instant at, Data data) {
        if (partnerId == null) {
            return null;
        }
        return new WebhookMessage(
                partnerId, type, type.stableName() + ":" + id, "member:" + memberId, body(type, at, data));
    }

    private static WebhookMessage partnerWide(
            String partnerId, WebhookEventType type, String id, Instant at, Data data) {
        if (partnerId == null) {
            return null; // a network campaign belongs to no partner
        }
        return new WebhookMessage(
                partnerId, type, type.stableName() + ":" + id, "partner:" + partnerId, body(type, at, data));
    }

    private static Body body(WebhookEventType type, Instant at, Data data) {
        return new Body(type.stableName(), at, data.values);
    }

    private static Data data(String k1, Object v1, String k2, Object v2, String k3, Object v3) {
        return new Data().with(k1, v1).with(k2, v2).with(k3, v3);
    }

    /** Field order as written, for readable payloads. */
    private static final class Data {
        final Map<String, Object> values = new LinkedHashMap<>();

        Data with(String key, Object value) {
            values.put(key, value);
            return this;
        }
    }
}
