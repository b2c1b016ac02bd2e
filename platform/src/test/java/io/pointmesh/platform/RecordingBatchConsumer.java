package io.pointmesh.platform;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * A consumer in batches as a service writes one (EventInbox.consumeBatch), with an effect that is not
 * idempotent by itself; a partner named "fail" makes its effect fail every time.
 */
@ApplicationScoped
public class RecordingBatchConsumer {

    static final String CONSUMER = "platform-batch-test";
    /** The channel's consumer group (src/test/resources/application.properties). */
    static final String GROUP = "platform-batch-test";

    @Inject
    EventInbox inbox;

    @Incoming("partner-events-batch")
    public Uni<Void> onEvents(KafkaRecordBatch<String, String> batch) {
        return inbox.consumeBatch(CONSUMER, batch, () -> RecordingBatchConsumer::record, () -> {}, this::onEvent);
    }

    Uni<Void> onEvent(String json) {
        return inbox.consume(CONSUMER, json, RecordingBatchConsumer::record).replaceWithVoid();
    }

    static Uni<Void> record(EventEnvelope<DomainEvent> event) {
        if (event.data() instanceof PartnerRegistered registered) {
            if ("fail".equals(registered.legalName())) {
                return Uni.createFrom().failure(new IllegalStateException("this effect always fails"));
            }
            return Panache.getSession()
                    .chain(s -> s.createNativeQuery(
                                    "INSERT INTO test_batch_effect (event_id, partner_id) VALUES (:id, :partner)")
                            .setParameter("id", event.id())
                            .setParameter("partner", registered.partnerId())
                            .executeUpdate())
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
