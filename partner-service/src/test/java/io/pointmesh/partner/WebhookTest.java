package io.pointmesh.partner;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.partner.WebhookReceiver.Received;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestClock;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partner webhooks against the real database and broker, delivering to a real HTTP receiver on
 * loopback: signatures checked by an independent implementation of Standard Webhooks, retries,
 * order per member, isolation between partners, exactly one delivery per event, rotation,
 * refused URLs, access, abandonment (the clock moved past the 24 h window) and replay.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class WebhookTest {

    static WebhookReceiver receiver;

    @Inject
    TestClock clock;

    @BeforeAll
    static void start() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    static String activePartner() {
        String id = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(id, "activation", "go").statusCode(200);
        return id;
    }

    static String webhooks(String partner) {
        return "/partners/v1/partners/" + partner + "/webhooks";
    }

    static ValidatableResponse create(String partner, String token, String url, List<String> events) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("url", url, "events", events))
                .post(webhooks(partner))
                .then();
    }

    /**
     * DNS rebinding: a delivery connects to the address its URL was checked at, never to a second lookup. The
     * host's name resolves (to the receiver) only in the check's resolver (TestWebhookResolver), so the
     * receiver hears from pointmesh only if the connection uses the checked address.
     */
    @Test
    void aDeliveryConnectsToTheAddressItsUrlWasCheckedAt() throws Exception {
        String host = "receiver" + TestWebhookResolver.DOMAIN;
        assertThrows(java.net.UnknownHostException.class, () -> java.net.InetAddress.getAllByName(host));
        String partner = activePartner();
        String path = "pinned-" + UUID.randomUUID();
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "url", receiver.url(path).replace("127.0.0.1", host), "events", List.of("partner.suspended")))
                .post(webhooks(partner))
                .then()
                .statusCode(201);
        PartnerLifecycleTest.transition(partner, "suspension", "pinned").statusCode(200);
        Received suspended = receiver.await(path, 1).get(0);
        assertEquals("partner.suspended", JsonPath.from(suspended.body()).getString("type"));
    }

    /** Registers a webhook to a fresh path of the receiver; answers {webhookId, secret, path}. */
    static Map<String, String> register(String partner, List<String> events) {
        String path = "hook-" + UUID.randomUUID();
        JsonPath created = create(partner, TestTokens.partner(partner), receiver.url(path), events)
                .statusCode(201)
                .body("secret", startsWith("whsec_"), "status", is("ENABLED"), "events", is(events))
                .extract()
                .jsonPath();
        return Map.of("webhookId", created.getString("webhookId"), "secret", created.getString("secret"), "path", path);
    }

    static ValidatableResponse get(String partner, String path) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .get(webhooks(partner) + path)
                .then();
    }

    static JsonPath deliveries(String partner, String webhookId) {
        return get(partner, "/" + webhookId + "/deliveries")
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** Standard Webhooks verification, written from the specification, independent of the service's code. */
    static boolean verifies(String secret, Received r) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = Base64.getEncoder()
                .encode(mac.doFinal((r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(r.timestamp())) > 300) {
            return false; // the spec's replay protection: a stale timestamp is refused
        }
        for (String signature : r.signature().split(" ")) {
            String[] parts = signature.split(",", 2);
            if (parts.length == 2
                    && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, parts[1].getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    static PointsEarned earn(KafkaTestClient kafka, String partner, String member) {
        PointsEarned e = SettlementTest.earned(partner, member, 100, 0);
        TestEvents.publish(kafka, e);
        return e;
    }

    static String earningId(Received r) {
        return JsonPath.from(r.body()).getString("data.earningId");
    }

    @Test
    void aDeliveryIsSignedRetriedUnderOneIdUntilDeliveredAndTheSecretIsNeverReadBack() throws Exception {
        String partner = activePartner();
        String other = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned", "points.reversed"));
        String path = hook.get("path");
        String secret = hook.get("secret");
        int keyBytes = Base64.getDecoder().decode(secret.substring("whsec_".length())).length;
        assertTrue(keyBytes >= 24 && keyBytes <= 32, "the secret is 24 to 32 random bytes, was " + keyBytes);
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(path, r -> calls.incrementAndGet() <= 2 ? 500 : 200);

        String member = UUID.randomUUID().toString();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        PointsEarned mine;
        try (KafkaTestClient kafka = kafka()) {
            // another partner's earning, and a redemption the webhook did not subscribe to, come first
            earn(kafka, other, member);
            TestEvents.publish(
                    kafka, new RedemptionCaptured(UUID.randomUUID().toString(), member, partner, "S1", 50, 0));
            mine = SettlementTest.earned(partner, member, 120, 0);
            kafka.send(
                    topic("ledger.events"),
                    member,
                    TestEvents.encode(mine),
                    Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        }
        List<Received> got = receiver.await(path, 3);
        assertEquals(3, got.size());
        assertEquals(
                List.of(500, 500, 200), got.stream().map(Received::answered).toList());
        assertEquals(1, got.stream().map(Received::id).distinct().count(), "one webhook-id across retries");
        for (Received r : got) {
            assertTrue(verifies(secret, r), "the signature verifies with the webhook's secret");
            assertFalse(verifies(WebhookSignature.newSecret(), r), "and not with another");
            assertEquals(mine.earningId(), earningId(r), "only the partner's own, subscribed event arrives");
        }
        JsonPath body = JsonPath.from(got.get(0).body());
        assertEquals("points.earned", body.getString("type"));
        assertNotEquals(null, body.getString("timestamp"));
        assertEquals(member, body.getString("data.memberId"));
        assertEquals(mine.partnerTxId(), body.getString("data.partnerTxId"));
        assertEquals(120, body.getInt("data.points"));
        assertFalse(got.get(0).body().contains("gradeMultiplier"), "nothing that tells the member's grade");
        assertTrue(got.get(0).traceparent().startsWith("00-" + traceId + "-"), "the event's trace continues");

        String webhookId = hook.get("webhookId");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> get(partner, "/" + webhookId + "/deliveries")
                        .statusCode(200)
                        .body(
                                "total",
                                is(1),
                                "items[0].status",
                                is("DELIVERED"),
                                "items[0].attempts",
                                is(3),
                                "items[0].lastHttpStatus",
                                is(200),
                                "items[0].eventType",
                                is("points.earned"),
                                "items[0].deliveryId",
                                is(got.get(0).id())));
        for (String read : List.of("", "/" + webhookId, "/" + webhookId + "/deliveries")) {
            String answer = get(partner, read).statusCode(200).extract().asString();
            assertFalse(answer.contains(secret.substring(6)), "GET " + read + " never shows the secret");
            assertFalse(answer.contains("\"secret\""), "GET " + read + " has no secret field");
        }
        get(partner, "").body("$", hasSize(1), "[0].webhookId", is(webhookId));
        String metrics = given().get("/q/metrics").then().extract().asString();
        for (String outcome : List.of("delivered", "failed", "abandoned")) {
            assertTrue(
                    metrics.contains("pointmesh_webhook_deliveries_total{outcome=\"" + outcome + "\"}"),
                    "the " + outcome + " counter is exposed");
        }
    }

    @Test
    void aMembersLaterDeliveryWaitsWhileTheEarlierIsRetriedOthersDoNot() {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String path = hook.get("path");
        String member = UUID.randomUUID().toString();
        PointsEarned first;
        PointsEarned second;
        PointsEarned someoneElse;
        AtomicInteger firstCalls = new AtomicInteger();
        try (KafkaTestClient kafka = kafka()) {
            first = SettlementTest.earned(partner, member, 10, 0);
            receiver.answer(
                    path, r -> earningId(r).equals(first.earningId()) && firstCalls.incrementAndGet() <= 3 ? 503 : 200);
            TestEvents.publish(kafka, first);
            second = earn(kafka, partner, member);
            someoneElse = earn(kafka, partner, UUID.randomUUID().toString());
        }
        receiver.await(path, 6);
        List<String> order = receiver.at(path).stream()
                .filter(r -> !earningId(r).equals(someoneElse.earningId()))
                .map(WebhookTest::earningId)
                .toList();
        assertEquals(
                List.of(first.earningId(), first.earningId(), first.earningId(), first.earningId(), second.earningId()),
                order,
                "the member's second earning goes out only after the first succeeded");
        List<Received> all = receiver.at(path);
        int otherAt = all.stream().map(WebhookTest::earningId).toList().indexOf(someoneElse.earningId());
        int firstDelivered = all.stream()
                .filter(r -> r.answered() == 200)
                .map(WebhookTest::earningId)
                .toList()
                .indexOf(first.earningId());
        assertTrue(otherAt >= 0, "another member's delivery does not wait for this member's");
        assertTrue(firstDelivered >= 0);
    }

    @Test
    void aRedeliveredOrRepublishedEventIsDeliveredOnce() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        PointsEarned e = SettlementTest.earned(partner, UUID.randomUUID().toString(), 10, 0);
        try (KafkaTestClient kafka = kafka()) {
            String value = TestEvents.publish(kafka, e);
            TestEvents.redeliver(kafka, e, value); // Kafka delivers the same record again
            TestEvents.publish(kafka, e); // the ledger's relay publishes the same posting again
        }
        receiver.await(hook.get("path"), 1);
        Thread.sleep(1500);
        assertEquals(1, receiver.at(hook.get("path")).size());
        assertEquals(1, deliveries(partner, hook.get("webhookId")).getInt("total"));
    }

    static ValidatableResponse rotate(String partner, String webhookId, String overlap) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .queryParams(overlap == null ? Map.of() : Map.of("overlap", overlap))
                .post(webhooks(partner) + "/" + webhookId + "/rotation")
                .then();
    }

    static String rotated(String partner, String webhookId, String overlap) {
        return rotate(partner, webhookId, overlap)
                .statusCode(200)
                .body("secret", startsWith("whsec_"), "webhookId", is(webhookId))
                .extract()
                .path("secret");
    }

    /** The next points.earned delivery to the hook's path, after {@code before} earlier ones. */
    static Received nextDelivery(String partner, Map<String, String> hook, int before) throws Exception {
        try (KafkaTestClient kafka = kafka()) {
            earn(kafka, partner, UUID.randomUUID().toString());
        }
        return receiver.await(hook.get("path"), before + 1).get(before);
    }

    @Test
    void duringARotationsOverlapDeliveriesVerifyWithEitherSecret() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        Instant before = clock.instant();
        String next = rotated(partner, hook.get("webhookId"), null);
        assertNotEquals(hook.get("secret"), next);
        Instant until = Instant.parse(get(partner, "/" + hook.get("webhookId"))
                .statusCode(200)
                .body("secretRotatedAt", notNullValue(), "secret", nullValue())
                .extract()
                .path("previousSecretExpiresAt"));
        // the default overlap: a day
        assertFalse(until.isBefore(before.plus(Duration.ofHours(24))));
        assertFalse(until.isAfter(clock.instant().plus(Duration.ofHours(24))));
        Received r = nextDelivery(partner, hook, 0);
        assertEquals(2, r.signature().split(" ").length, r.signature());
        assertTrue(verifies(next, r), "the receiver that deployed the new secret");
        assertTrue(verifies(hook.get("secret"), r), "the receiver still on the old secret");
        assertFalse(verifies(WebhookSignature.newSecret(), r), "any other secret");
    }

    @Test
    void withNoOverlapTheOldSecretSignsNothingAtOnce() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String next = rotate(partner, hook.get("webhookId"), "PT0S")
                .statusCode(200)
                .body("previousSecretExpiresAt", nullValue())
                .extract()
                .path("secret");
        Received r = nextDelivery(partner, hook, 0);
        assertEquals(1, r.signature().split(" ").length, r.signature());
        assertTrue(verifies(next, r));
        assertFalse(verifies(hook.get("secret"), r), "the old secret signs nothing any more");
    }

    @Test
    void afterTheOverlapOnlyTheNewSecretSigns() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String next = rotated(partner, hook.get("webhookId"), "PT1S");
        Thread.sleep(1500);
        Received r = nextDelivery(partner, hook, 0);
        assertTrue(verifies(next, r));
        assertFalse(verifies(hook.get("secret"), r), "the overlap is over");
        assertEquals(1, r.signature().split(" ").length, r.signature());
    }

    /** At most two secrets sign (W4): a second rotation keeps the one it replaces, not the first one. */
    @Test
    void aSecondRotationKeepsOnlyTheSecretItReplaces() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String second = rotated(partner, hook.get("webhookId"), null);
        String third = rotated(partner, hook.get("webhookId"), null);
        Received r = nextDelivery(partner, hook, 0);
        assertTrue(verifies(third, r));
        assertTrue(verifies(second, r));
        assertFalse(verifies(hook.get("secret"), r), "the first secret: replaced twice");
        assertEquals(2, r.signature().split(" ").length, r.signature());
    }

    /** Two rotations at once (a retried request): whichever answer the partner kept, its secret verifies. */
    @Test
    void rotationsSentAtOnceEachGiveASecretThatVerifies() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> rotated(partner, hook.get("webhookId"), null));
            var b = pool.submit(() -> rotated(partner, hook.get("webhookId"), null));
            String first = a.get();
            String second = b.get();
            assertNotEquals(first, second);
            Received r = nextDelivery(partner, hook, 0);
            assertTrue(verifies(first, r));
            assertTrue(verifies(second, r));
        } finally {
            pool.shutdownNow();
        }
    }

    static ValidatableResponse rotateWithKey(String partner, String webhookId, String key, String overlap) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .header("Idempotency-Key", key)
                .queryParams(overlap == null ? Map.of() : Map.of("overlap", overlap))
                .post(webhooks(partner) + "/" + webhookId + "/rotation")
                .then();
    }

    /**
     * A client that lost a rotation's answer and sends it again with its Idempotency-Key gets the same
     * secret and rotates nothing (W5): the secret its receiver still has keeps signing through the
     * overlap, which a second rotation would have dropped.
     */
    @Test
    void aRotationRetriedWithItsKeyRotatesOnce() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String key = UUID.randomUUID().toString();
        String first = rotateWithKey(partner, hook.get("webhookId"), key, null)
                .statusCode(200)
                .header("Idempotent-Replayed", nullValue())
                .extract()
                .path("secret");
        String again = rotateWithKey(partner, hook.get("webhookId"), key, "PT24H")
                .statusCode(200)
                .header("Idempotent-Replayed", is("true"))
                .extract()
                .path("secret");
        assertEquals(first, again);
        rotateWithKey(partner, hook.get("webhookId"), key, "PT1H")
                .statusCode(409)
                .body("code", is("idempotency-key-reused"));
        Received r = nextDelivery(partner, hook, 0);
        assertTrue(verifies(first, r));
        assertTrue(verifies(hook.get("secret"), r), "the receiver's secret still signs: rotated once");
        assertEquals(2, r.signature().split(" ").length, r.signature());
    }

    /** The same rotation sent twice at once with one key: one rotation, one secret for both. */
    @Test
    void aRotationSentTwiceAtOnceWithOneKeyRotatesOnce() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String key = UUID.randomUUID().toString();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> rotateWithKey(partner, hook.get("webhookId"), key, null)
                    .statusCode(200)
                    .extract()
                    .<String>path("secret"));
            var b = pool.submit(() -> rotateWithKey(partner, hook.get("webhookId"), key, null)
                    .statusCode(200)
                    .extract()
                    .<String>path("secret"));
            assertEquals(a.get(), b.get());
            Received r = nextDelivery(partner, hook, 0);
            assertTrue(verifies(a.get(), r));
            assertTrue(verifies(hook.get("secret"), r));
        } finally {
            pool.shutdownNow();
        }
    }

    @Inject
    io.vertx.mutiny.sqlclient.Pool database;

    /**
     * A previous secret that no longer decrypts (the at-rest key was changed before the rotation)
     * costs its signature only: the current secret signs and the delivery goes out.
     */
    @Test
    void aPreviousSecretThatNoLongerDecryptsDoesNotStopDeliveries() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String next = rotated(partner, hook.get("webhookId"), null);
        byte[] sealed = new byte[60];
        new java.security.SecureRandom().nextBytes(sealed);
        database.preparedQuery("UPDATE webhook SET previous_secret_encrypted = $1 WHERE id = $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(
                        java.util.Base64.getEncoder().encodeToString(sealed), UUID.fromString(hook.get("webhookId"))))
                .await()
                .atMost(Duration.ofSeconds(10));
        Received r = nextDelivery(partner, hook, 0);
        assertTrue(verifies(next, r));
        assertEquals(1, r.signature().split(" ").length, r.signature());
    }

    /** The current secret as a key that is not the service's would have sealed it: it does not decrypt. */
    void sealUnderAnotherKey(String webhookId) {
        byte[] sealed = new byte[60];
        new java.security.SecureRandom().nextBytes(sealed);
        database.preparedQuery("UPDATE webhook SET secret_encrypted = $1 WHERE id = $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(
                        java.util.Base64.getEncoder().encodeToString(sealed), UUID.fromString(webhookId)))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    /**
     * A retry that answers the stored secret again (a registration's or a rotation's, by its
     * Idempotency-Key) after the at-rest key was changed: decrypting failed with a 500. It is 409
     * secret-unreadable, telling the partner to rotate; a rotation gives a secret that signs, and the
     * retries answer again.
     */
    @Test
    void aSecretThatNoLongerDecryptsIsAConflictToRotateAwayNotA500() throws Exception {
        String partner = activePartner();
        String key = UUID.randomUUID().toString();
        String path = "hook-" + UUID.randomUUID();
        String id = createWithKey(partner, key, receiver.url(path), List.of("points.earned"))
                .statusCode(201)
                .extract()
                .path("webhookId");
        sealUnderAnotherKey(id);
        createWithKey(partner, key, receiver.url(path), List.of("points.earned"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("secret-unreadable"), "detail", org.hamcrest.Matchers.containsString("rotate"));
        assertEquals(1, webhookRows(partner), "nothing created");

        String rotationKey = UUID.randomUUID().toString();
        rotateWithKey(partner, id, rotationKey, "PT0S").statusCode(200);
        sealUnderAnotherKey(id);
        rotateWithKey(partner, id, rotationKey, "PT0S")
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("secret-unreadable"));
        // another overlap under the key is still the key's misuse
        rotateWithKey(partner, id, rotationKey, "PT1H").statusCode(409).body("code", is("idempotency-key-reused"));

        String fresh = rotated(partner, id, "PT0S");
        createWithKey(partner, key, receiver.url(path), List.of("points.earned"))
                .statusCode(200)
                .body("secret", is(fresh));
        Received r = nextDelivery(partner, Map.of("path", path), 0);
        assertTrue(verifies(fresh, r));
    }

    @Test
    void aBadOverlapIsRefusedAndChangesNothing() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        for (String overlap : List.of("PT72H1S", "P4D", "-PT1S", "banana", "24h")) {
            var refused = rotate(partner, hook.get("webhookId"), overlap);
            assertEquals(400, refused.extract().statusCode(), "overlap '" + overlap + "'");
            refused.contentType("application/problem+json")
                    .body("code", is("validation-failed"), "errors[0].field", is("overlap"));
        }
        get(partner, "/" + hook.get("webhookId"))
                .statusCode(200)
                .body("secretRotatedAt", nullValue(), "previousSecretExpiresAt", nullValue());
        Received r = nextDelivery(partner, hook, 0);
        assertTrue(verifies(hook.get("secret"), r), "still the first secret");
        assertEquals(1, r.signature().split(" ").length, r.signature());
        rotate(partner, hook.get("webhookId"), "PT72H").statusCode(200);
    }

    /**
     * One partner's backlog does not hold another's deliveries back: each round takes the first due
     * delivery of every webhook before the second of any. A slow receiver with 200 deliveries waiting
     * (50 a round, 5 s each): in enqueue order the other partner's one delivery would wait for all 200
     * (the fifth round); here it goes in the first round after it was enqueued, while most of the
     * backlog still waits.
     */
    @Test
    void onePartnersBacklogDoesNotHoldAnothersDeliveriesBack() throws Exception {
        String busy = activePartner();
        Map<String, String> backlog = register(busy, List.of("points.earned"));
        receiver.answer(backlog.get("path"), r -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });
        String quiet = activePartner();
        Map<String, String> other = register(quiet, List.of("points.earned"));
        try (KafkaTestClient kafka = kafka()) {
            for (int i = 0; i < 200; i++) {
                earn(kafka, busy, UUID.randomUUID().toString());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (deliveries(busy, backlog.get("webhookId")).getInt("total") < 200) {
                assertTrue(System.nanoTime() < deadline, "the backlog was not enqueued");
                Thread.sleep(100);
            }
            earn(kafka, quiet, UUID.randomUUID().toString());
            receiver.await(other.get("path"), 1);
            int backlogSent = receiver.at(backlog.get("path")).size();
            assertTrue(backlogSent < 150, backlogSent + " of the backlog went before the other partner's one delivery");
        } finally {
            receiver.answer(backlog.get("path"), r -> 200);
        }
        receiver.await(backlog.get("path"), 200);
    }

    /**
     * Each attempt looked its host up on the dispatcher's thread, one after another: a partner with webhooks
     * behind a name server that answers in 3 s held every other partner's delivery for 15 s or more. Lookups
     * now run side by side, each on its own thread at once: ten slow ones (a partner's most), more than a fixed
     * pool of eight would hold, leave the other partner's lookup nothing to queue behind.
     */
    @Test
    void onePartnersSlowNameServerDoesNotHoldAnothersDeliveriesBack() throws Exception {
        String slow = activePartner();
        List<String> hosts = new java.util.ArrayList<>();
        List<String> slowHooks = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String host = "slow-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + TestWebhookResolver.DOMAIN;
            hosts.add(host);
            slowHooks.add(create(
                            slow,
                            TestTokens.partner(slow),
                            receiver.url("slow-" + UUID.randomUUID()).replace("127.0.0.1", host),
                            List.of("points.earned"))
                    .statusCode(201)
                    .extract()
                    .path("webhookId"));
        }
        String quiet = activePartner();
        Map<String, String> other = register(quiet, List.of("points.earned"));
        TestWebhookResolver.SLOW.addAll(hosts);
        try (KafkaTestClient kafka = kafka()) {
            earn(kafka, slow, UUID.randomUUID().toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (slowHooks.stream().anyMatch(h -> deliveries(slow, h).getInt("total") < 1)) {
                assertTrue(System.nanoTime() < deadline, "the slow partner's deliveries were not enqueued");
                Thread.sleep(50);
            }
            long started = System.nanoTime();
            earn(kafka, quiet, UUID.randomUUID().toString());
            receiver.await(other.get("path"), 1);
            long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(
                    waited < 8_000, "the other partner's delivery waited " + waited + " ms behind five slow lookups");
        } finally {
            TestWebhookResolver.SLOW.removeAll(hosts);
        }
    }

    static ValidatableResponse createWithKey(String partner, String key, String url, List<String> events) {
        return given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(Map.of("url", url, "events", events))
                .post(webhooks(partner))
                .then();
    }

    static long webhookRows(String partner) {
        return TestDb.count("SELECT count(*) FROM webhook WHERE partner_id = ?", partner);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheFirstRegistrationAndItsSecret() throws Exception {
        String partner = activePartner();
        String key = UUID.randomUUID().toString();
        String path = "hook-" + UUID.randomUUID();
        JsonPath first = createWithKey(partner, key, receiver.url(path), List.of("points.earned", "points.reversed"))
                .statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .body("secret", startsWith("whsec_"))
                .extract()
                .jsonPath();
        // the client lost the answer and retries (the events in another order are the same subscription)
        createWithKey(partner, key, receiver.url(path), List.of("points.reversed", "points.earned"))
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body(
                        "webhookId", is(first.getString("webhookId")),
                        "secret", is(first.getString("secret")),
                        "events", is(List.of("points.earned", "points.reversed")));
        assertEquals(1, webhookRows(partner));
        // the replayed secret is the one deliveries are signed with
        try (KafkaTestClient kafka = kafka()) {
            earn(kafka, partner, UUID.randomUUID().toString());
        }
        assertTrue(verifies(first.getString("secret"), receiver.await(path, 1).get(0)));

        // the same key with another request: refused, nothing created
        createWithKey(partner, key, receiver.url("hook-" + UUID.randomUUID()), List.of("points.earned"))
                .statusCode(409)
                .body("code", is("idempotency-key-reused"));
        createWithKey(partner, key, receiver.url(path), List.of("points.earned"))
                .statusCode(409)
                .body("code", is("idempotency-key-reused"));
        assertEquals(1, webhookRows(partner));

        // another partner's same key is unrelated
        String other = activePartner();
        String otherId = createWithKey(other, key, receiver.url(path), List.of("points.earned", "points.reversed"))
                .statusCode(201)
                .extract()
                .path("webhookId");
        assertNotEquals(first.getString("webhookId"), otherId);
        assertEquals(1, webhookRows(other));

        // without a key every request is new, as before
        register(partner, List.of("points.earned"));
        register(partner, List.of("points.earned"));
        assertEquals(3, webhookRows(partner));

        createWithKey(partner, "a".repeat(201), receiver.url(path), List.of("points.earned"))
                .statusCode(400)
                .body("code", is("validation-failed"), "errors[0].field", is("Idempotency-Key"));
        assertEquals(3, webhookRows(partner));
    }

    @Test
    void twentyConcurrentRegistrationsWithOneKeyCreateOneWebhook() throws Exception {
        String partner = activePartner();
        String key = UUID.randomUUID().toString();
        String url = receiver.url("hook-" + UUID.randomUUID());
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<JsonPath>> answers = new ArrayList<>();
            List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    var r = createWithKey(partner, key, url, List.of("points.earned"))
                            .extract();
                    statuses.add(r.statusCode());
                    return r.jsonPath();
                }));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            Set<String> secrets = new HashSet<>();
            for (Future<JsonPath> f : answers) {
                JsonPath a = f.get(60, TimeUnit.SECONDS);
                ids.add(a.getString("webhookId"));
                secrets.add(a.getString("secret"));
            }
            assertEquals(1, statuses.stream().filter(st -> st == 201).count(), statuses.toString());
            assertEquals(19, statuses.stream().filter(st -> st == 200).count(), statuses.toString());
            assertEquals(1, ids.size(), ids.toString());
            assertEquals(1, secrets.size());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, webhookRows(partner));
    }

    /** Registrations sent at once cannot race past the limit of webhooks per partner (10). */
    @Test
    void registrationsSentAtOnceNeverPassTheLimit() throws Exception {
        String partner = activePartner();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    statuses.add(given().auth()
                            .oauth2(TestTokens.partner(partner))
                            .contentType(ContentType.JSON)
                            .body(Map.of(
                                    "url",
                                    receiver.url("hook-" + UUID.randomUUID()),
                                    "events",
                                    List.of("points.earned")))
                            .post(webhooks(partner))
                            .then()
                            .extract()
                            .statusCode());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, statuses.stream().filter(st -> st == 201).count(), statuses.toString());
        assertEquals(6, statuses.stream().filter(st -> st == 409).count(), statuses.toString());
        assertEquals(10, webhookRows(partner));
    }

    @Test
    void thePartnersSuspensionAndSettlementReachItsWebhook() {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("partner.suspended", "settlement.closed"));
        PartnerLifecycleTest.transition(partner, "suspension", "unpaid invoices")
                .statusCode(200);
        Received suspended = receiver.await(hook.get("path"), 1).get(0);
        assertEquals("partner.suspended", JsonPath.from(suspended.body()).getString("type"));
        assertEquals("unpaid invoices", JsonPath.from(suspended.body()).getString("data.reason"));
        assertFalse(suspended.body().contains("actor"), "the operator's name stays inside");
        PartnerLifecycleTest.transition(partner, "reinstatement", "paid").statusCode(200);
        SettlementTest.close(partner, SettlementTest.MONTH.atDay(1), SettlementTest.MONTH.atEndOfMonth())
                .statusCode(201);
        Received closed = receiver.await(hook.get("path"), 2).get(1);
        assertEquals("settlement.closed", JsonPath.from(closed.body()).getString("type"));
        assertEquals(
                SettlementTest.MONTH.atDay(1).toString(),
                JsonPath.from(closed.body()).getString("data.periodStart"));
    }

    /**
     * Reward order events (docs/rewards.md) reach the webhooks of the reward's partner, in the member's
     * order; another partner's and a network reward's (no partner) reach nobody else; no code is in them.
     */
    @Test
    void rewardOrderEventsReachTheRewardsPartnerOnlyAndNeverACode() throws Exception {
        String partner = activePartner();
        String other = activePartner();
        List<String> rewardEvents =
                List.of("reward.ordered", "reward.order-fulfilled", "reward.order-cancelled", "reward.order-failed");
        Map<String, String> hook = register(partner, rewardEvents);
        Map<String, String> othersHook = register(other, rewardEvents);
        Map<String, String> earningsOnly = register(partner, List.of("points.earned"));
        String member = UUID.randomUUID().toString();
        String coupon = "order-" + UUID.randomUUID();
        String shipped = "order-" + UUID.randomUUID();
        String reward = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = kafka()) {
            // another partner's order and a network reward's order (no partner) come first
            TestEvents.publish(
                    kafka,
                    new RewardOrdered("order-" + UUID.randomUUID(), reward, member, other, "Mug", "SHIPPING", 70));
            TestEvents.publish(
                    kafka,
                    new RewardOrdered(
                            "order-" + UUID.randomUUID(), reward, member, null, "Network cap", "SHIPPING", 90));
            TestEvents.publish(kafka, new RewardOrdered(coupon, reward, member, partner, "Cinema", "COUPON_CODE", 300));
            TestEvents.publish(kafka, new RewardOrderFulfilled(coupon, reward, member, partner, 300));
            TestEvents.publish(kafka, new RewardOrderFailed(coupon, reward, member, partner, 300, "code refused"));
            TestEvents.publish(kafka, new RewardOrdered(shipped, reward, member, partner, "Lamp", "SHIPPING", 200));
            TestEvents.publish(kafka, new RewardOrderCancelled(shipped, reward, member, partner, 200));
        }
        List<Received> got = receiver.await(hook.get("path"), 5);
        List<JsonPath> bodies = got.stream().map(r -> JsonPath.from(r.body())).toList();
        assertEquals(
                List.of(
                        "reward.ordered",
                        "reward.order-fulfilled",
                        "reward.order-failed",
                        "reward.ordered",
                        "reward.order-cancelled"),
                bodies.stream().map(b -> b.getString("type")).toList());
        assertEquals(
                List.of(coupon, coupon, coupon, shipped, shipped),
                bodies.stream().map(b -> b.getString("data.orderId")).toList());
        assertEquals(300, bodies.get(0).getInt("data.points"));
        assertEquals("COUPON_CODE", bodies.get(0).getString("data.fulfilment"));
        assertEquals("code refused", bodies.get(2).getString("data.reason"));
        assertEquals(200, bodies.get(4).getInt("data.points"));
        for (Received r : got) {
            assertTrue(verifies(hook.get("secret"), r));
            assertFalse(r.body().contains("\"code\"") || r.body().contains("couponCode"), "never a coupon code");
            assertEquals(member, JsonPath.from(r.body()).getString("data.memberId"));
        }
        // the other partner gets its own order only; a network reward's goes to nobody
        List<Received> others = receiver.await(othersHook.get("path"), 1);
        assertEquals(70, JsonPath.from(others.get(0).body()).getInt("data.points"));
        Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> receiver.at(hook.get("path")).size() == 5
                        && receiver.at(othersHook.get("path")).size() == 1
                        && receiver.at(earningsOnly.get("path")).isEmpty());
        assertEquals(0, deliveries(partner, earningsOnly.get("webhookId")).getInt("total"));
    }

    @Test
    void badUrlsAndUnknownEventsAre400AndCreateNothing() {
        String partner = activePartner();
        String token = TestTokens.partner(partner);
        List<String> earned = List.of("points.earned");
        for (String url : List.of(
                "http://example.com/hook",
                "not a url",
                "hooks.example.com/no-scheme",
                "ftp://127.0.0.1/hook",
                "https://user:pw@127.0.0.1/hook",
                "https://10.0.0.7/hook",
                "https://169.254.169.254/latest/meta-data",
                "https://[fd00:ec2::254]/hook",
                // java.net.URI takes any digits as a port: these once registered, and each attempt then threw
                "https://example.com:99999/hook",
                receiver.url("x").replaceFirst(":\\d+/", ":65536/"),
                receiver.url("x").replaceFirst(":\\d+/", ":0/"))) {
            create(partner, token, url, earned)
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", is("url"));
        }
        create(partner, token, receiver.url("x"), List.of("points.earned", "points.stolen"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("events"));
        create(partner, token, receiver.url("x"), List.of()).statusCode(400);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body("{\"url\": 42, \"events\": \"points.earned\"}")
                .post(webhooks(partner))
                .then()
                .statusCode(400);
        get(partner, "").statusCode(200).body("$", hasSize(0));
    }

    @Test
    void anotherPartnerNeitherSeesNorTouchesYourWebhooksAndStaffOnlyRead() {
        String partner = activePartner();
        String other = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String id = hook.get("webhookId");
        String theirs = TestTokens.partner(other);
        String deliveryId = UUID.randomUUID().toString();
        for (String[] call : List.of(
                new String[] {"GET", ""},
                new String[] {"GET", "/" + id},
                new String[] {"DELETE", "/" + id},
                new String[] {"POST", "/" + id + "/rotation"},
                new String[] {"POST", "/" + id + "/enable"},
                new String[] {"GET", "/" + id + "/deliveries"},
                new String[] {"POST", "/" + id + "/deliveries/" + deliveryId + "/replay"})) {
            int onYours = given().auth()
                    .oauth2(theirs)
                    .request(call[0], webhooks(partner) + call[1])
                    .then()
                    .extract()
                    .statusCode();
            assertEquals(403, onYours, call[0] + call[1] + " by another partner");
            // your webhook id under their own partner id does not exist
            int underTheirs = given().auth()
                    .oauth2(theirs)
                    .request(call[0], webhooks(other) + call[1])
                    .then()
                    .extract()
                    .statusCode();
            assertTrue(
                    underTheirs == 404 || call[1].isEmpty(),
                    call[0] + call[1] + " under the other partner's id answered " + underTheirs);
        }
        String staff = TestTokens.partnerStaff(partner);
        given().auth().oauth2(staff).get(webhooks(partner)).then().statusCode(200);
        create(partner, staff, receiver.url("staff"), List.of("points.earned")).statusCode(403);
        given().auth().oauth2(staff).delete(webhooks(partner) + "/" + id).then().statusCode(403);
        get(partner, "/" + id).statusCode(200);
        given().auth()
                .oauth2(TestTokens.operator())
                .delete(webhooks(partner) + "/" + id)
                .then()
                .statusCode(204);
        get(partner, "/" + id).statusCode(404).contentType("application/problem+json");
    }

    /** The webhook's pending deliveries whose next attempt is at least {@code seconds} away (leased, not due). */
    static long notDueFor(String webhookId, int seconds) {
        return TestDb.count(
                "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid AND status = 'PENDING' "
                        + "AND next_attempt_at > now() + make_interval(secs => ?)",
                webhookId,
                seconds);
    }

    /**
     * Enabling pulled every pending delivery's next attempt forward to now, an attempt in flight too
     * (its lease is its next_attempt_at): another instance then claimed it and sent it a second time
     * while the first still sent it. Enabling a webhook that is not DISABLED changes nothing, and
     * enabling a DISABLED one leaves a leased attempt leased: the attempt is sent once.
     */
    @Test
    void enablingNeverHandsAnAttemptInFlightToAnotherDispatcher() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String path = hook.get("path");
        String id = hook.get("webhookId");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        receiver.answer(path, r -> {
            arrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });
        try {
            try (KafkaTestClient kafka = kafka()) {
                earn(kafka, partner, UUID.randomUUID().toString());
            }
            assertTrue(arrived.await(30, TimeUnit.SECONDS), "the dispatcher sends it");
            // in flight: the lease (PT1M) is its next attempt, no other instance may claim it before
            assertEquals(1, notDueFor(id, 30));
            long windowStarted = TestDb.count(
                    "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid AND window_started_at = created_at",
                    id);

            enable(partner, id);
            assertEquals(1, notDueFor(id, 30), "enabling an enabled webhook changes nothing");
            assertEquals(
                    windowStarted,
                    TestDb.count(
                            "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid "
                                    + "AND window_started_at = created_at",
                            id),
                    "nor its deliveries' retry windows");

            // another instance abandoned a delivery of this webhook and disabled it meanwhile
            database.preparedQuery("UPDATE webhook SET status = 'DISABLED', disabled_reason = 'abandoned', "
                            + "disabled_at = now() WHERE id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id)))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            given().auth()
                    .oauth2(TestTokens.partner(partner))
                    .post(webhooks(partner) + "/" + id + "/enable")
                    .then()
                    .statusCode(200)
                    .body("status", is("ENABLED"), "disabledReason", nullValue(), "disabledAt", nullValue());
            assertEquals(1, notDueFor(id, 30), "the attempt in flight keeps its lease: no instance claims it again");
            Thread.sleep(600); // a few dispatcher rounds (every 0.2 s)
            assertEquals(1, TestDb.count("SELECT attempts FROM webhook_delivery WHERE webhook_id = ?::uuid", id));
        } finally {
            release.countDown();
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> get(partner, "/" + id + "/deliveries")
                        .body("items.status", is(List.of("DELIVERED")), "items.attempts", is(List.of(1))));
        assertEquals(1, receiver.at(path).size(), "sent once");
    }

    @Test
    void afterTheRetryWindowTheWebhookIsDisabledAndEnableAndReplayBringItBack() {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String path = hook.get("path");
        String id = hook.get("webhookId");
        AtomicInteger status = new AtomicInteger(503);
        receiver.answer(path, r -> status.get());
        PointsEarned lost;
        try (KafkaTestClient kafka = kafka()) {
            lost = earn(kafka, partner, UUID.randomUUID().toString());
        }
        receiver.await(path, 1);
        try {
            clock.advance(Duration.ofHours(25));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> get(partner, "/" + id)
                            .statusCode(200)
                            .body(
                                    "status",
                                    is("DISABLED"),
                                    "disabledReason",
                                    notNullValue(),
                                    "disabledAt",
                                    notNullValue()));
        } finally {
            clock.reset();
        }
        JsonPath log = deliveries(partner, id);
        assertEquals("ABANDONED", log.getString("items[0].status"));
        assertEquals(503, log.getInt("items[0].lastHttpStatus"));
        String lostDelivery = log.getString("items[0].deliveryId");

        // what happens while it is disabled waits for it
        PointsEarned waiting;
        try (KafkaTestClient kafka = kafka()) {
            waiting = earn(kafka, partner, UUID.randomUUID().toString());
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> deliveries(partner, id).getInt("total") == 2);
        int before = receiver.at(path).size();
        status.set(200);
        enable(partner, id);
        Received sent = receiver.await(path, before + 1).get(before);
        assertEquals(waiting.earningId(), earningId(sent), "enabling sends what waited, not the abandoned one");

        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post(webhooks(partner) + "/" + id + "/deliveries/" + lostDelivery + "/replay")
                .then()
                .statusCode(200)
                .body("deliveryId", is(lostDelivery), "status", is("PENDING"), "attempts", is(0));
        Received replayed = receiver.await(path, before + 2).get(before + 1);
        assertEquals(lost.earningId(), earningId(replayed));
        assertEquals(lostDelivery, replayed.id(), "a replay keeps the message id");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> get(partner, "/" + id + "/deliveries")
                        .body("items.status", is(List.of("DELIVERED", "DELIVERED"))));
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post(webhooks(partner) + "/" + id + "/deliveries/" + lostDelivery + "/replay")
                .then()
                .statusCode(200);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertFalse(metrics.contains("pointmesh_webhook_deliveries_total{outcome=\"abandoned\"} 0.0"));
    }

    /** A pending delivery written straight into the table (what the API would refuse, or a state it cannot make). */
    UUID insertDelivery(
            String webhookId, String traceparent, Instant windowStart, Instant due, Instant leasedUntil, int attempts) {
        UUID id = UUID.randomUUID();
        String earning = UUID.randomUUID().toString();
        String body = "{\"type\":\"points.earned\",\"timestamp\":\"" + windowStart + "\",\"data\":{\"earningId\":\""
                + earning + "\"}}";
        database.preparedQuery("INSERT INTO webhook_delivery (id, webhook_id, event_key, event_type, order_key, body, "
                        + "traceparent, status, attempts, next_attempt_at, window_started_at, created_at, leased_until) "
                        + "VALUES ($1, $2, $3, 'points.earned', $4, $5, $6, 'PENDING', $7, $8, $9, $9, $10)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.tuple()
                        .addValue(id)
                        .addValue(UUID.fromString(webhookId))
                        .addValue("points.earned:" + earning)
                        .addValue("member:" + UUID.randomUUID())
                        .addValue(body)
                        .addValue(traceparent)
                        .addValue(attempts)
                        .addValue(due.atOffset(java.time.ZoneOffset.UTC))
                        .addValue(windowStart.atOffset(java.time.ZoneOffset.UTC))
                        .addValue(leasedUntil == null ? null : leasedUntil.atOffset(java.time.ZoneOffset.UTC)))
                .await()
                .atMost(Duration.ofSeconds(10));
        return id;
    }

    static ValidatableResponse asOperator(String partner, String path) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .get(webhooks(partner) + path)
                .then();
    }

    /**
     * A webhook URL with port 99999 registered (java.net.URI parses it) and each attempt then threw inside the
     * dispatcher (Vert.x refuses the address) where nothing caught it: no outcome was recorded, so the delivery was
     * claimed again every minute for ever, never failed nor abandoned, and the member's later deliveries waited
     * behind it. Registration refuses such a port (badUrlsAndUnknownEventsAre400AndCreateNothing); a row stored
     * before that is a failed attempt each time, and abandoned (the webhook disabled) once the window is over.
     */
    @Test
    void aStoredUrlWithAPortBeyond65535FailsEachAttemptAndIsAbandonedAfterTheWindow() {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String id = hook.get("webhookId");
        String bad = receiver.url(hook.get("path")).replaceFirst(":\\d+/", ":99999/");
        database.preparedQuery("UPDATE webhook SET url = $1 WHERE id = $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(bad, UUID.fromString(id)))
                .await()
                .atMost(Duration.ofSeconds(10));
        try (KafkaTestClient kafka = kafka()) {
            earn(kafka, partner, UUID.randomUUID().toString());
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> get(partner, "/" + id + "/deliveries")
                        .statusCode(200)
                        .body(
                                "items[0].status",
                                is("PENDING"),
                                "items[0].lastError",
                                org.hamcrest.Matchers.containsString("port"),
                                "items[0].attempts",
                                org.hamcrest.Matchers.greaterThanOrEqualTo(2)));
        try {
            clock.advance(Duration.ofHours(25));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> get(partner, "/" + id)
                            .statusCode(200)
                            .body("status", is("DISABLED"), "disabledReason", notNullValue()));
        } finally {
            clock.reset();
        }
        get(partner, "/" + id + "/deliveries")
                .body(
                        "items[0].status",
                        is("ABANDONED"),
                        "items[0].lastError",
                        org.hamcrest.Matchers.containsString("port"));
        assertTrue(receiver.at(hook.get("path")).isEmpty());
    }

    /**
     * Whatever fails while an attempt is built (here a stored traceparent that no HTTP header may carry: Vert.x
     * refuses it as the port above) is a failed attempt with its reason, retried with backoff like any failure;
     * it escaped the dispatcher's only catch and left no outcome.
     */
    @Test
    void anAttemptThatCannotEvenBeBuiltIsAFailedAttempt() {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String id = hook.get("webhookId");
        Instant now = Instant.now();
        UUID delivery = insertDelivery(id, "00-bad\nx-injected: 1", now, now, null, 0);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> get(partner, "/" + id + "/deliveries")
                        .statusCode(200)
                        .body(
                                "items[0].deliveryId",
                                is(delivery.toString()),
                                "items[0].status",
                                is("PENDING"),
                                "items[0].lastError",
                                org.hamcrest.Matchers.containsString("IllegalArgumentException"),
                                "items[0].attempts",
                                org.hamcrest.Matchers.greaterThanOrEqualTo(2)));
        assertEquals(
                0,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE id = ?::uuid AND leased_until IS NOT NULL "
                                + "AND next_attempt_at > now() + interval '30 seconds'",
                        delivery.toString()),
                "not left leased for a minute without an outcome");
        assertTrue(receiver.at(hook.get("path")).isEmpty());
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .delete(webhooks(partner) + "/" + id)
                .then()
                .statusCode(204);
    }

    /**
     * Belt and braces: a delivery whose last attempt never recorded an outcome (its lease ran out) and whose retry
     * window has ended is abandoned, its webhook disabled, without another attempt; it was claimed again at every
     * lease, for ever if its attempts never recorded anything.
     */
    @Test
    void aDeliveryWhoseAttemptsLeftNoOutcomeIsAbandonedOnceItsWindowIsOver() {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String id = hook.get("webhookId");
        Instant now = Instant.now();
        UUID stale = insertDelivery(
                id, null, now.minus(Duration.ofHours(25)), now.minusSeconds(1), now.minusSeconds(1), 1440);
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> get(partner, "/" + id)
                        .statusCode(200)
                        .body(
                                "status",
                                is("DISABLED"),
                                "disabledReason",
                                org.hamcrest.Matchers.containsString("no outcome")));
        get(partner, "/" + id + "/deliveries")
                .body(
                        "items[0].deliveryId",
                        is(stale.toString()),
                        "items[0].status",
                        is("ABANDONED"),
                        "items[0].lastError",
                        org.hamcrest.Matchers.containsString("no outcome"),
                        "items[0].finishedAt",
                        notNullValue());
        assertTrue(receiver.at(hook.get("path")).isEmpty(), "not sent once more past its window");

        // one whose window has not ended is tried again (at least once), as before
        enable(partner, id);
        UUID recent = insertDelivery(id, null, now, now.minusSeconds(1), now.minusSeconds(1), 1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertEquals(
                        1,
                        TestDb.count(
                                "SELECT count(*) FROM webhook_delivery WHERE id = ?::uuid AND status = 'DELIVERED'",
                                recent.toString())));
        assertEquals(1, receiver.at(hook.get("path")).size());
    }

    /**
     * The answer's body was read whole into memory: an endpoint streaming hundreds of megabytes within the 10 s of
     * an attempt could take partner-service's heap. The status is the outcome; at most 64 KiB of the body are read,
     * then the connection is closed. The receiver here streams up to 256 MB.
     */
    @Test
    void aReceiverStreamingAnEndlessAnswerGetsItsConnectionClosedAndTheStatusStands() throws Exception {
        long limit = 256L * 1024 * 1024;
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        CountDownLatch cut = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (var in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try {
                exchange.sendResponseHeaders(200, 0);
                var out = exchange.getResponseBody();
                while (written.get() < limit) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                out.close();
            } catch (java.io.IOException e) {
                cut.countDown(); // the client closed the connection
            } finally {
                exchange.close();
                done.countDown();
            }
        });
        server.start();
        try {
            String partner = activePartner();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/endless";
            String id = create(partner, TestTokens.partner(partner), url, List.of("points.earned"))
                    .statusCode(201)
                    .extract()
                    .path("webhookId");
            try (KafkaTestClient kafka = kafka()) {
                earn(kafka, partner, UUID.randomUUID().toString());
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> get(partner, "/" + id + "/deliveries")
                            .statusCode(200)
                            .body(
                                    "items[0].status",
                                    is("DELIVERED"),
                                    "items[0].attempts",
                                    is(1),
                                    "items[0].lastHttpStatus",
                                    is(200)));
            assertTrue(done.await(20, TimeUnit.SECONDS), "the receiver stopped writing");
            assertTrue(cut.getCount() == 0, "the connection was closed under the receiver, after " + written.get());
            assertTrue(
                    written.get() < 16L * 1024 * 1024,
                    "at most a few MB (socket buffers) were sent before the close: " + written.get());
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /**
     * A suspended partner gets nothing (docs/security.md), webhooks included: an event of its members during the
     * suspension is not kept for it, and what was queued before waits (it is not sent, nor abandoned meanwhile);
     * the notice of the suspension itself is sent, even past a partner-wide delivery that waits. Reinstated, what
     * waited is sent with a new retry window; what happened meanwhile never is.
     */
    @Test
    void aSuspendedPartnersDeliveriesWaitForItsReinstatementAndWhatHappenedMeanwhileIsNotSent() throws Exception {
        String partner = activePartner();
        Map<String, String> hook =
                register(partner, List.of("points.earned", "settlement.closed", "partner.suspended"));
        String path = hook.get("path");
        String id = hook.get("webhookId");
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        receiver.answer(path, r -> r.body().contains("\"partner.suspended\"") || !down.get() ? 200 : 503);
        String before = UUID.randomUUID().toString();
        PointsEarned queued;
        try (KafkaTestClient kafka = kafka()) {
            queued = earn(kafka, partner, before);
        }
        SettlementTest.close(partner, SettlementTest.MONTH.atDay(1), SettlementTest.MONTH.atEndOfMonth())
                .statusCode(201);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> receiver.at(path).stream().anyMatch(r -> r.body().contains("settlement.closed"))
                        && receiver.at(path).stream().anyMatch(r -> r.body().contains(queued.earningId())));

        PartnerLifecycleTest.transition(partner, "suspension", "audit").statusCode(200);
        Received notice = Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> receiver.at(path).stream()
                                .filter(r -> r.body().contains("\"partner.suspended\""))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .get();
        assertEquals("audit", JsonPath.from(notice.body()).getString("data.reason"));
        Thread.sleep(1000); // an attempt in flight at the suspension ends
        int attempts = receiver.at(path).size();
        // a member's event during the suspension
        PointsEarned meanwhile;
        try (KafkaTestClient kafka = kafka()) {
            meanwhile = earn(kafka, partner, UUID.randomUUID().toString());
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> TestDb.count(
                                "SELECT count(*) FROM settlement_fact WHERE fact_key = ?",
                                "earn:" + meanwhile.earningId())
                        == 1);
        Thread.sleep(1500); // several dispatcher rounds (every 0.2 s; retries every 0.1 to 0.5 s)
        assertEquals(attempts, receiver.at(path).size(), "nothing is attempted while the partner is suspended");
        assertEquals(
                0,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid AND event_key = ?",
                        id,
                        "points.earned:" + meanwhile.earningId()),
                "an event during the suspension is not kept for the partner");
        assertEquals(
                2,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid AND status = 'PENDING'", id),
                "what was queued before waits");

        down.set(false);
        PartnerLifecycleTest.transition(partner, "reinstatement", "cleared").statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> get(partner, "/" + id + "/deliveries")
                        .statusCode(200)
                        .body("total", is(3), "items.status", is(List.of("DELIVERED", "DELIVERED", "DELIVERED"))));
        assertEquals(
                3,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid "
                                + "AND window_started_at > created_at OR event_type = 'partner.suspended' "
                                + "AND webhook_id = ?::uuid",
                        id,
                        id),
                "what waited was given a new retry window at the reinstatement");
        Thread.sleep(600);
        assertFalse(
                receiver.at(path).stream().anyMatch(r -> r.body().contains(meanwhile.earningId())),
                "the event during the suspension is never sent");
        get(partner, "/" + id).body("status", is("ENABLED"));
    }

    /**
     * During a suspension the partner.suspended notice is the only message attempted. Abandoning it after its
     * retry window disabled the webhook, and at the reinstatement nothing that waited was sent (the claim needs an
     * ENABLED webhook). The notice is abandoned, the webhook stays enabled, and what waited is sent at the
     * reinstatement.
     */
    @Test
    void anUndeliveredSuspensionNoticeLeavesTheWebhookEnabledForTheReinstatement() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned", "partner.suspended"));
        String path = hook.get("path");
        String id = hook.get("webhookId");
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        receiver.answer(path, r -> down.get() ? 503 : 200);
        PointsEarned queued;
        try (KafkaTestClient kafka = kafka()) {
            queued = earn(kafka, partner, UUID.randomUUID().toString());
        }
        receiver.await(path, 1);
        PartnerLifecycleTest.transition(partner, "suspension", "audit").statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> receiver.at(path).stream().anyMatch(r -> r.body().contains("\"partner.suspended\"")));
        // the notice has failed for 24 hours: its next failure ends its retry window
        database.preparedQuery("UPDATE webhook_delivery SET window_started_at = now() - interval '25 hours' "
                        + "WHERE webhook_id = $1 AND event_type = 'partner.suspended'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id)))
                .await()
                .atMost(Duration.ofSeconds(10));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> TestDb.count(
                                "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid "
                                        + "AND event_type = 'partner.suspended' AND status = 'ABANDONED'",
                                id)
                        == 1);
        asOperator(partner, "/" + id).statusCode(200).body("status", is("ENABLED"), "disabledReason", nullValue());

        down.set(false);
        PartnerLifecycleTest.transition(partner, "reinstatement", "cleared").statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(
                        1,
                        TestDb.count(
                                "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid "
                                        + "AND event_key = ? AND status = 'DELIVERED'",
                                id,
                                "points.earned:" + queued.earningId()),
                        "what waited is sent at the reinstatement"));
        asOperator(partner, "/" + id).body("status", is("ENABLED"));
    }

    /**
     * The suspension notice spares its webhook only while the partner is suspended: abandoned once the partner is
     * ACTIVE again (its endpoint still down), it disables the webhook like any delivery, so an endpoint that is
     * truly broken (or a webhook that only gets notices) is not kept enabled for ever.
     */
    @Test
    void aSuspensionNoticeAbandonedAfterTheReinstatementDisablesItsWebhook() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("partner.suspended"));
        String path = hook.get("path");
        String id = hook.get("webhookId");
        receiver.answer(path, r -> 503);
        PartnerLifecycleTest.transition(partner, "suspension", "audit").statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> receiver.at(path).stream().anyMatch(r -> r.body().contains("\"partner.suspended\"")));
        PartnerLifecycleTest.transition(partner, "reinstatement", "cleared").statusCode(200);
        database.preparedQuery("UPDATE webhook_delivery SET window_started_at = now() - interval '25 hours' "
                        + "WHERE webhook_id = $1 AND event_type = 'partner.suspended'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id)))
                .await()
                .atMost(Duration.ofSeconds(10));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> asOperator(partner, "/" + id).statusCode(200).body("status", is("DISABLED")));
        assertEquals(
                1,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid "
                                + "AND event_type = 'partner.suspended' AND status = 'ABANDONED'",
                        id));
    }

    /**
     * An offboarded partner is sent nothing again: what waited for it is abandoned at once (never delivered), its
     * webhooks are disabled saying why, later events are not kept, and neither enable nor replay queues anything
     * (409 partner-offboarded). Pending deliveries an earlier offboarding left are abandoned by the hourly purge.
     */
    @Test
    void anOffboardedPartnersDeliveriesAreAbandonedAndNothingMoreIsSent() throws Exception {
        String partner = activePartner();
        Map<String, String> hook = register(partner, List.of("points.earned"));
        String path = hook.get("path");
        String id = hook.get("webhookId");
        receiver.answer(path, r -> 503);
        PointsEarned queued;
        try (KafkaTestClient kafka = kafka()) {
            queued = earn(kafka, partner, UUID.randomUUID().toString());
        }
        receiver.await(path, 1);
        PartnerLifecycleTest.transition(partner, "offboarding", "contract ended")
                .statusCode(200);
        asOperator(partner, "/" + id + "/deliveries")
                .statusCode(200)
                .body(
                        "items[0].status",
                        is("ABANDONED"),
                        "items[0].lastError",
                        is("the partner was offboarded"),
                        "items[0].finishedAt",
                        notNullValue());
        asOperator(partner, "/" + id)
                .statusCode(200)
                .body("status", is("DISABLED"), "disabledReason", is("the partner was offboarded"));
        Thread.sleep(1000); // an attempt in flight at the offboarding ends
        int attempts = receiver.at(path).size();

        PointsEarned after;
        try (KafkaTestClient kafka = kafka()) {
            after = earn(kafka, partner, UUID.randomUUID().toString());
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> TestDb.count(
                                "SELECT count(*) FROM settlement_fact WHERE fact_key = ?", "earn:" + after.earningId())
                        == 1);
        assertEquals(1, TestDb.count("SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid", id));
        String delivery =
                asOperator(partner, "/" + id + "/deliveries").extract().path("items[0].deliveryId");
        for (String call : List.of("/" + id + "/enable", "/" + id + "/deliveries/" + delivery + "/replay")) {
            given().auth()
                    .oauth2(TestTokens.operator())
                    .post(webhooks(partner) + call)
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("code", is("partner-offboarded"));
        }
        asOperator(partner, "/" + id).body("status", is("DISABLED"));
        asOperator(partner, "/" + id + "/deliveries").body("items[0].status", is("ABANDONED"));

        // a delivery left pending by an offboarding before they were abandoned with it, on a webhook left ENABLED
        // (a replay or enable that read the partner before the offboarding committed): the claim's partner-status
        // filter alone keeps it unsent (on a DISABLED webhook the claim would skip it anyway)
        database.preparedQuery("UPDATE webhook SET status = 'ENABLED', disabled_reason = NULL, disabled_at = NULL "
                        + "WHERE id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id)))
                .await()
                .atMost(Duration.ofSeconds(10));
        Instant now = Instant.now();
        UUID left = insertDelivery(id, null, now, now, null, 0);
        Thread.sleep(1500);
        assertEquals(attempts, receiver.at(path).size(), "nothing is sent to an offboarded partner");
        assertEquals(
                1,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE id = ?::uuid AND status = 'PENDING' "
                                + "AND attempts = 0",
                        left.toString()),
                "not even attempted");
        dispatcher.purge();
        assertEquals(
                1,
                TestDb.count(
                        "SELECT count(*) FROM webhook_delivery WHERE id = ?::uuid AND status = 'ABANDONED'",
                        left.toString()));
        // and the purge disables the offboarded partner's webhook left enabled, saying why
        asOperator(partner, "/" + id)
                .statusCode(200)
                .body("status", is("DISABLED"), "disabledReason", is("the partner was offboarded"));
        assertFalse(receiver.at(path).stream().anyMatch(r -> r.body().contains(after.earningId())));
        assertTrue(receiver.at(path).stream().allMatch(r -> r.body().contains(queued.earningId())));
    }

    @Inject
    io.pointmesh.partner.service.WebhookDispatcher dispatcher;

    /** The partner enables its webhook: answered ENABLED, with no reason for being disabled. */
    private static void enable(String partner, String id) {
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .post(webhooks(partner) + "/" + id + "/enable")
                .then()
                .statusCode(200)
                .body("status", is("ENABLED"), "disabledReason", nullValue());
    }
}
