package io.pointmesh.events;

/**
 * A fact one service announces to the network. Every event belongs to exactly one aggregate
 * (a partner, a member, ...); its id is the Kafka record key, so one aggregate's events stay in
 * order on one partition.
 */
public interface DomainEvent {

    /** The id of the aggregate this event is about: the Kafka key and the CloudEvents {@code subject}. */
    String aggregateId();
}
