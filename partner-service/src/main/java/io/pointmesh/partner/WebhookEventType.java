package io.pointmesh.partner;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stable names a webhook subscribes to (docs/partners.md, "Webhooks"): a public contract,
 * independent of the internal event types, so the catalogue may evolve without breaking receivers.
 */
public enum WebhookEventType {
    POINTS_EARNED("points.earned"),
    POINTS_REVERSED("points.reversed"),
    REDEMPTION_CAPTURED("redemption.captured"),
    REDEMPTION_VOIDED("redemption.voided"),
    REDEMPTION_REVERSED("redemption.reversed"),
    SETTLEMENT_CLOSED("settlement.closed"),
    CAMPAIGN_BUDGET_EXHAUSTED("campaign.budget-exhausted"),
    PARTNER_SUSPENDED("partner.suspended"),
    REWARD_ORDERED("reward.ordered"),
    REWARD_ORDER_FULFILLED("reward.order-fulfilled"),
    REWARD_ORDER_CANCELLED("reward.order-cancelled"),
    REWARD_ORDER_FAILED("reward.order-failed");

    private final String stableName;

    WebhookEventType(String stableName) {
        this.stableName = stableName;
    }

    public String stableName() {
        return stableName;
    }

    public static Optional<WebhookEventType> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.stableName.equals(name)).findFirst();
    }

    public static java.util.List<String> names() {
        return Arrays.stream(values()).map(WebhookEventType::stableName).toList();
    }
}
