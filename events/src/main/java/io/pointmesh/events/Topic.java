package io.pointmesh.events;

/** One topic per owning service; only the owner publishes to it. */
public enum Topic {
    PARTNER("partner.events", "/pointmesh/partner-service"),
    MEMBER("member.events", "/pointmesh/member-service"),
    LEDGER("ledger.events", "/pointmesh/ledger-service"),
    ANALYTICS("analytics.events", "/pointmesh/analytics-service");

    private final String topicName;
    private final String source;

    Topic(String topicName, String source) {
        this.topicName = topicName;
        this.source = source;
    }

    /** The Kafka topic name (before any deployment prefix). */
    public String topicName() {
        return topicName;
    }

    /** The CloudEvents {@code source} of every event on this topic. */
    public String source() {
        return source;
    }
}
