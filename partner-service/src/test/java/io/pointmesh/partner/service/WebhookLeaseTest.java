package io.pointmesh.partner.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A lease no longer than a dispatcher round would let a second instance send a delivery still in flight. */
class WebhookLeaseTest {

    @Test
    void theDefaultsLeaveTheLeaseLongerThanARound() {
        assertEquals(Duration.ofSeconds(50), WebhookDispatcher.roundBound(Duration.ofSeconds(10)));
        assertDoesNotThrow(() -> WebhookDispatcher.checkLease(Duration.ofSeconds(10), Duration.ofMinutes(1)));
    }

    @Test
    void aLeaseNoLongerThanARoundIsRefusedAtStartup() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> WebhookDispatcher.checkLease(Duration.ofSeconds(30), Duration.ofMinutes(1)));
        assertEquals(true, e.getMessage().contains("pointmesh.webhooks.lease"), e.getMessage());
        assertThrows(
                IllegalStateException.class,
                () -> WebhookDispatcher.checkLease(Duration.ofSeconds(10), Duration.ofSeconds(50)));
    }
}
