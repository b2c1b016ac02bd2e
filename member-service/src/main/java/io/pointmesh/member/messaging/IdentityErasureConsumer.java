package io.pointmesh.member.messaging;

import io.pointmesh.events.member.MemberLeft;
import io.pointmesh.member.service.IdentityAccounts;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * A member who left loses their identity account too (where their name and e-mail also live).
 * Driven by member-service's own {@code member.left} event: a Keycloak outage is retried for about
 * 50 s (12 s here in each of the inbox's attempts, reported as {@link EventInbox.ExternalFailure}: the
 * inbox waits without end only for its own database, never with the partition held for another
 * service), then the event goes to the dead-letter topic for an operator to replay.
 */
@ApplicationScoped
public class IdentityErasureConsumer implements Replayable {

    static final String CONSUMER = "member.identity-erasure";

    @Inject
    EventInbox inbox;

    @Inject
    IdentityAccounts accounts;

    @Incoming("member-events")
    public Uni<Void> onEvent(String json) {
        return erase(json).replaceWithVoid();
    }

    @Override
    public Set<String> channels() {
        return Set.of("member-events");
    }

    @Override
    public String consumer(String channel) {
        return CONSUMER;
    }

    /** A dead letter of the channel (the identity provider was away too long), replayed by an operator. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return erase(json);
    }

    private Uni<EventInbox.Outcome> erase(String json) {
        return inbox.consume(
                CONSUMER,
                json,
                event -> event.data() instanceof MemberLeft left
                        ? accounts.delete(left.memberId())
                                // up to 12 s here, in each of the inbox's 4 attempts: about 50 s in all,
                                // within the channel's 60 s max-age, before the dead-letter topic
                                .onFailure()
                                .retry()
                                .withBackOff(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(4))
                                .expireIn(12_000)
                                .onFailure()
                                .transform(e ->
                                        new EventInbox.ExternalFailure("erasing the identity account failed: " + e))
                        : Uni.createFrom().voidItem());
    }
}
