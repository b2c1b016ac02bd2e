package io.pointmesh.ledger;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A POS's trace runs on through the ledger: the earning's event leaves on ledger.events with a
 * {@code traceparent} of the same trace, though it was written by the group commit's thread and
 * published later by the outbox relay (outbox_event.traceparent carries it across the commit). A
 * request without a trace starts its own, and its event carries that one.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class TraceContextTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void anEarningsEventContinuesTheTraceOfThePosRequest() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String traceId = hex(16);
        String sampled = "00-" + traceId + "-" + hex(8) + "-01";
        String earningId = earn(partner, member, Map.of("traceparent", sampled));
        String untraced = earn(partner, member, Map.of());

        try (KafkaTestClient kafka = kafka()) {
            String carried = traceparent(kafka, earningId);
            assertNotNull(carried, "the record carries a traceparent");
            assertTrue(carried.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), carried);
            assertEquals(traceId, carried.split("-")[1], "the same trace as the POS request");
            assertNotEquals(
                    sampled.split("-")[2], carried.split("-")[2], "a span of its own (the publish), not the caller's");
            // recorded or not is the network's decision by trace id (POINTMESH_TRACE_SAMPLE_RATIO, 0 in tests), never
            // the caller's flag: anyone could set it
            assertEquals("00", carried.split("-")[3], "not sampled because a caller asked");

            String other = traceparent(kafka, untraced);
            assertNotNull(other, "a request without a trace starts one");
            assertNotEquals(traceId, other.split("-")[1]);
        }
        assertEquals(
                traceId,
                LedgerScenariosTest.rows(
                                "SELECT traceparent FROM outbox_event WHERE payload LIKE '%" + earningId + "%'")
                        .get(0)
                        .split("-")[1],
                "the outbox row keeps the request's trace");
    }

    private static String earn(String partner, String member, Map<String, String> headers) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .headers(headers)
                .contentType("application/json")
                .body(Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "cardNumber",
                        LedgerFixture.card(member),
                        "storeCode",
                        LedgerFixture.STORE,
                        "amount",
                        new BigDecimal("10000"),
                        "currency",
                        "KRW",
                        "occurredAt",
                        Instant.now().minusSeconds(60).toString()))
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(201)
                .extract()
                .path("earningId");
    }

    private static String traceparent(KafkaTestClient kafka, String earningId) {
        ConsumerRecord<String, String> record =
                kafka.await(topic("ledger.events"), r -> r.value().contains(earningId), Duration.ofSeconds(30));
        Header header = record.headers().lastHeader("traceparent");
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
