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

    @jakarta.inject.Inject
    io.pointmesh.platform.sql.Transactions transactions;

    @jakarta.inject.Inject
    io.pointmesh.analytics.repository.FactRepository facts;

    /**
     * The race a replay can have with a live refund: the purchase's insert and the refund's update each missed the
     * other's uncommitted row, and the refund was kept although its purchase is here. The periodic settlement
     * applies it, once.
     */
    @Test
    void aRefundKeptWhileItsPurchaseCommittedIsAppliedOnceBySettlement() throws Exception {
        String member = "late-" + UUID.randomUUID();
        String partner = "late-p-" + UUID.randomUUID();
        PointsEarned p = purchase(member, partner, "40000", Instant.now().minusSeconds(3600));
        try (KafkaTestClient kafka = kafka()) {
            applied(publish(kafka, p));
        }
        transactions.run(c -> io.pointmesh.platform.sql.Sql.update(
                c,
                "INSERT INTO pending_refund (earning_id, refunded) VALUES (?, 7000)",
                UUID.fromString(p.earningId())));
        transactions.run(c -> facts.settlePending(c)); // (or the scheduled settlement got there first)
        assertEquals(0, transactions.run(c -> facts.settlePending(c)).intValue(), "applied once");
        assertEquals(0, count("SELECT count(*) FROM pending_refund WHERE earning_id = '" + p.earningId() + "'"));
        assertEquals(7000, count("SELECT refunded FROM purchase_fact WHERE earning_id = '" + p.earningId() + "'"));
        assertEquals(33000, count("SELECT net_spend FROM member_features WHERE member_id = '" + member + "'"));
    }

    private static EarningReversed refund(PointsEarned p, String tx, String amount, long points) {
        return new EarningReversed(
                UUID.randomUUID().toString(),
                p.earningId(),
                p.memberId(),
                p.partnerId(),
                tx,
                new BigDecimal(amount),
                points,
                0,
                0);
    }

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
            applied(publish(kafka, refund(p, "refund-1", "20000", 4)));
            applied(publish(kafka, refund(p, "refund-2", "5000", 1)));
            assertEquals(0, count("SELECT count(*) FROM purchase_fact WHERE earning_id = '" + p.earningId() + "'"));
            applied(publish(kafka, p)); // the purchase, replayed late
            // and one more refund after it, applied as usual
            applied(publish(kafka, refund(p, "refund-3", "1000", 0)));
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
