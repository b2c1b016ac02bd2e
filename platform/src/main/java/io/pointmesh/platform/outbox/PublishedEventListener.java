package io.pointmesh.platform.outbox;

/**
 * Told of each event the outbox relay published, after Kafka acknowledged it and its row was
 * marked published: a service's business metrics count what it announced, so a rolled-back posting
 * is never counted (an event is in the outbox only if its transaction committed).
 *
 * <p>Called on a worker thread, never on the event loop (a listener may read its own database),
 * and at least once per event: a relay that crashed between sending and marking sends the batch
 * again, and listeners hear of it again. Good enough for metrics, which is all it is for.
 */
public interface PublishedEventListener {

    void published(String eventType, String payload);
}
