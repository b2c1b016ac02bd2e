package io.pointmesh.events;

/**
 * What the catalogue knows of one event type.
 *
 * @param type          the CloudEvents {@code type}, e.g. {@code partner.registered}
 * @param schemaVersion incremented on any incompatible change of the record; consumers read the
 *                      versions they know and skip the rest
 * @param topic         the owning service's topic
 * @param javaType      the record carried as the CloudEvents {@code data}
 */
public record EventDefinition(String type, int schemaVersion, Topic topic, Class<? extends DomainEvent> javaType) {

    /** A URN naming the exact schema, carried as the CloudEvents {@code dataschema}. */
    public String dataSchema() {
        return "urn:pointmesh:event:" + type + ":v" + schemaVersion;
    }
}
