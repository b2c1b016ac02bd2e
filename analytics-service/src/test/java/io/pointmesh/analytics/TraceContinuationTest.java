package io.pointmesh.analytics;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A trace that began at a POS goes on in analytics: the ledger's record carries its traceparent
 * (ledger-service's TraceContextTest), and analytics' consumer of ledger.events receives it as a
 * child of that trace, so one trace runs from the POS request to the purchase in analytics' facts.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
@TestProfile(TraceContinuationTest.EveryTrace.class)
class TraceContinuationTest {

    /** Every trace recorded (an operator's POINTMESH_TRACE_SAMPLE_RATIO=1), so the test can read the spans. */
    public static class EveryTrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pointmesh.trace.sample-ratio", "1");
        }
    }

    @Inject
    RecordedSpans spans;

    @Test
    void analyticsReceivesALedgerEventInTheTraceItCarries() throws Exception {
        byte[] id = new byte[24];
        new SecureRandom().nextBytes(id);
        String traceId = HexFormat.of().formatHex(id, 0, 16);
        String parentSpan = HexFormat.of().formatHex(id, 16, 24);
        String member = "trace-" + UUID.randomUUID();
        PointsEarned earned = ScoringTest.purchase(member, "trace-partner", "10000", Instant.now());
        try (KafkaTestClient kafka = kafka()) {
            kafka.send(
                    topic("ledger.events"),
                    member,
                    TestEvents.encode(earned),
                    Map.of("traceparent", "00-" + traceId + "-" + parentSpan + "-01"));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ScoringTest.count(
                                "SELECT count(*) FROM purchase_fact WHERE earning_id = '" + earned.earningId() + "'")
                        == 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<SpanData> ofTrace = spans.ofTrace(traceId);
            assertTrue(
                    ofTrace.stream()
                            .anyMatch(s -> s.getKind() == SpanKind.CONSUMER
                                    && s.getParentSpanId().equals(parentSpan)),
                    "the consumer's span is a child of the ledger's publish span: " + ofTrace);
        });
    }
}
