package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publishAt;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.member.CardIssued;
import io.pointmesh.events.member.CardReplaced;
import io.pointmesh.events.member.ConsentChanged;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberLeft;
import io.pointmesh.events.member.MemberProfileChanged;
import io.pointmesh.events.member.MemberReinstated;
import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A member's events applied late (an operator replaying a dead letter after newer events of the member were applied)
 * do not undo what happened since: a withdrawn consent stays withdrawn, a newer suspension stands, and a member who
 * left gets neither consent nor demographics back (docs/events.md, "Dead letters"; docs/privacy.md).
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LateMemberEventsTest {

    @jakarta.inject.Inject
    io.pointmesh.platform.inbox.DeadLetters deadLetters;

    @jakarta.inject.Inject
    io.pointmesh.events.EventCodec codec;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "pointmesh.kafka.topic-prefix")
    String prefix;

    /**
     * A member who left is forgotten: the member events this service gave up on about them (demographics, a card
     * number) lose their payloads when it applies the leave; their own member.left, and other members', stay (D5).
     */
    @Test
    void theDeadLettersOfAMemberWhoLeftLoseTheirPayloads() throws Exception {
        String gone = "late-" + UUID.randomUUID();
        String stays = "late-" + UUID.randomUUID();
        Instant now = Instant.now();
        for (String m : List.of(gone, stays)) {
            String profile = codec.encode(codec.wrap(new MemberProfileChanged(m, 1985, "F", "Seoul"), now));
            deadLetters.park(TestEvents.deadLetter(
                    prefix + "analytics-service.dead-letters",
                    prefix + "member.events",
                    m,
                    profile,
                    "a test's failure"));
        }
        String left = codec.encode(codec.wrap(new MemberLeft(gone), now));
        deadLetters.park(TestEvents.deadLetter(
                prefix + "analytics-service.dead-letters", prefix + "member.events", gone, left, "a test's failure"));
        assertEquals(
                3,
                count("SELECT count(*) FROM dead_letter WHERE event_key IN ('" + gone + "', '" + stays
                        + "') AND channel = 'member-events' AND erased_at IS NULL"));
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, new MemberJoined(gone, "card-" + gone, "R" + gone, null, 1985, "F", "Seoul"), now);
            applied(publishAt(kafka, new MemberLeft(gone), now.plusSeconds(1)));
        }
        assertEquals(
                1,
                count(
                        "SELECT count(*) FROM dead_letter WHERE event_key = '" + gone
                                + "' AND event_type = 'member.profile-changed' AND erased_at IS NOT NULL AND length(payload) = 0"));
        assertEquals(
                1,
                count("SELECT count(*) FROM dead_letter WHERE event_key = '" + gone
                        + "' AND event_type = 'member.left' AND erased_at IS NULL AND length(payload) > 0"));
        assertEquals(
                1,
                count("SELECT count(*) FROM dead_letter WHERE event_key = '" + stays
                        + "' AND erased_at IS NULL AND position('1985' in convert_from(payload, 'UTF8')) > 0"));
    }

    /**
     * A card blocked since is never made active by a late event (a dead letter replayed after the replacement): a
     * card's issue arriving after its replacement, or a replacement A to B arriving after B to C. Before, the block of
     * a card not known yet changed nothing, and the late issue made the lost card active (offers at the POS).
     */
    @Test
    void aLateCardEventDoesNotReactivateACardReplacedSince() throws Exception {
        String m = "late-" + UUID.randomUUID();
        String first = "card-" + m;
        String lost = "lost-" + m;
        String second = "second-" + m;
        String third = "third-" + m;
        Instant now = Instant.now();
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, new MemberJoined(m, first, "R" + m, null, null, null, null), now.minusSeconds(300));
            // the issue of "lost" was parked; its replacement by "second" applied first, the issue replayed after
            applied(publishAt(kafka, new CardReplaced(m, lost, second), now.minusSeconds(200)));
            assertEquals(1, cards(lost, "NOT active"), "a card replaced before its issue arrived is kept inactive");
            applied(publishAt(kafka, new CardIssued(m, lost), now.minusSeconds(250)));
            assertEquals(1, cards(lost, "NOT active"));
            // "second" replaced by "third"; then a parked replacement of "first" by "second" replayed
            applied(publishAt(kafka, new CardReplaced(m, second, third), now.minusSeconds(100)));
            applied(publishAt(kafka, new CardReplaced(m, first, second), now.minusSeconds(150)));
        }
        assertEquals(1, cards(first, "NOT active"));
        assertEquals(1, cards(second, "NOT active"));
        assertEquals(1, cards(third, "active"));
    }

    private static long cards(String card, String condition) throws Exception {
        return count("SELECT count(*) FROM card_dim WHERE card_number = '" + card + "' AND " + condition);
    }

    private static ConsentChanged consent(String member, boolean personalization) {
        return new ConsentChanged(
                member, personalization, personalization, personalization, personalization, personalization, List.of());
    }

    private static void applied(String recordValue) {
        String id = TestEvents.eventId(recordValue);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM processed_event WHERE event_id = '" + id + "'") == 1);
    }

    private static long rows(String member, String condition) throws Exception {
        return count("SELECT count(*) FROM member_dim WHERE member_id = '" + member + "' AND " + condition);
    }

    @Test
    void aLateConsentOrProfileDoesNotUndoAWithdrawalNorALeave() throws Exception {
        String withdrawn = "late-" + UUID.randomUUID();
        String gone = "late-" + UUID.randomUUID();
        Instant now = Instant.now();
        try (KafkaTestClient kafka = kafka()) {
            for (String m : List.of(withdrawn, gone)) {
                publishAt(
                        kafka,
                        new MemberJoined(m, "card-" + m, "R" + m, null, null, null, null),
                        now.minusSeconds(300));
                publishAt(kafka, consent(m, true), now.minusSeconds(240));
                applied(publishAt(kafka, new MemberProfileChanged(m, 1985, "F", "Seoul"), now.minusSeconds(200)));
            }
            assertEquals(1, rows(withdrawn, "personalization AND birth_year = 1985"));

            // withdrawn at now - 60 s; the grant of now - 120 s, replayed late, does not turn it back on
            applied(publishAt(kafka, consent(withdrawn, false), now.minusSeconds(60)));
            applied(publishAt(kafka, consent(withdrawn, true), now.minusSeconds(120)));
            assertEquals(
                    1, rows(withdrawn, "NOT personalization AND NOT share_with_all_partners AND birth_year IS NULL"));
            // nor does a profile from before the withdrawal bring the demographics back
            applied(publishAt(kafka, new MemberProfileChanged(withdrawn, 1985, "F", "Seoul"), now.minusSeconds(90)));
            assertEquals(1, rows(withdrawn, "birth_year IS NULL AND gender IS NULL AND region IS NULL"));

            // left for good: a consent and a profile replayed afterwards (whatever their time) change nothing
            applied(publishAt(kafka, new MemberLeft(gone), now.minusSeconds(30)));
            applied(publishAt(kafka, consent(gone, true), now.minusSeconds(10)));
            applied(publishAt(kafka, new MemberProfileChanged(gone, 1985, "F", "Seoul"), now.minusSeconds(5)));
            assertEquals(
                    1,
                    rows(
                            gone,
                            "status = 'LEFT' AND NOT personalization AND NOT marketing_sms AND birth_year IS NULL "
                                    + "AND gender IS NULL AND region IS NULL"));

            // suspended at now - 20 s; a reinstatement of now - 50 s, replayed late, does not lift it
            applied(publishAt(kafka, new MemberSuspended(withdrawn, "op", "fraud check"), now.minusSeconds(20)));
            applied(publishAt(kafka, new MemberReinstated(withdrawn, "op", "cleared"), now.minusSeconds(50)));
            assertEquals(1, rows(withdrawn, "status = 'SUSPENDED'"));
            applied(publishAt(kafka, new MemberReinstated(withdrawn, "op", "cleared"), now.minusSeconds(1)));
            assertEquals(1, rows(withdrawn, "status = 'ACTIVE'"));
        }
    }
}
