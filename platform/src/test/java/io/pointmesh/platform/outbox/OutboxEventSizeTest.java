package io.pointmesh.platform.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pointmesh.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** An event the broker would never take is refused before its transaction commits (the relay would stop behind it). */
class OutboxEventSizeTest {

    @Test
    void anEventLargerThanTheStreamCarriesIsRefusedBeforeItIsRecorded() {
        String small = "{\"x\":\"" + "a".repeat(1000) + "\"}";
        assertSame(small, Outbox.sendable(small, "test.small"));
        String atLimit = "a".repeat(Outbox.MAX_EVENT_BYTES);
        assertSame(atLimit, Outbox.sendable(atLimit, "test.limit"));
        ProblemException tooLarge = assertThrows(
                ProblemException.class, () -> Outbox.sendable("a".repeat(Outbox.MAX_EVENT_BYTES + 1), "test.large"));
        assertEquals(413, tooLarge.status());
        assertEquals("event-too-large", tooLarge.code());
        // counted in bytes: 300,001 three-byte characters are over the limit although fewer chars
        assertThrows(
                ProblemException.class,
                () -> Outbox.sendable("\uD55C".repeat(Outbox.MAX_EVENT_BYTES / 3 + 1), "test.hangul"));
    }
}
