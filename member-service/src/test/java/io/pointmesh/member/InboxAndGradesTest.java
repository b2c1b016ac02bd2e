package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.joined;
import static io.pointmesh.member.MemberFixture.me;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.Grade;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.GradeThresholdsPublished;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAdjusted;
import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.PointsExpired;
import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.events.ledger.PointsGifted;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.ReferralBonusReversed;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.events.ledger.SpendingLocked;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-app inbox from ledger and analytics events (once each, pushed once), and the grade with its progress. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class InboxAndGradesTest {

    @Inject
    RecordingPushSender pushed;

    static String inbox(String member) {
        return "/members/v1/me/notifications";
    }

    @Test
    void whatAMemberShouldKnowReachesTheInboxOnceAndIsPushed() {
        String member = joined();
        String token = TestTokens.member(member);
        Instant now = Instant.now();
        try (KafkaTestClient kafka = kafka()) {
            PointsEarned earned = new PointsEarned(
                    UUID.randomUUID().toString(),
                    member,
                    "partner-1",
                    "S1",
                    "tx-1",
                    new BigDecimal("25000"),
                    "KRW",
                    now,
                    250,
                    250,
                    List.of(),
                    BigDecimal.ONE,
                    now,
                    now.plus(1800, ChronoUnit.DAYS),
                    0);
            String value = publish(kafka, earned);
            TestEvents.redeliver(kafka, earned, value);
            publish(kafka, new RedemptionCaptured(UUID.randomUUID().toString(), member, "partner-1", "S1", 100, 0));
            publish(kafka, new PointsExpiring(member, 40, now.plus(20, ChronoUnit.DAYS)));
            publish(kafka, new SpendingLocked(member, 5, now.plus(15, ChronoUnit.MINUTES)));
            publish(
                    kafka,
                    new GradeChanged(member, Grade.GENERAL, Grade.LOYAL, LocalDate.now(), new BigDecimal("820000")));
            publish(
                    kafka,
                    new GradeThresholdsPublished(
                            LocalDate.now(),
                            Map.of(
                                    "VVIP",
                                    new BigDecimal("5000000"),
                                    "VIP",
                                    new BigDecimal("2000000"),
                                    "LOYAL",
                                    new BigDecimal("800000"))));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .get(inbox(member))
                        .then()
                        .statusCode(200)
                        .body(
                                "$",
                                hasSize(5),
                                "kind",
                                hasItems(
                                        "POINTS_EARNED",
                                        "POINTS_REDEEMED",
                                        "POINTS_EXPIRING",
                                        "SPENDING_LOCKED",
                                        "GRADE_CHANGED")));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> me(member).body("progress.nextGradeFrom", is(2000000)));
        me(member)
                .statusCode(200)
                .body(
                        "grade.name",
                        is("LOYAL"),
                        "grade.earnMultiplier",
                        is(1.1f),
                        "grade.netSpend12Months",
                        is(820000),
                        // the points line is the multiplier the ledger applies, not a second copy of it
                        "grade.benefits",
                        contains("1.1x points on every purchase"),
                        "progress.nextGrade",
                        is("VIP"),
                        "progress.remaining",
                        is(1180000));
        assertEquals(
                5, pushed.sent.stream().filter(n -> n.memberId.equals(member)).count(), "each pushed once");

        String id = given().auth()
                .oauth2(token)
                .get(inbox(member))
                .then()
                .extract()
                .path("find { it.kind == 'POINTS_EARNED' }.id");
        given().auth()
                .oauth2(token)
                .post(inbox(member) + "/" + id + "/read")
                .then()
                .statusCode(200)
                .body("readAt", notNullValue());
        given().auth()
                .oauth2(token)
                .queryParam("unread", true)
                .get(inbox(member))
                .then()
                .body("$", hasSize(4));
        // another member's notification is not theirs to read
        given().auth()
                .oauth2(TestTokens.member(joined()))
                .post(inbox(member) + "/" + id + "/read")
                .then()
                .statusCode(404);
    }

    /**
     * Every movement of a member's points reaches their inbox once, redelivered or not: a gift tells both the
     * giver and the receiver; a refund tells of the debt it left; an adjustment gives the operator's reason; a bulk
     * award, its reason.
     */
    @Test
    void everyMovementOfPointsReachesTheInboxOnce() {
        String giver = joined();
        String receiver = joined();
        Instant now = Instant.now();
        try (KafkaTestClient kafka = kafka()) {
            PointsGifted gift = new PointsGifted(UUID.randomUUID().toString(), giver, receiver, 300);
            TestEvents.redeliver(kafka, gift, publish(kafka, gift));
            PointsAdjusted adjusted =
                    new PointsAdjusted(UUID.randomUUID().toString(), giver, 500, "goodwill after a lost card", "ops-1");
            TestEvents.redeliver(kafka, adjusted, publish(kafka, adjusted));
            publish(kafka, new PointsAdjusted(UUID.randomUUID().toString(), giver, -120, "duplicate earning", "ops-1"));
            publish(kafka, new PointsConverted(UUID.randomUUID().toString(), giver, "airline-1", 1000, 500));
            PointsAwarded awarded = new PointsAwarded(
                    "winter-thanks",
                    giver,
                    "partner-1",
                    FundedBy.PARTNER,
                    700,
                    "thank you for a year with us",
                    "CMP-1");
            TestEvents.redeliver(kafka, awarded, publish(kafka, awarded));
            publish(
                    kafka,
                    new EarningReversed(
                            UUID.randomUUID().toString(),
                            UUID.randomUUID().toString(),
                            receiver,
                            "partner-1",
                            "tx-9",
                            new BigDecimal("30000"),
                            300,
                            40,
                            0));
            publish(
                    kafka,
                    new RedemptionReversed(
                            UUID.randomUUID().toString(), UUID.randomUUID().toString(), receiver, "partner-1", 70));
            publish(kafka, new PointsExpired(receiver, 25, now));
            String order = UUID.randomUUID().toString();
            String reward = UUID.randomUUID().toString();
            RewardOrdered ordered =
                    new RewardOrdered(order, reward, giver, "partner-1", "Cinema ticket", "COUPON_CODE", 400);
            TestEvents.redeliver(kafka, ordered, publish(kafka, ordered));
            publish(kafka, new RewardOrderFulfilled(order, reward, giver, "partner-1", 400));
            publish(kafka, new RewardOrderFailed(order, reward, giver, "partner-1", 400, "the code was refused"));
            publish(kafka, new RewardOrderCancelled(UUID.randomUUID().toString(), reward, receiver, null, 90));
            publish(
                    kafka,
                    new ReferralBonusReversed(
                            receiver, giver, 1000, 2000, UUID.randomUUID().toString()));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.member(giver))
                        .get(inbox(giver))
                        .then()
                        .statusCode(200)
                        .body(
                                "kind",
                                org.hamcrest.Matchers.containsInAnyOrder(
                                        "GIFT_SENT",
                                        "POINTS_ADJUSTED",
                                        "POINTS_ADJUSTED",
                                        "POINTS_CONVERTED",
                                        "POINTS_AWARDED",
                                        "REFERRAL_REVERSED",
                                        "REWARD_ORDERED",
                                        "REWARD_ORDER_FULFILLED",
                                        "REWARD_ORDER_FAILED")));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.member(receiver))
                        .get(inbox(receiver))
                        .then()
                        .statusCode(200)
                        .body(
                                "kind",
                                org.hamcrest.Matchers.containsInAnyOrder(
                                        "GIFT_RECEIVED",
                                        "PURCHASE_REFUNDED",
                                        "REDEMPTION_CANCELLED",
                                        "POINTS_EXPIRED",
                                        "REFERRAL_REVERSED",
                                        "REWARD_ORDER_CANCELLED")));
        var giverInbox = given().auth()
                .oauth2(TestTokens.member(giver))
                .get(inbox(giver))
                .then();
        giverInbox.body("find { it.kind == 'GIFT_SENT' }.points", is(300));
        giverInbox.body(
                "find { it.kind == 'POINTS_AWARDED' }.title", is("You were awarded 700 points"),
                "find { it.kind == 'POINTS_AWARDED' }.body", is("thank you for a year with us"));
        giverInbox.body(
                "findAll { it.kind == 'POINTS_ADJUSTED' }.body",
                hasItems("reason: goodwill after a lost card", "reason: duplicate earning"));
        giverInbox.body(
                "findAll { it.kind == 'POINTS_ADJUSTED' }.title",
                hasItems("We added 500 points", "We took back 120 points"));
        var receiverInbox = given().auth()
                .oauth2(TestTokens.member(receiver))
                .get(inbox(receiver))
                .then();
        receiverInbox.body("find { it.kind == 'GIFT_RECEIVED' }.points", is(300));
        receiverInbox.body(
                "find { it.kind == 'PURCHASE_REFUNDED' }.body", org.hamcrest.Matchers.containsString("owes 40 points"));
        // each pushed once, the redelivered gift and adjustment included
        giverInbox.body("find { it.kind == 'REWARD_ORDERED' }.title", is("You ordered Cinema ticket"));
        giverInbox.body(
                "find { it.kind == 'REWARD_ORDER_FAILED' }.body",
                org.hamcrest.Matchers.containsString("the code was refused"));
        // each pushed once, the redelivered gift, adjustment and order included
        assertEquals(
                9, pushed.sent.stream().filter(n -> n.memberId.equals(giver)).count());
        assertEquals(
                6, pushed.sent.stream().filter(n -> n.memberId.equals(receiver)).count());
    }

    @Test
    void anOlderGradeComputationNeverOverwritesANewerOne() {
        String member = joined();
        try (KafkaTestClient kafka = kafka()) {
            publish(
                    kafka,
                    new GradeChanged(member, Grade.GENERAL, Grade.VIP, LocalDate.now(), new BigDecimal("2500000")));
            publish(
                    kafka,
                    new GradeChanged(
                            member,
                            Grade.GENERAL,
                            Grade.LOYAL,
                            LocalDate.now().minusDays(3),
                            new BigDecimal("900000")));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.member(member))
                        .get(inbox(member))
                        .then()
                        .body("$", hasSize(1)));
        me(member)
                .body(
                        "grade.name",
                        is("VIP"),
                        "grade.earnMultiplier",
                        is(1.2f),
                        "grade.benefits",
                        contains("1.2x points on every purchase", "birthday bonus"));
    }

    /** As for grades: a late or replayed segment computation never overwrites a newer one. */
    @Test
    void anOlderSegmentComputationNeverOverwritesANewerOne() {
        String member = joined();
        try (KafkaTestClient kafka = kafka()) {
            publish(
                    kafka,
                    new io.pointmesh.events.analytics.SegmentChanged(
                            member,
                            io.pointmesh.events.Segment.ACTIVE,
                            io.pointmesh.events.Segment.DORMANT,
                            LocalDate.now()));
            publish(
                    kafka,
                    new io.pointmesh.events.analytics.SegmentChanged(
                            member,
                            io.pointmesh.events.Segment.NEW,
                            io.pointmesh.events.Segment.ACTIVE,
                            LocalDate.now().minusDays(3)));
            // a marker after both on the same partition (the member's key): once it is applied, both were
            publish(
                    kafka,
                    new GradeChanged(member, Grade.GENERAL, Grade.VIP, LocalDate.now(), new BigDecimal("2500000")));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> me(member).body("grade.name", is("VIP")));
        me(member).body("segment", is("DORMANT"));
    }
}
