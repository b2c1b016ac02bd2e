package io.pointmesh.ledger.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.SegmentChanged;
import io.pointmesh.events.member.CardIssued;
import io.pointmesh.events.member.CardReplaced;
import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberLeft;
import io.pointmesh.events.member.MemberReinstated;
import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.ledger.repository.MemberDirectoryRepository;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.ledger.service.SpendingAuthorization;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.inbox.Replayable;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Members, cards and member status from member.events, grades and segments from analytics.events:
 * opens each member's account, and forfeits a departing member's points to breakage.
 */
@ApplicationScoped
public class MemberEventsConsumer implements Replayable {

    static final String MEMBERS = "ledger.member-directory";
    static final String ANALYTICS = "ledger.member-grades";

    @Inject
    io.pointmesh.platform.inbox.DeadLetters deadLetters;

    @Inject
    EventInbox inbox;

    @Inject
    MemberDirectoryRepository directory;

    @Inject
    Ledger ledger;

    @Inject
    SpendingAuthorization spending;

    @Inject
    io.pointmesh.ledger.repository.RewardRepository rewardOrders;

    @Incoming("member-events")
    @Blocking
    public CompletionStage<Void> onMemberEvent(Message<String> record) {
        return inbox.consumeRecordWithJdbc(MEMBERS, record, this::apply);
    }

    @Incoming("analytics-events")
    @Blocking
    public CompletionStage<Void> onAnalyticsEvent(Message<String> record) {
        return inbox.consumeRecordWithJdbc(ANALYTICS, record, this::apply);
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof MemberJoined j) {
            directory.addMember(c, j.memberId(), j.referredByMemberId(), event.time());
            ledger.openMemberAccount(c, j.memberId());
            issue(c, j.memberId(), j.cardNumber());
        } else if (data instanceof CardIssued i) {
            issue(c, i.memberId(), i.cardNumber());
        } else if (data instanceof CardReplaced r) {
            // blocked even if its issue has not arrived (a tombstone); a replacement blocked since (a later
            // replacement applied before this one, replayed late) stays blocked
            if (r.blockedCardNumber() != null) {
                directory.blockCard(c, r.blockedCardNumber(), r.memberId());
            }
            issue(c, r.memberId(), r.cardNumber());
        } else if (data instanceof MemberSuspended s) {
            directory.suspend(c, s.memberId(), event.time());
        } else if (data instanceof MemberReinstated r) {
            directory.reinstate(c, r.memberId(), event.time());
        } else if (data instanceof MemberLeft l) {
            // The entries stay under the (anonymous) member id; the remaining points go to breakage.
            directory.markLeft(c, l.memberId(), event.time());
            directory.blockCards(c, l.memberId());
            ledger.forfeit(c, l.memberId());
            spending.forget(c, l.memberId());
            rewardOrders.eraseShippingAddresses(c, l.memberId());
            // what this service's consumers gave up on about them carries their demographics and cards (D5)
            deadLetters.eraseLeftMember(c, "member-events", l.memberId());
        } else if (data instanceof ConsentChanged k) {
            directory.setConsent(
                    c, k.memberId(), k.personalization(), k.shareWithAllPartners(), k.sharedPartnerIds(), event.time());
        } else if (data instanceof GradeChanged g) {
            directory.setGrade(c, g.memberId(), g.grade().name(), g.asOf());
            if (g.asOf() != null) {
                directory.recordStanding(
                        c,
                        g.memberId(),
                        "GRADE",
                        g.asOf(),
                        g.grade().name(),
                        g.previousGrade() == null ? null : g.previousGrade().name());
            }
        } else if (data instanceof SegmentChanged s) {
            directory.setSegment(c, s.memberId(), s.segment().name(), s.asOf());
            if (s.asOf() != null) {
                directory.recordStanding(
                        c,
                        s.memberId(),
                        "SEGMENT",
                        s.asOf(),
                        s.segment().name(),
                        s.previousSegment() == null ? null : s.previousSegment().name());
            }
        }
    }

    private void issue(Connection c, String memberId, String cardNumber) throws SQLException {
        if (cardNumber != null) {
            directory.issueCard(c, cardNumber, memberId);
        }
    }

    @Override
    public Set<String> channels() {
        return Set.of("member-events", "analytics-events");
    }

    @Override
    public String consumer(String channel) {
        return channel.equals("member-events") ? MEMBERS : ANALYTICS;
    }

    /** A dead letter of either channel, replayed by an operator: the same path as the channel's own records. */
    @Override
    public Uni<EventInbox.Outcome> replay(String channel, String json) {
        return inbox.replayWithJdbc(consumer(channel), json, this::apply);
    }
}
