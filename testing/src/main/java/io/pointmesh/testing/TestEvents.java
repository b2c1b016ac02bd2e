package io.pointmesh.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventCatalog;
import io.pointmesh.events.EventCodec;
import java.time.Instant;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Publishes events as another service would, on the test run's topics (its prefix), to drive a
 * service's consumers in a component test.
 */
public final class TestEvents {

    public static final EventCodec CODEC = new EventCodec(new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));

    private TestEvents() {}

    /** The test run's name for a topic, e.g. {@code partner.events}. */
    public static String topic(String name) {
        return ConfigProvider.getConfig()
                        .getOptionalValue("pointmesh.kafka.topic-prefix", String.class)
                        .orElse("")
                + name;
    }

    public static KafkaTestClient kafka() {
        return new KafkaTestClient(ConfigProvider.getConfig().getValue("pointmesh.kafka.bootstrap", String.class));
    }

    /** Wraps the event in a new envelope; answers the encoded record value. */
    public static String encode(DomainEvent event) {
        return CODEC.encode(CODEC.wrap(event, Instant.now()));
    }

    /** Sends a new envelope of the event to its owner's topic, keyed by its aggregate; answers the record value. */
    public static String publish(KafkaTestClient kafka, DomainEvent event) {
        String value = encode(event);
        redeliver(kafka, event, value);
        return value;
    }

    /** Sends a new envelope of the event, with {@code time} as when it happened (a ledger posting's time, say). */
    public static String publishAt(KafkaTestClient kafka, DomainEvent event, Instant time) {
        String value = CODEC.encode(CODEC.wrap(event, time));
        redeliver(kafka, event, value);
        return value;
    }

    /** The event id of a record value {@link #publish} or {@link #publishAt} answered (to await its inbox claim). */
    public static String eventId(String value) {
        return CODEC.decode(value).orElseThrow().id();
    }

    /** Sends an already-published record value again, as Kafka does on redelivery. */
    public static void redeliver(KafkaTestClient kafka, DomainEvent event, String value) {
        kafka.send(topic(EventCatalog.of(event.getClass()).topic().topicName()), event.aggregateId(), value);
    }

    /**
     * A record of a service's dead-letter topic as the connector writes it (the source's topic, partition and offset
     * and the failure in headers), for handing to the service's DeadLetters as if read from that topic.
     */
    public static org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> deadLetter(
            String deadLetterTopic, String sourceTopic, String key, String value, String reason) {
        long offset = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("dead-letter-topic", sourceTopic.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", "0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(offset).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("dead-letter-reason", reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                deadLetterTopic,
                0,
                offset,
                Instant.now().toEpochMilli(),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                -1,
                -1,
                key,
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                headers,
                java.util.Optional.empty());
    }
}
