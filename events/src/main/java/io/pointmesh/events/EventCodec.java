package io.pointmesh.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Wraps events in their envelope and turns envelopes into JSON and back. Thread-safe. */
public final class EventCodec {

    private final ObjectMapper mapper;

    /** @param mapper must be able to write {@link Instant} as ISO-8601 (the JSR-310 module) */
    public EventCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper);
    }

    /** A new envelope, with a fresh id, for an event that happened at {@code time}. */
    public <T extends DomainEvent> EventEnvelope<T> wrap(T event, Instant time) {
        return wrap(UUID.randomUUID().toString(), event, time);
    }

    public <T extends DomainEvent> EventEnvelope<T> wrap(String id, T event, Instant time) {
        EventDefinition def = EventCatalog.of(event.getClass());
        String key = Objects.requireNonNull(event.aggregateId(), "aggregateId");
        return new EventEnvelope<>(
                EventEnvelope.SPEC_VERSION,
                id,
                def.topic().source(),
                def.type(),
                time,
                key,
                "application/json",
                def.dataSchema(),
                def.schemaVersion(),
                key,
                event);
    }

    public String encode(EventEnvelope<?> envelope) {
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be written as JSON: " + envelope.type(), e);
        }
    }

    /**
     * Reads an envelope. An event type this build does not know is returned empty, so that a consumer skips
     * events of types newer than itself; a known type in another schema version fails
     * ({@link UnsupportedSchemaVersionException}), so that it is parked rather than lost.
     *
     * @throws MalformedEventException when the bytes are not an envelope at all
     */
    public Optional<EventEnvelope<DomainEvent>> decode(String json) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON", e);
        }
        if (!(tree instanceof ObjectNode node) || !node.hasNonNull("id") || !node.hasNonNull("type")) {
            throw new MalformedEventException("not a CloudEvents envelope (id and type are required)", null);
        }
        Optional<EventDefinition> def = EventCatalog.byType(node.get("type").asText());
        if (def.isEmpty()) {
            return Optional.empty();
        }
        int version = node.path("schemaversion").asInt(1);
        if (version != def.get().schemaVersion()) {
            // a type this build reads, in a version it cannot: skipped, it was lost for good (a settlement fact, a
            // directory change); failed, it waits as a dead letter for a build that reads it
            throw new UnsupportedSchemaVersionException(
                    "event " + node.get("id").asText() + " is version " + version + " of "
                            + def.get().type() + "; this build reads version "
                            + def.get().schemaVersion());
        }
        try {
            DomainEvent data = mapper.treeToValue(node.get("data"), def.get().javaType());
            if (data == null) {
                throw new MalformedEventException("event " + node.get("id").asText() + " has no data", null);
            }
            return Optional.of(new EventEnvelope<>(
                    node.path("specversion").asText(EventEnvelope.SPEC_VERSION),
                    node.get("id").asText(),
                    node.path("source").asText(null),
                    node.get("type").asText(),
                    node.hasNonNull("time") ? Instant.parse(node.get("time").asText()) : null,
                    node.path("subject").asText(null),
                    node.path("datacontenttype").asText(null),
                    node.path("dataschema").asText(null),
                    def.get().schemaVersion(),
                    node.path("partitionkey").asText(null),
                    data));
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof MalformedEventException m) {
                throw m;
            }
            throw new MalformedEventException("event " + node.get("id").asText() + " has invalid data", e);
        }
    }

    /**
     * An event of a known type in a schema version this build does not read: failed like a poison message, so
     * that it is parked and replayed once a build reads it, not skipped.
     */
    public static final class UnsupportedSchemaVersionException extends MalformedEventException {
        public UnsupportedSchemaVersionException(String message) {
            super(message, null);
        }
    }

    /** An envelope that cannot be read at all: a poison message. */
    public static class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
