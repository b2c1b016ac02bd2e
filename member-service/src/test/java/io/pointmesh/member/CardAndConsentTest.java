package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.joined;
import static io.pointmesh.member.MemberFixture.me;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The card at the POS, a lost card, and consent with its history. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class CardAndConsentTest {

    static ValidatableResponse lookup(String token, String card) {
        return given().auth().oauth2(token).get("/members/v1/cards/" + card).then();
    }

    static ValidatableResponse consents(String member, Map<String, Object> change) {
        return given().auth()
                .oauth2(TestTokens.member(member))
                .contentType(ContentType.JSON)
                .body(change)
                .put("/members/v1/me/consents")
                .then();
    }

    /** A staff sign-in (console, dashboard) is not a till: it reads no cardholder and spends no lookup budget. */
    @Test
    void aStaffSignInCannotLookUpCards() {
        String partner = java.util.UUID.randomUUID().toString();
        lookup(TestTokens.partnerStaff(partner), "9400000000000001")
                .statusCode(403)
                .body("code", org.hamcrest.Matchers.is("read-only-credentials"));
    }

    @Test
    void partnersSeeOnlyWhatTheMemberSharesWithThem() {
        String member = joined();
        String card = me(member).extract().path("card.cardNumber");
        lookup(TestTokens.partner("gs-retail"), card)
                .statusCode(200)
                .body(
                        "memberId",
                        is(member),
                        "memberStatus",
                        is("ACTIVE"),
                        "grade",
                        is("GENERAL"),
                        "cardStatus",
                        is("ACTIVE"),
                        "shared",
                        nullValue());
        consents(member, Map.of("sharedPartnerIds", List.of("gs-retail")))
                .statusCode(200)
                .body("sharedPartnerIds", is(List.of("gs-retail")));
        lookup(TestTokens.partner("gs-retail"), card)
                .statusCode(200)
                .body("shared.name", is("Kim Minji"), "shared.mobileNumber", notNullValue());
        lookup(TestTokens.partner("cinema"), card).statusCode(200).body("shared", nullValue());
        consents(member, Map.of("shareWithAllPartners", true)).statusCode(200);
        lookup(TestTokens.partner("cinema"), card).statusCode(200).body("shared.name", is("Kim Minji"));

        // one wrong digit fails the check digit before any lookup; a well-formed unknown number is 404
        char last = card.charAt(15);
        String typo = card.substring(0, 15) + (char) ('0' + (last - '0' + 1) % 10);
        lookup(TestTokens.partner("cinema"), typo).statusCode(400).body("errors[0].field", is("cardNumber"));
        lookup(TestTokens.partner("cinema"), "1234").statusCode(400);
        lookup(TestTokens.partner("cinema"), "4111111111111111").statusCode(404);
        lookup(TestTokens.member(member), card).statusCode(403);
        given().get("/members/v1/cards/" + card).then().statusCode(401);
    }

    @Test
    void aLostCardIsBlockedAndReplacedAndTheLedgerIsTold() {
        String member = joined();
        String old = me(member).extract().path("card.cardNumber");
        String fresh = given().auth()
                .oauth2(TestTokens.member(member))
                .post("/members/v1/me/card/replacement")
                .then()
                .statusCode(200)
                .body("status", is("ACTIVE"), "cardNumber", not(old))
                .extract()
                .path("cardNumber");
        assertTrue(CardNumber.isValid(fresh));
        me(member).body("card.cardNumber", is(fresh));
        lookup(TestTokens.partner("p"), old).statusCode(200).body("cardStatus", is("BLOCKED"), "memberId", nullValue());
        lookup(TestTokens.partner("p"), fresh).statusCode(200).body("memberId", is(member));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(member)
                            && r.value().contains("member.card-replaced")
                            && r.value().contains(old)
                            && r.value().contains(fresh),
                    Duration.ofSeconds(10));
        }
    }

    static io.restassured.response.Response replace(String member, String key, String cardNumber) {
        var request = given().auth().oauth2(TestTokens.member(member));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        if (cardNumber != null) {
            request = request.contentType(ContentType.JSON).body(Map.of("cardNumber", cardNumber));
        }
        return request.post("/members/v1/me/card/replacement");
    }

    static int cardReplacedEvents(String member) {
        try (KafkaTestClient kafka = kafka()) {
            return kafka.count(
                    topic("member.events"),
                    r -> r.key().equals(member) && r.value().contains("member.card-replaced"),
                    Duration.ofSeconds(5));
        }
    }

    /**
     * A double tap: two replacements with one Idempotency-Key, both in flight at once (held behind the member row
     * until both wait). The second used to find the card the first had just issued, block it and issue a third.
     */
    @Test
    void twoReplacementsWithOneKeyIssueOneCard() throws Exception {
        String member = joined();
        String old = me(member).extract().path("card.cardNumber");
        String key = java.util.UUID.randomUUID().toString();
        List<io.restassured.response.Response> answers;
        try (Connection holder = MemberFixture.connect()) {
            holder.setAutoCommit(false);
            execute(holder, "SELECT 1 FROM member WHERE id = '" + member + "' FOR UPDATE");
            List<CompletableFuture<io.restassured.response.Response>> taps = List.of(
                    CompletableFuture.supplyAsync(() -> replace(member, key, old)),
                    CompletableFuture.supplyAsync(() -> replace(member, key, old)));
            awaitWaiting(holder, 2, taps);
            holder.commit();
            answers = taps.stream().map(CompletableFuture::join).toList();
        }
        for (var answer : answers) {
            answer.then().statusCode(200);
        }
        String fresh = answers.get(0).path("cardNumber");
        assertEquals(fresh, answers.get(1).path("cardNumber"), "both taps answer the same new card");
        assertNotEquals(old, fresh);
        assertEquals(
                1,
                answers.stream()
                        .filter(a -> "true".equals(a.header("Idempotent-Replayed")))
                        .count(),
                "one of the two is the other's answer again");
        assertEquals(
                List.of("ACTIVE " + fresh, "BLOCKED " + old),
                MemberFixture.rows("SELECT status || ' ' || card_number FROM card WHERE member_id = '" + member
                        + "' ORDER BY status"));
        me(member).body("card.cardNumber", is(fresh));

        // a retry after a timeout: the same card, as it is now, and nothing more replaced
        replace(member, key, old)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("cardNumber", is(fresh), "status", is("ACTIVE"));
        // the key with another request is refused, whatever it asks
        replace(member, key, null).then().statusCode(409).body("code", is("idempotency-key-reused"));
        replace(member, key, fresh).then().statusCode(409).body("code", is("idempotency-key-reused"));
        given().auth()
                .oauth2(TestTokens.member(member))
                .header("Idempotency-Key", "")
                .post("/members/v1/me/card/replacement")
                .then()
                .statusCode(400);
        me(member).body("card.cardNumber", is(fresh));
        assertEquals(1, cardReplacedEvents(member), "one member.card-replaced");
    }

    /** The card being replaced, named: a request made before another replacement replaces nothing more. */
    @Test
    void aReplacementNamingAReplacedCardIsRefusedAndIssuesNothing() throws Exception {
        String member = joined();
        String old = me(member).extract().path("card.cardNumber");
        String fresh = replace(member, null, old)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", nullValue())
                .body("status", is("ACTIVE"), "cardNumber", not(old))
                .extract()
                .path("cardNumber");
        replace(member, null, old)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", is("card-replaced"), "status", is(409));
        // with a key of its own, too: a refusal is not stored, and issues nothing
        replace(member, java.util.UUID.randomUUID().toString(), old)
                .then()
                .statusCode(409)
                .body("code", is("card-replaced"));
        replace(member, null, "123").then().statusCode(400).body("errors[0].field", is("cardNumber"));
        given().auth()
                .oauth2(TestTokens.member(member))
                .contentType(ContentType.JSON)
                .body("{\"cardNumber\":")
                .post("/members/v1/me/card/replacement")
                .then()
                .statusCode(400)
                .body("code", is("malformed-body"));
        me(member).body("card.cardNumber", is(fresh));
        assertEquals(List.of("2"), MemberFixture.rows("SELECT count(*) FROM card WHERE member_id = '" + member + "'"));
        assertEquals(1, cardReplacedEvents(member));
    }

    /**
     * A republication racing a member's consent change: it read the old choices with a plain SELECT and published
     * them stamped later than the change, so the ledger and analytics kept the old ones. Read FOR SHARE, it waits
     * for the change in progress (here: the consent row locked FOR UPDATE and changed, as PUT /me/consents does)
     * and publishes the choices it committed.
     */
    @Test
    void aRepublicationWaitsForAConsentChangeInProgressAndPublishesItsChoices() throws Exception {
        String member = joined();
        CompletableFuture<Integer> republication;
        try (Connection change = MemberFixture.connect()) {
            change.setAutoCommit(false);
            execute(change, "SELECT 1 FROM consent WHERE member_id = '" + member + "' FOR UPDATE");
            execute(
                    change,
                    "UPDATE consent SET share_with_all_partners = true, updated_at = now() WHERE member_id = '" + member
                            + "'");
            // the page of this member alone: just before their id, one member
            republication = CompletableFuture.supplyAsync(() -> given().auth()
                    .oauth2(TestTokens.operator())
                    .queryParam("after", member.substring(0, member.length() - 1))
                    .queryParam("limit", 1)
                    .post("/members/v1/consent-republications")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("republished"));
            awaitWaiting(change, 1, List.of(republication));
            change.commit();
        }
        assertEquals(1, republication.get(30, TimeUnit.SECONDS));
        try (KafkaTestClient kafka = kafka()) {
            var published = kafka.readAll(
                    topic("member.events"),
                    r -> r.key().equals(member) && r.value().contains("member.consent-changed"),
                    Duration.ofSeconds(5));
            assertEquals(2, published.size(), "joining's, then the republication's");
            assertTrue(
                    published.get(1).value().contains("\"shareWithAllPartners\":true"),
                    "the republication carries the committed choices: "
                            + published.get(1).value());
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Waits until {@code count} sessions wait on the locks {@code holder} holds; fails if a request finished
     * instead (it did not wait for them) or none came in time.
     */
    static void awaitWaiting(Connection holder, int count, List<? extends CompletableFuture<?>> requests)
            throws Exception {
        int pid;
        try (Statement s = holder.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection watcher = MemberFixture.connect();
                // behind the holder, or behind one who waits for it (a second waiter queues on the first)
                PreparedStatement waiting = watcher.prepareStatement(
                        "WITH RECURSIVE behind(pid) AS (SELECT pid FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid)) "
                                + "UNION SELECT a.pid FROM pg_stat_activity a JOIN behind b ON b.pid = ANY (pg_blocking_pids(a.pid))) "
                                + "SELECT count(*) FROM behind")) {
            waiting.setInt(1, pid);
            while (true) {
                for (CompletableFuture<?> request : requests) {
                    assertFalse(request.isDone(), () -> "a request did not wait for the lock: " + request.join());
                }
                try (ResultSet rs = waiting.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= count) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "fewer than " + count + " requests waiting on the lock");
                Thread.sleep(20);
            }
        }
    }

    @Test
    void everyConsentChangeIsKeptAndPublishedAndBadKeysChangeNothing() {
        String member = joined();
        given().auth()
                .oauth2(TestTokens.member(member))
                .get("/members/v1/me/consents")
                .then()
                .statusCode(200)
                .body("marketingSms", is(false), "personalization", is(false), "history", hasSize(1));
        consents(member, Map.of("marketingPush", true, "personalization", true))
                .statusCode(200)
                .body(
                        "marketingPush",
                        is(true),
                        "personalization",
                        is(true),
                        "marketingSms",
                        is(false),
                        "history",
                        hasSize(2),
                        "history[1].choices.marketingPush",
                        is(true),
                        "history[0].choices.marketingPush",
                        is(false));
        consents(member, Map.of("marketingFax", true)).statusCode(400).body("errors[0].field", is("marketingFax"));
        consents(member, Map.of("marketingSms", "yes")).statusCode(400).body("errors[0].field", is("marketingSms"));
        consents(member, Map.of("sharedPartnerIds", "all")).statusCode(400);
        consents(member, Map.of()).statusCode(400);
        given().auth()
                .oauth2(TestTokens.member(member))
                .get("/members/v1/me/consents")
                .then()
                .statusCode(200)
                .body("marketingSms", is(false), "history", hasSize(2));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(member)
                            && r.value().contains("member.consent-changed")
                            && r.value().contains("\"personalization\":true"),
                    Duration.ofSeconds(10));
            // demographics follow once personalization is allowed (analytics holds them only under consent)
            kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(member)
                            && r.value().contains("member.profile-changed")
                            && r.value().contains("\"birthYear\":1990"),
                    Duration.ofSeconds(10));
        }
    }

    /**
     * An operator publishes every member's current consent again, page by page: each member's
     * choices as they are now, once more, and nothing else changes.
     */
    @Test
    void operatorsRepublishEveryMembersCurrentConsentPageByPage() {
        String sharing = joined();
        String quiet = joined();
        consents(sharing, Map.of("personalization", true, "shareWithAllPartners", true))
                .statusCode(200);
        String after = null;
        int pages = 0;
        int republished = 0;
        do {
            var request = given().auth().oauth2(TestTokens.operator()).queryParam("limit", 2);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            io.restassured.path.json.JsonPath page = request.post("/members/v1/consent-republications")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            republished += page.getInt("republished");
            after = page.getString("next");
            pages++;
        } while (after != null && pages < 10_000);
        org.junit.jupiter.api.Assertions.assertTrue(republished >= 2, "at least the two members: " + republished);
        try (io.pointmesh.testing.KafkaTestClient kafka = io.pointmesh.testing.TestEvents.kafka()) {
            // each member: the consent published when joining (and changing), then the republished one
            org.junit.jupiter.api.Assertions.assertEquals(
                    3,
                    kafka.count(
                            io.pointmesh.testing.TestEvents.topic("member.events"),
                            r -> r.key().equals(sharing) && r.value().contains("member.consent-changed"),
                            java.time.Duration.ofSeconds(5)));
            var last = kafka.count(
                    io.pointmesh.testing.TestEvents.topic("member.events"),
                    r -> r.key().equals(sharing)
                            && r.value().contains("member.consent-changed")
                            && r.value().contains("\"shareWithAllPartners\":true"),
                    java.time.Duration.ofSeconds(2));
            org.junit.jupiter.api.Assertions.assertEquals(
                    2, last, "the change and its republication carry the choices");
            org.junit.jupiter.api.Assertions.assertEquals(
                    2,
                    kafka.count(
                            io.pointmesh.testing.TestEvents.topic("member.events"),
                            r -> r.key().equals(quiet) && r.value().contains("member.consent-changed"),
                            java.time.Duration.ofSeconds(2)));
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("limit", 0)
                .post("/members/v1/consent-republications")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.member(quiet))
                .post("/members/v1/consent-republications")
                .then()
                .statusCode(403);
    }
}
