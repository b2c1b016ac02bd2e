package io.pointmesh.analytics.messaging;

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
import io.pointmesh.platform.sql.Sql;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The member dimension from member.events. Demographics are kept only while the member allows
 * personalization (they arrive with {@code member.profile-changed} when it is given, and are
 * dropped when it is withdrawn); a member who leaves keeps only the bare id in the facts.
 */
@ApplicationScoped
public class MemberEventsConsumer {

    static final String CONSUMER = "analytics.member-dimension";

    @Inject
    EventInbox inbox;

    @Incoming("member-events")
    @Blocking
    public void onEvent(String json) {
        inbox.consumeWithJdbc(CONSUMER, json, this::apply);
    }

    private static void card(Connection c, String memberId, String cardNumber) throws SQLException {
        if (cardNumber != null) {
            Sql.update(c, "INSERT INTO card_dim (card_number, member_id, active) VALUES (?, ?, true) ON CONFLICT DO NOTHING", cardNumber, memberId);
        }
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof MemberJoined j) {
            Sql.update(c, "INSERT INTO member_dim (member_id, joined_at) VALUES (?, ?) ON CONFLICT DO NOTHING", j.memberId(), event.time());
            card(c, j.memberId(), j.cardNumber());
        } else if (data instanceof CardIssued i) {
            card(c, i.memberId(), i.cardNumber());
        } else if (data instanceof CardReplaced r) {
            Sql.update(c, "UPDATE card_dim SET active = false WHERE card_number = ?", r.blockedCardNumber());
            card(c, r.memberId(), r.cardNumber());
        } else if (data instanceof ConsentChanged k) {
            Sql.update(c, "UPDATE member_dim SET personalization = ?, marketing_sms = ?, marketing_email = ?, marketing_push = ?, "
                            + "birth_year = CASE WHEN ? THEN birth_year END, gender = CASE WHEN ? THEN gender END, "
                            + "region = CASE WHEN ? THEN region END WHERE member_id = ?", k.personalization(), k.marketingSms(),
                    k.marketingEmail(), k.marketingPush(), k.personalization(), k.personalization(), k.personalization(), k.memberId());
        } else if (data instanceof MemberProfileChanged p) {
            Sql.update(c, "UPDATE member_dim SET birth_year = ?, gender = ?, region = ? WHERE member_id = ? AND personalization",
                    p.birthYear(), p.gender(), p.region(), p.memberId());
        } else if (data instanceof MemberSuspended s) {
            Sql.update(c, "UPDATE member_dim SET status = 'SUSPENDED' WHERE member_id = ? AND status = 'ACTIVE'", s.memberId());
        } else if (data instanceof MemberReinstated r) {
            Sql.update(c, "UPDATE member_dim SET status = 'ACTIVE' WHERE member_id = ? AND status = 'SUSPENDED'", r.memberId());
        } else if (data instanceof MemberLeft l) {
            Sql.update(c, "UPDATE card_dim SET active = false WHERE member_id = ?", l.memberId());
            Sql.update(c, "UPDATE member_dim SET status = 'LEFT', personalization = false, marketing_sms = false, marketing_email = false, "
                    + "marketing_push = false, birth_year = NULL, gender = NULL, region = NULL WHERE member_id = ?", l.memberId());
        }
    }
}
