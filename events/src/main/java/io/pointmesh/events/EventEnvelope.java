package io.pointmesh.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode: the exact bytes on every Kafka record.
 *
 * @param specversion     always {@code 1.0}
 * @param id              unique per event; consumers deduplicate on it
 * @param source          the publishing service, e.g. {@code /pointmesh/ledger-service}
 * @param type            the event type from {@link EventCatalog}
 * @param time            when the fact happened
 * @param subject         the aggregate id (also the Kafka key)
 * @param datacontenttype always {@code application/json}
 * @param dataschema      the schema URN, see {@link EventDefinition#dataSchema()}
 * @param schemaversion   extension attribute: the data's schema version
 * @param partitionkey    extension attribute (CloudEvents partitioning): the Kafka key
 * @param data            the event record
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope<T extends DomainEvent>(
        String specversion,
        String id,
        String source,
        String type,
        Instant time,
        String subject,
        String datacontenttype,
        String dataschema,
        int schemaversion,
        String partitionkey,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";
}
