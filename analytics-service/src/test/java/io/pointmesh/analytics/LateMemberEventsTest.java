package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.count;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publishAt;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
