package io.pointmesh.analytics.messaging;

import io.pointmesh.analytics.repository.MemberDimensionRepository;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.member.CardIssued;
import io.pointmesh.events.member.CardReplaced;
import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberLeft;
import io.pointmesh.events.member.MemberProfileChanged;
import io.pointmesh.events.member.MemberReinstated;
import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The member dimension from member.events. Demographics are kept only while the member allows
 * personalization (they arrive with {@code member.profile-changed} when it is given, and are
 * dropped when it is withdrawn); a member who leaves keeps only the bare id in the facts.
 */
@ApplicationScoped
public class MemberEventsConsumer implements Replayable {

    static final String CONSUMER = "analytics.member-dimension";

    @Inject
    io.pointmesh.platform.inbox.DeadLetters deadLetters;

    @Inject
    EventInbox inbox;

    @Inject
    MemberDimensionRepository members;

    @Incoming("member-events")
    @Blocking
    public CompletionStage<Void> onEvent(Message<String> record) {
        return inbox.consumeRecordWithJdbc(CONSUMER, record, this::apply);
    }

    private void card(Connection c, String memberId, String cardNumber) throws SQLException {
        if (cardNumber != null) {
            members.addCard(c, memberId, cardNumber);
        }
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof MemberJoined j) {
            members.join(c, j.memberId(), event.time());
            card(c, j.memberId(), j.cardNumber());
        } else if (data instanceof CardIssued i) {
            card(c, i.memberId(), i.cardNumber());
        } else if (data instanceof CardReplaced r) {
            // a tombstone when its issue has not arrived; a replacement blocked since stays inactive
            if (r.blockedCardNumber() != null) {
                members.blockCard(c, r.blockedCardNumber(), r.memberId());
            }
            card(c, r.memberId(), r.cardNumber());
        } else if (data instanceof ConsentChanged k) {
            members.changeConsent(
                    c,
                    k.memberId(),
                    k.personalization(),
                    k.marketingSms(),
                    k.marketingEmail(),
                    k.marketingPush(),
                    k.shareWithAllPartners(),
                    k.sharedPartnerIds(),
                    event.time());
        } else if (data instanceof MemberProfileChanged p) {
            members.changeProfile(c, p.memberId(), p.birthYear(), p.gender(), p.region(), event.time());
        } else if (data instanceof MemberSuspended s) {
            members.suspend(c, s.memberId(), event.time());
        } else if (data instanceof MemberReinstated r) {
            members.reinstate(c, r.memberId(), event.time());
        } else if (data instanceof MemberLeft l) {
            members.leave(c, l.memberId(), event.time());
            // what this service's consumers gave up on about them carries their demographics and cards (D5)
            deadLetters.eraseLeftMember(c, "member-events", l.memberId());
        }
    }

    @Override
    public Set<String> channels() {
        return Set.of("member-events");
    }

    @Override
    public String consumer(String channel) {
        return CONSUMER;
    }

    /** A dead letter of the channel, replayed by an operator: the same path as {@link #onEvent}. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return inbox.replayWithJdbc(CONSUMER, json, this::apply);
    }
}
