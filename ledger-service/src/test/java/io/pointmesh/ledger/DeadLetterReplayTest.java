package io.pointmesh.ledger;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.redeliver;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.member.CardIssued;
import io.pointmesh.events.member.CardReplaced;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberReinstated;
import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.platform.inbox.DeadLetters;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ledger's dead letters, end to end in the service: a member.events record the ledger gave up on is replayed by
 * an operator through the ledger's own member consumer (found from the service's channel configuration), once.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class DeadLetterReplayTest {

    @Inject
    DeadLetters deadLetters;

    @Test
    void aMemberJoinedTheLedgerGaveUpOnOpensTheAccountWhenReplayedOnce() {
        String memberId = UUID.randomUUID().toString();
        MemberJoined joined = new MemberJoined(
                memberId, LedgerFixture.card(memberId), "R" + memberId.substring(0, 6), null, 1990, "F", "Seoul");
        String json = TestEvents.encode(joined);
        deadLetters.park(TestEvents.deadLetter(
                TestEvents.topic("ledger-service.dead-letters"),
                TestEvents.topic("member.events"),
                memberId,
                json,
                "the ledger's database refused it"));
        List<Long> ids = given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("status", "PARKED")
                .queryParam("limit", 500)
                .get("/ledger/v1/dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { it.key == '" + memberId + "' }.id", Long.class);
        assertEquals(1, ids.size());
        long id = ids.get(0);
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/dead-letters/" + id)
                .then()
                .statusCode(200)
                .body("channel", equalTo("member-events"))
                .body("eventType", equalTo("member.joined"));
        // not applied while parked
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/accounts/" + memberId + "/balance")
                .then()
                .statusCode(404);
        // a partner may not replay the network's letters
        given().auth()
                .oauth2(TestTokens.partner("p-" + UUID.randomUUID()))
                .post("/ledger/v1/dead-letters/" + id + "/replay")
                .then()
                .statusCode(403);

        given().auth()
                .oauth2(TestTokens.operator())
                .post("/ledger/v1/dead-letters/" + id + "/replay")
                .then()
                .statusCode(200)
                .body("status", equalTo("REPLAYED"))
                .body("outcome", equalTo("APPLIED"));
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/accounts/" + memberId + "/balance")
                .then()
                .statusCode(200)
                .body("available", equalTo(0));

        // the original record arriving after all is a duplicate for the ledger's inbox: nothing happens twice
        try (KafkaTestClient kafka = kafka()) {
            redeliver(kafka, joined, json);
        }
        String marker = LedgerFixture.member();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/ledger/v1/accounts/" + marker + "/balance")
                        .then()
                        .statusCode(200));
        given().auth()
                .oauth2(TestTokens.operator())
                .post("/ledger/v1/dead-letters/" + id + "/replay")
                .then()
                .statusCode(200)
                .body("replayAttempts", equalTo(1));
    }

    /**
     * A member's events replayed late (a dead letter replayed after later events of the member were applied) do not
     * undo what happened since: an old reinstatement does not let a member suspended since earn, and an old consent
     * does not come back over a newer one.
     */
    @Test
    void aLateReinstatementDoesNotUndoALaterSuspension() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        java.time.Instant now = java.time.Instant.now();
        try (KafkaTestClient kafka = kafka()) {
            TestEvents.publishAt(kafka, new MemberSuspended(member, "op", "fraud check"), now);
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> LedgerFixture.earn(partner, member, "1000")
                        .statusCode(422)
                        .body("code", equalTo("member-not-active")));
        String late;
        try (KafkaTestClient kafka = kafka()) {
            late = TestEvents.publishAt(kafka, new MemberReinstated(member, "op", "cleared"), now.minusSeconds(30));
        }
        String lateId = io.pointmesh.testing.TestEvents.eventId(late);
        // the ledger's inbox took it (applied as far as the rule lets it)
        await().atMost(Duration.ofSeconds(30)).until(() -> claimed(lateId));
        LedgerFixture.earn(partner, member, "1000").statusCode(422).body("code", equalTo("member-not-active"));
    }

    /**
     * A card's issue the ledger gave up on, replayed after the card was replaced (the replacement applied live, when
     * the ledger did not know the card yet): the lost card stays blocked. Before, the replacement's block found no
     * row, and the replayed issue made the lost card work again.
     */
    @Test
    void aCardIssueReplayedAfterTheCardWasReplacedLeavesTheLostCardBlocked() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String lost = "lost-" + UUID.randomUUID();
        String replacement = "new-" + UUID.randomUUID();
        long letter = park(member, new CardIssued(member, lost));
        try (KafkaTestClient kafka = kafka()) {
            TestEvents.publish(kafka, new CardReplaced(member, lost, replacement));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "ACTIVE".equals(cardStatus(replacement)));
        assertEquals("BLOCKED", cardStatus(lost), "a card replaced before its issue arrived is recorded blocked");

        replay(letter);
        assertEquals("BLOCKED", cardStatus(lost));
        assertEquals("ACTIVE", cardStatus(replacement));
        earnByCard(partner, lost).statusCode(422).body("code", equalTo("card-blocked"));
        earnByCard(partner, replacement).statusCode(201);
    }

    /**
     * A replacement A to B the ledger gave up on, replayed after a later replacement B to C was applied: B was
     * replaced since and stays blocked (the later replacement left it as a tombstone); only C works.
     */
    @Test
    void aCardReplacementReplayedAfterALaterReplacementDoesNotReactivateItsCard() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String first = LedgerFixture.card(member);
        String second = "second-" + UUID.randomUUID();
        String third = "third-" + UUID.randomUUID();
        long letter = park(member, new CardReplaced(member, first, second));
        try (KafkaTestClient kafka = kafka()) {
            TestEvents.publish(kafka, new CardReplaced(member, second, third));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "ACTIVE".equals(cardStatus(third)));

        replay(letter);
        assertEquals("BLOCKED", cardStatus(first));
        assertEquals("BLOCKED", cardStatus(second));
        assertEquals("ACTIVE", cardStatus(third));
        earnByCard(partner, second).statusCode(422).body("code", equalTo("card-blocked"));
        earnByCard(partner, third).statusCode(201);
    }

    /** Parks a member.events record the ledger gave up on; answers the letter's id. */
    private long park(String member, io.pointmesh.events.DomainEvent event) {
        deadLetters.park(TestEvents.deadLetter(
                TestEvents.topic("ledger-service.dead-letters"),
                TestEvents.topic("member.events"),
                member,
                TestEvents.encode(event),
                "the ledger's database refused it"));
        List<Long> ids = given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("status", "PARKED")
                .queryParam("limit", 500)
                .get("/ledger/v1/dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { it.key == '" + member + "' }.id", Long.class);
        assertEquals(1, ids.size());
        return ids.get(0);
    }

    private static void replay(long letter) {
        given().auth()
                .oauth2(TestTokens.operator())
                .post("/ledger/v1/dead-letters/" + letter + "/replay")
                .then()
                .statusCode(200)
                .body("status", equalTo("REPLAYED"))
                .body("outcome", equalTo("APPLIED"));
    }

    private static io.restassured.response.ValidatableResponse earnByCard(String partner, String card) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(java.util.Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "cardNumber",
                        card,
                        "storeCode",
                        LedgerFixture.STORE,
                        "amount",
                        new java.math.BigDecimal("1000"),
                        "currency",
                        "KRW",
                        "occurredAt",
                        java.time.Instant.now().minusSeconds(60).toString()))
                .post("/ledger/v1/earnings")
                .then();
    }

    private String cardStatus(String card) throws java.sql.SQLException {
        try (var c = dataSource.getConnection();
                var q = c.prepareStatement("SELECT status FROM card WHERE card_number = ?")) {
            q.setString(1, card);
            try (var r = q.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    @Inject
    javax.sql.DataSource dataSource;

    private boolean claimed(String eventId) throws java.sql.SQLException {
        try (var c = dataSource.getConnection();
                var q = c.prepareStatement("SELECT 1 FROM processed_event WHERE event_id = ?")) {
            q.setString(1, eventId);
            try (var r = q.executeQuery()) {
                return r.next();
            }
        }
    }
}
