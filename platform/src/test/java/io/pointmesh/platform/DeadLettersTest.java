package io.pointmesh.platform;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.*;

import io.pointmesh.events.EventCodec;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.platform.inbox.DeadLetters;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.OnVertx;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Dead letters through the real broker and database: a record a consumer gave up on is kept, seen by operators
 * only, replayed through its channel at most once (after its cause is fixed, by two operators at once, again and
 * again) or discarded with a reason, and never both (docs/events.md, "Dead letters").
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class DeadLettersTest {

    private static final String PATH = "/platform/v1/dead-letters";

    @Inject
    EventCodec codec;

    @Inject
    Pool pool;

    @Inject
    DeadLetters deadLetters;

    @Inject
    io.pointmesh.platform.sql.Transactions transactions;

    @ConfigProperty(name = "pointmesh.kafka.topic-prefix")
    String prefix;

    @ConfigProperty(name = "pointmesh.kafka.bootstrap")
    String bootstrap;

    @Test
    void aRecordTheConsumerGaveUpOnIsKeptAndAppliedOnceWhenReplayedAfterItsCauseIsFixed() {
        String partnerId = "dl-" + UUID.randomUUID();
        sql("INSERT INTO test_refused_partner VALUES ($1)", partnerId);
        String json = event(partnerId);
        String eventId = codec.decode(json).orElseThrow().id();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", partnerId, json);
        }

        long id = awaitParked(eventId);
        JsonPath letter = letter(id);
        assertEquals("PARKED", letter.getString("status"));
        assertEquals("partner-events", letter.getString("channel"));
        assertEquals(prefix + "partner.events", letter.getString("sourceTopic"));
        assertEquals(partnerId, letter.getString("key"));
        assertEquals("partner.registered", letter.getString("eventType"));
        assertEquals(json, letter.getString("payload"), "the record byte for byte");
        assertTrue(letter.getString("reason").contains("refused by the test"), letter.getString("reason"));
        assertEquals(0, effects(partnerId));

        // the cause is still there: the letter stays parked, with what happened
        replay(id)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("dead-letter-still-fails"))
                .body("detail", containsString("refused by the test"));
        letter = letter(id);
        assertEquals("PARKED", letter.getString("status"));
        assertEquals(1, letter.getInt("replayAttempts"));
        assertTrue(letter.getString("lastError").contains("refused by the test"));
        assertNull(letter.get("replayingSince"), "a failed replay gives the letter back");
        assertEquals(0, effects(partnerId));

        // fixed: the replay applies it, once
        sql("DELETE FROM test_refused_partner WHERE partner_id = $1", partnerId);
        replay(id)
                .statusCode(200)
                .body("status", equalTo("REPLAYED"))
                .body("outcome", equalTo("APPLIED"))
                .body("resolvedBy", notNullValue())
                .body("replayAttempts", equalTo(2));
        assertEquals(1, effects(partnerId));

        // an operator's retry, and the same record delivered again by Kafka, change nothing more
        replay(id).statusCode(200).body("status", equalTo("REPLAYED")).body("replayAttempts", equalTo(2));
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            String marker = "dl-marker-" + UUID.randomUUID();
            kafka.send(prefix + "partner.events", partnerId, json);
            kafka.send(prefix + "partner.events", partnerId, event(marker));
            await().atMost(Duration.ofSeconds(30)).until(() -> effects(marker) == 1);
        }
        assertEquals(1, effects(partnerId));

        // a replayed letter is not discarded afterwards, nor changed in the database (D2)
        discard(id, "changed my mind").statusCode(409).body("code", equalTo("dead-letter-replayed"));
        assertThrows(
                RuntimeException.class,
                () -> sql(
                        "UPDATE dead_letter SET status = 'PARKED', resolved_at = NULL, resolved_by = NULL, "
                                + "outcome = NULL WHERE id = $1",
                        id));
        assertEquals("REPLAYED", letter(id).getString("status"));
    }

    @Test
    void operatorsReplayingOneLetterAtOnceApplyItOnce() throws Exception {
        String partnerId = "dl-" + UUID.randomUUID();
        long id = parkDirectly(event(partnerId), partnerId);
        int operators = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < operators; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return replay(id).extract().statusCode();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        assertTrue(statuses.contains(200), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 409), statuses.toString());
        assertEquals(1, effects(partnerId), "applied once, whoever won");
        assertEquals("REPLAYED", letter(id).getString("status"));
        assertEquals("APPLIED", letter(id).getString("outcome"));
    }

    @Test
    void aDiscardedLetterIsNeverApplied() {
        String partnerId = "dl-" + UUID.randomUUID();
        long id = parkDirectly(event(partnerId), partnerId);

        discard(id, " ").statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .post(PATH + "/" + id + "/discard")
                .then()
                .statusCode(400);
        assertEquals("PARKED", letter(id).getString("status"), "a refused discard changes nothing");

        discard(id, "the partner re-sent it under a new id")
                .statusCode(200)
                .body("status", equalTo("DISCARDED"))
                .body("discardReason", equalTo("the partner re-sent it under a new id"))
                .body("resolvedBy", notNullValue())
                .body("outcome", nullValue());
        // discarded again (a retry): answered as it is
        discard(id, "again").statusCode(200).body("discardReason", equalTo("the partner re-sent it under a new id"));
        replay(id).statusCode(409).body("code", equalTo("dead-letter-discarded"));
        assertEquals(0, effects(partnerId));
    }

    /**
     * D5: a member who left is forgotten, so the letters keyed by their id lose their payloads, parked or resolved; an
     * erased letter is never replayed (there is nothing left to apply), only discarded, and nothing else of it changes.
     */
    @Test
    void lettersOfSomeoneWhoLeftLoseTheirPayloadsAndAreNeverReplayed() {
        String key = "dl-" + UUID.randomUUID();
        String other = "dl-" + UUID.randomUUID();
        long resolved = parkDirectly(event(key), key, 0);
        discard(resolved, "superseded").statusCode(200);
        long parked = parkDirectly(event(key), key, 1);
        long untouched = parkDirectly(event(other), other);

        // the types to keep are kept
        assertEquals(0, erase(key, Set.of("partner.registered")));
        assertTrue(letter(parked).getString("payload").contains(key));
        assertEquals(2, erase(key, Set.of()));
        for (long id : new long[] {resolved, parked}) {
            JsonPath letter = letter(id);
            assertEquals("", letter.getString("payload"));
            assertNotNull(letter.getString("erasedAt"));
        }
        JsonPath was = letter(resolved);
        assertEquals("DISCARDED", was.getString("status"));
        assertEquals("superseded", was.getString("discardReason"));
        assertTrue(letter(untouched).getString("payload").contains(other));
        assertEquals(0, erase(key, Set.of()));

        replay(parked).statusCode(409).body("code", equalTo("dead-letter-erased"));
        assertEquals("PARKED", letter(parked).getString("status"));
        // an erasure is for good, parked letters too
        assertThrows(
                RuntimeException.class,
                () -> sql("UPDATE dead_letter SET erased_at = NULL, payload = '\\x01'::bytea WHERE id = $1", parked));
        // a letter of the key collected after the erasure is kept without its payload
        long late = parkDirectly(event(key), key, 2);
        assertEquals("", letter(late).getString("payload"));
        assertNotNull(letter(late).getString("erasedAt"));
        replay(late).statusCode(409).body("code", equalTo("dead-letter-erased"));
        discard(parked, "the member left").statusCode(200).body("status", equalTo("DISCARDED"));
        assertEquals(0, effects(key));
        // D2 still holds for everything but the erasure
        assertThrows(
                RuntimeException.class,
                () -> sql("UPDATE dead_letter SET discard_reason = 'rewritten' WHERE id = $1", resolved));
        assertThrows(
                RuntimeException.class,
                () -> sql("UPDATE dead_letter SET payload = '\\x01'::bytea WHERE id = $1", resolved));
    }

    private int erase(String key, Set<String> keep) {
        Integer erased = transactions.run(c -> deadLetters.erase(c, "partner-events", key, keep));
        return erased;
    }

    /** D4: a discarded letter's event is never applied afterwards, not even by the original record delivered again. */
    @Test
    void aDiscardedEventIsNotAppliedByALaterRedelivery() {
        String partnerId = "dl-" + UUID.randomUUID();
        String json = event(partnerId);
        long id = parkDirectly(json, partnerId);
        discard(id, "superseded by a correction").statusCode(200).body("status", equalTo("DISCARDED"));
        String marker = "dl-marker-" + UUID.randomUUID();
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", partnerId, json);
            kafka.send(prefix + "partner.events", partnerId, event(marker));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> effects(marker) == 1);
        assertEquals(0, effects(partnerId), "the discarded event stays unapplied");
    }

    /**
     * One event parked twice (a relay that published it again, both failing): once one letter is discarded, the other
     * is discarded too when an operator replays or discards it, never reported as applied.
     */
    @Test
    void theSecondLetterOfADiscardedEventIsDiscardedNotReportedApplied() {
        String partnerId = "dl-" + UUID.randomUUID();
        String json = event(partnerId);
        long first = parkDirectly(json, partnerId);
        long second = parkDirectly(json, partnerId, 1);
        long third = parkDirectly(json, partnerId, 2);
        discard(first, "sent twice by mistake").statusCode(200);
        replay(second).statusCode(409).body("code", equalTo("dead-letter-discarded"));
        assertEquals("DISCARDED", letter(second).getString("status"));
        discard(third, "the same").statusCode(200).body("status", equalTo("DISCARDED"));
        assertEquals(0, effects(partnerId));
    }

    /** A letter whose event the channel applied meanwhile (a redelivery) cannot be discarded: it is recorded as done. */
    @Test
    void aLetterAppliedMeanwhileIsRecordedAsReplayedNotDiscarded() {
        String partnerId = "dl-" + UUID.randomUUID();
        String json = event(partnerId);
        long id = parkDirectly(json, partnerId);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", partnerId, json);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> effects(partnerId) == 1);
        discard(id, "not needed").statusCode(409).body("code", equalTo("dead-letter-applied"));
        JsonPath letter = letter(id);
        assertEquals("REPLAYED", letter.getString("status"));
        assertEquals("DUPLICATE", letter.getString("outcome"));
        assertEquals(1, effects(partnerId));
    }

    /** Events of one key are replayed in order: the older parked letter first (or discarded). */
    @Test
    void aLetterWaitsForTheOlderParkedLettersOfItsKey() {
        String partnerId = "dl-" + UUID.randomUUID();
        String first = event(partnerId);
        String second = event(partnerId);
        long older = parkDirectly(first, partnerId);
        long newer = parkDirectly(second, partnerId, 1);
        replay(newer)
                .statusCode(409)
                .body("code", equalTo("dead-letter-older-parked"))
                .body("detail", containsString(Long.toString(older)));
        assertEquals(0, effects(partnerId));
        replay(older).statusCode(200);
        replay(newer).statusCode(200);
        assertEquals(2, effects(partnerId));
    }

    /** A replay on a build that does not know the event's type applies nothing, so the letter stays parked. */
    @Test
    void aLetterOfAnUnknownTypeStaysParked() {
        String partnerId = "dl-" + UUID.randomUUID();
        String json = event(partnerId).replace("\"partner.registered\"", "\"partner.from-the-future\"");
        long id = parkDirectly(json, partnerId);
        replay(id).statusCode(409).body("code", equalTo("dead-letter-unknown-type"));
        JsonPath letter = letter(id);
        assertEquals("PARKED", letter.getString("status"));
        assertEquals(1, letter.getInt("replayAttempts"));
    }

    /**
     * A type the consumer reads, in a schema version this build does not: parked, not skipped (skipped, a newer
     * producer's settlement fact or directory change was acknowledged and lost for good), and a replay on this
     * build applies nothing and leaves it parked for one that reads it.
     */
    @Test
    void aKnownTypeInAnUnknownSchemaVersionIsParkedNotSkipped() {
        String partnerId = "dl-" + UUID.randomUUID();
        String newer = event(partnerId).replace("\"schemaversion\":1", "\"schemaversion\":2");
        org.junit.jupiter.api.Assertions.assertNotEquals(event(partnerId), newer);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", partnerId, newer);
        }
        long id = await().atMost(Duration.ofSeconds(60)).until(() -> parkedByKey(partnerId), found -> found != null);
        assertEquals(0L, effects(partnerId));
        replay(id).statusCode(409).body("code", equalTo("dead-letter-unknown-type"));
        assertEquals("PARKED", letter(id).getString("status"));
        assertEquals(0L, effects(partnerId));
    }

    @Test
    void aRecordThatIsNotAnEventIsKeptAsItCameAndCanOnlyBeDiscarded() {
        String key = "dl-" + UUID.randomUUID();
        String garbage = "not an event \u0000 at all " + key;
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            kafka.send(prefix + "partner.events", key, garbage);
        }
        long id = await().atMost(Duration.ofSeconds(60)).until(() -> parkedByKey(key), found -> found != null);
        JsonPath letter = letter(id);
        assertEquals(garbage, letter.getString("payload"));
        assertNull(letter.get("eventId"));
        replay(id).statusCode(409).body("code", equalTo("dead-letter-still-fails"));
        discard(id, "not an event").statusCode(200).body("status", equalTo("DISCARDED"));
    }

    @Test
    void aDeadLetterDeliveredTwiceIsKeptOnce() {
        String partnerId = "dl-" + UUID.randomUUID();
        ConsumerRecord<String, byte[]> record = deadLetter(partnerId, event(partnerId));
        deadLetters.park(record);
        deadLetters.park(record);
        assertEquals(1L, count("SELECT count(*) FROM dead_letter WHERE event_key = $1", partnerId));
    }

    @Test
    void onlyOperatorsSeeOrTouchDeadLetters() {
        String partnerId = "dl-" + UUID.randomUUID();
        long id = parkDirectly(event(partnerId), partnerId);
        given().get(PATH).then().statusCode(401);
        for (String token : List.of(
                TestTokens.partner(partnerId),
                TestTokens.partnerStaff(partnerId),
                TestTokens.member("m-" + UUID.randomUUID()),
                TestTokens.operatorRoleFromClient("partner-" + partnerId))) {
            given().auth().oauth2(token).get(PATH).then().statusCode(403);
            given().auth().oauth2(token).get(PATH + "/" + id).then().statusCode(403);
            given().auth()
                    .oauth2(token)
                    .post(PATH + "/" + id + "/replay")
                    .then()
                    .statusCode(403);
            given().auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("reason", "mine"))
                    .post(PATH + "/" + id + "/discard")
                    .then()
                    .statusCode(403);
        }
        assertEquals("PARKED", letter(id).getString("status"));
        assertEquals(0, effects(partnerId));

        given().auth()
                .oauth2(TestTokens.operator())
                .get(PATH + "/999999999")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.operator())
                .post(PATH + "/999999999/replay")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("status", "BOGUS")
                .get(PATH)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("limit", 0)
                .get(PATH)
                .then()
                .statusCode(400);
        // pages: the parked letter is found by walking them
        List<Long> seen = new ArrayList<>();
        Long after = 0L;
        while (after != null) {
            JsonPath page = given().auth()
                    .oauth2(TestTokens.operator())
                    .queryParam("status", "PARKED")
                    .queryParam("after", after)
                    .queryParam("limit", 2)
                    .get(PATH)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            seen.addAll(page.getList("items.id", Long.class));
            assertTrue(page.getList("items.status", String.class).stream().allMatch("PARKED"::equals));
            after = page.get("next") == null ? null : page.getLong("next");
        }
        assertTrue(seen.contains(id));
        assertEquals(seen.stream().sorted().toList(), seen, "oldest first");
        // what waits for an operator is counted (the PointmeshDeadLetters alert)
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        long gauge = metrics.lines()
                .filter(l -> l.startsWith("pointmesh_dead_letters_parked"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
        assertTrue(gauge >= 1, "parked letters counted: " + gauge);
    }

    private long awaitParked(String eventId) {
        return await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            List<Long> ids = given().auth()
                                    .oauth2(TestTokens.operator())
                                    .queryParam("status", "PARKED")
                                    .queryParam("limit", 500)
                                    .get(PATH)
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .jsonPath()
                                    .getList("items.findAll { it.eventId == '" + eventId + "' }.id", Long.class);
                            return ids.isEmpty() ? null : ids.get(0);
                        },
                        found -> found != null);
    }

    private Long parkedByKey(String key) {
        List<Long> ids = OnVertx.await(() -> pool.preparedQuery("SELECT id FROM dead_letter WHERE event_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> {
                    List<Long> found = new ArrayList<>();
                    rows.forEach(r -> found.add(r.getLong(0)));
                    return found;
                }));
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** A letter as the collector would have kept it, without waiting for the consumer's retries. */
    private long parkDirectly(String json, String key) {
        return parkDirectly(json, key, 0);
    }

    /** The {@code nth} letter (0 the first) of the key, kept as the collector would. */
    private long parkDirectly(String json, String key, int nth) {
        deadLetters.park(deadLetter(key, json));
        return OnVertx.await(() -> pool.preparedQuery("SELECT id FROM dead_letter WHERE event_key = $1 ORDER BY id")
                .execute(Tuple.of(key))
                .map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getLong(0)));
                    return ids.get(nth);
                }));
    }

    /** An operator replays the letter. */
    private static ValidatableResponse replay(long id) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .post(PATH + "/" + id + "/replay")
                .then();
    }

    /** An operator discards the letter, with the reason. */
    private static ValidatableResponse discard(long id, String reason) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("reason", reason))
                .post(PATH + "/" + id + "/discard")
                .then();
    }

    private ConsumerRecord<String, byte[]> deadLetter(String key, String json) {
        return TestEvents.deadLetter(
                prefix + "platform-service.dead-letters", prefix + "partner.events", key, json, "a test's failure");
    }

    private JsonPath letter(long id) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .get(PATH + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private String event(String partnerId) {
        return codec.encode(codec.wrap(new PartnerRegistered(partnerId, "A", "220-81-62517", "retail"), Instant.now()));
    }

    private long effects(String partnerId) {
        return count("SELECT count(*) FROM test_effect WHERE partner_id = $1", partnerId);
    }

    private long count(String query, Object param) {
        return OnVertx.await(() -> pool.preparedQuery(query)
                .execute(Tuple.of(param))
                .map(rows -> rows.iterator().next().getLong(0)));
    }

    private void sql(String statement, Object param) {
        OnVertx.await(
                () -> pool.preparedQuery(statement).execute(Tuple.of(param)).replaceWithVoid());
    }
}
