package io.pointmesh.events;

import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.GradeThresholdsPublished;
import io.pointmesh.events.analytics.SegmentChanged;
import io.pointmesh.events.ledger.CampaignBudgetExhausted;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAdjusted;
import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.PointsExpired;
import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.events.ledger.PointsForfeited;
import io.pointmesh.events.ledger.PointsGifted;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionHeld;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RedemptionVoided;
import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.events.ledger.ReferralBonusReversed;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.ledger.SpendingLocked;
import io.pointmesh.events.member.CardIssued;
import io.pointmesh.events.member.CardReplaced;
import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberLeft;
import io.pointmesh.events.member.MemberProfileChanged;
import io.pointmesh.events.member.MemberReferred;
import io.pointmesh.events.member.MemberReinstated;
import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerOffboarded;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.events.partner.SettlementClosed;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event of the network, with its type name, schema version and owning topic. Adding an
 * event means adding its record and one line here; docs/events.md describes each.
 */
public final class EventCatalog {

    public static final List<EventDefinition> ALL = List.of(
            def("partner.campaign-ended", 1, Topic.PARTNER, CampaignEnded.class),
            def("partner.campaign-published", 1, Topic.PARTNER, CampaignPublished.class),
            def("partner.earn-rule-published", 1, Topic.PARTNER, EarnRulePublished.class),
            def("partner.mileage-program-published", 1, Topic.PARTNER, MileageProgramPublished.class),
            def("partner.activated", 1, Topic.PARTNER, PartnerActivated.class),
            def("partner.offboarded", 1, Topic.PARTNER, PartnerOffboarded.class),
            def("partner.registered", 1, Topic.PARTNER, PartnerRegistered.class),
            def("partner.reinstated", 1, Topic.PARTNER, PartnerReinstated.class),
            def("partner.suspended", 1, Topic.PARTNER, PartnerSuspended.class),
            def("partner.settlement-closed", 1, Topic.PARTNER, SettlementClosed.class),
            def("partner.store-closed", 1, Topic.PARTNER, StoreClosed.class),
            def("partner.store-opened", 1, Topic.PARTNER, StoreOpened.class),
            def("member.card-issued", 1, Topic.MEMBER, CardIssued.class),
            def("member.card-replaced", 1, Topic.MEMBER, CardReplaced.class),
            def("member.consent-changed", 1, Topic.MEMBER, ConsentChanged.class),
            def("member.joined", 1, Topic.MEMBER, MemberJoined.class),
            def("member.left", 1, Topic.MEMBER, MemberLeft.class),
            def("member.profile-changed", 1, Topic.MEMBER, MemberProfileChanged.class),
            def("member.referred", 1, Topic.MEMBER, MemberReferred.class),
            def("member.reinstated", 1, Topic.MEMBER, MemberReinstated.class),
            def("member.suspended", 1, Topic.MEMBER, MemberSuspended.class),
            def("ledger.campaign-budget-exhausted", 1, Topic.LEDGER, CampaignBudgetExhausted.class),
            def("ledger.earning-reversed", 1, Topic.LEDGER, EarningReversed.class),
            def("ledger.points-adjusted", 1, Topic.LEDGER, PointsAdjusted.class),
            def("ledger.points-awarded", 1, Topic.LEDGER, PointsAwarded.class),
            def("ledger.points-converted", 1, Topic.LEDGER, PointsConverted.class),
            def("ledger.points-earned", 1, Topic.LEDGER, PointsEarned.class),
            def("ledger.points-expired", 1, Topic.LEDGER, PointsExpired.class),
            def("ledger.points-expiring", 1, Topic.LEDGER, PointsExpiring.class),
            def("ledger.points-forfeited", 1, Topic.LEDGER, PointsForfeited.class),
            def("ledger.points-gifted", 1, Topic.LEDGER, PointsGifted.class),
            def("ledger.redemption-captured", 1, Topic.LEDGER, RedemptionCaptured.class),
            def("ledger.redemption-held", 1, Topic.LEDGER, RedemptionHeld.class),
            def("ledger.redemption-reversed", 1, Topic.LEDGER, RedemptionReversed.class),
            def("ledger.redemption-voided", 1, Topic.LEDGER, RedemptionVoided.class),
            def("ledger.referral-bonus-paid", 1, Topic.LEDGER, ReferralBonusPaid.class),
            def("ledger.referral-bonus-reversed", 1, Topic.LEDGER, ReferralBonusReversed.class),
            def("ledger.reward-order-cancelled", 1, Topic.LEDGER, RewardOrderCancelled.class),
            def("ledger.reward-order-failed", 1, Topic.LEDGER, RewardOrderFailed.class),
            def("ledger.reward-order-fulfilled", 1, Topic.LEDGER, RewardOrderFulfilled.class),
            def("ledger.reward-ordered", 1, Topic.LEDGER, RewardOrdered.class),
            def("ledger.spending-locked", 1, Topic.LEDGER, SpendingLocked.class),
            def("analytics.grade-changed", 1, Topic.ANALYTICS, GradeChanged.class),
            def("analytics.grade-thresholds-published", 1, Topic.ANALYTICS, GradeThresholdsPublished.class),
            def("analytics.segment-changed", 1, Topic.ANALYTICS, SegmentChanged.class));

    private static final Map<String, EventDefinition> BY_TYPE =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventDefinition::type, Function.identity()));
    private static final Map<Class<?>, EventDefinition> BY_CLASS =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventDefinition::javaType, Function.identity()));

    private EventCatalog() {}

    public static Optional<EventDefinition> byType(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    public static EventDefinition of(Class<?> eventClass) {
        EventDefinition def = BY_CLASS.get(eventClass);
        if (def == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not in the event catalogue");
        }
        return def;
    }

    private static EventDefinition def(String type, int version, Topic topic, Class<? extends DomainEvent> javaType) {
        return new EventDefinition(type, version, topic, javaType);
    }
}
