package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.analytics.ScoringTest.purchase;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A refund or a redemption's reversal applied before what it reverses (the purchase failed, was parked, and an
 * operator replayed it after the refund was applied): kept and applied when the purchase arrives, so the member's
 * spend is what it is (before, the refund was dropped and the spend stayed overstated for good, the grade with it).
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LateLedgerEventsTest {

    private static void applied(String recordValue) {
        String id = TestEvents.eventId(recordValue);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM processed_event WHERE event_id = '" + id + "'") >= 1);
    }

    @Test
    void aRefundAppliedBeforeItsPurchaseIsTakenWhenThePurchaseArrives() throws Exception {
        String member = "late-" + UUID.randomUUID();
        String partner = "late-p-" + UUID.randomUUID();
        PointsEarned p = purchase(member, partner, "50000", Instant.now().minusSeconds(3600));
        try (KafkaTestClient kafka = kafka()) {
            applied(publish(
                    kafka,
                    new EarningReversed(
                            UUID.randomUUID().toString(),
                            p.earningId(),
                            member,
                            partner,
                            "refund-1",
                            new BigDecimal("20000"),
                            4,
                            0,
                            0)));
            applied(publish(
                    kafka,
                    new EarningReversed(
                            UUID.randomUUID().toString(),
                            p.earningId(),
                            member,
                            partner,
                            "refund-2",
                            new BigDecimal("5000"),
                            1,
                            0,
                            0)));
            assertEquals(0, count("SELECT count(*) FROM purchase_fact WHERE earning_id = '" + p.earningId() + "'"));
            applied(publish(kafka, p)); // the purchase, replayed late
            // and one more refund after it, applied as usual
            applied(publish(
                    kafka,
                    new EarningReversed(
                            UUID.randomUUID().toString(),
                            p.earningId(),
                            member,
                            partner,
                            "refund-3",
                            new BigDecimal("1000"),
                            0,
                            0,
                            0)));
        }
        assertEquals(26000, count("SELECT refunded FROM purchase_fact WHERE earning_id = '" + p.earningId() + "'"));
        assertEquals(24000, count("SELECT net_spend FROM member_features WHERE member_id = '" + member + "'"));
        assertEquals(24000, count("SELECT sum(net_spend) FROM member_day WHERE member_id = '" + member + "'"));
        assertEquals(
                24000,
                count("SELECT net_spend FROM member_partner WHERE member_id = '" + member + "' AND partner_id = '"
                        + partner + "'"));
        assertEquals(0, count("SELECT count(*) FROM pending_refund WHERE earning_id = '" + p.earningId() + "'"));

        // a redemption's reversal before its capture
        String redemption = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            applied(publish(
                    kafka, new RedemptionReversed(UUID.randomUUID().toString(), redemption, member, partner, 30)));
            applied(publish(kafka, new RedemptionCaptured(redemption, member, partner, "S1", 70, 0)));
        }
        assertEquals(
                30, count("SELECT reversed_points FROM redemption_fact WHERE redemption_id = '" + redemption + "'"));
        assertEquals(
                0,
                count("SELECT count(*) FROM pending_redemption_reversal WHERE redemption_id = '" + redemption + "'"));
    }
}
