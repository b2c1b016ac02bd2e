package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.join;
import static io.pointmesh.member.MemberFixture.joinBody;
import static io.pointmesh.member.MemberFixture.joined;
import static io.pointmesh.member.MemberFixture.me;
import static io.pointmesh.member.MemberFixture.rows;
import static io.pointmesh.member.MemberFixture.subject;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Leaving for good: personal data erased here, the event tells everyone else, the identity account goes. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LeavingTest {

    @Inject
    FakeIdentityAccounts accounts;

    /**
     * A card replacement racing the leave: the replacement locked only the card, so a leave that
     * came second blocked the old card and left the new one ACTIVE for a member who had left. Both
     * take the member's row first: whichever order they run in, no card of a member who left is active.
     */
    @Test
    void aCardReplacedWhileLeavingLeavesNoActiveCard() throws Exception {
        racingTheLeave(
                token -> given().auth().oauth2(token).post("/members/v1/me/card/replacement"),
                Set.of(200, 201, 404),
                member -> "SELECT count(*) FROM card WHERE member_id = '" + member + "' AND status = 'ACTIVE'",
                "a member who left holds an active card");
    }

    /**
     * A consent change racing the leave: the change locked only the consent row, so its history row could be written
     * after the leave had erased the member's history (or the two deadlocked: a 500). Both take the member's row
     * first: whichever runs first, nothing of the consent history stays, and no answer is a 5xx.
     */
    @Test
    void aConsentChangeRacingTheLeaveLeavesNoHistory() throws Exception {
        racingTheLeave(
                token -> given().auth()
                        .oauth2(token)
                        .contentType(ContentType.JSON)
                        .body(Map.of("marketingSms", true, "personalization", true))
                        .put("/members/v1/me/consents"),
                Set.of(200, 404),
                member -> "SELECT count(*) FROM consent_change WHERE member_id = '" + member + "'",
                "a member who left keeps a consent history");
    }

    /**
     * Eight rounds of a new member's request (given their token) started together with their leave: the leave is 204,
     * the request one of {@code answers}, and {@code leftBehind} (a count, given the member id) is 0 after both.
     */
    private static void racingTheLeave(
            java.util.function.Function<String, io.restassured.response.Response> request,
            Set<Integer> answers,
            java.util.function.Function<String, String> leftBehind,
            String what)
            throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String member = joined();
                String token = TestTokens.member(member);
                var start = new java.util.concurrent.CountDownLatch(1);
                var other = pool.submit(() -> {
                    start.await();
                    return request.apply(token).statusCode();
                });
                var leave = pool.submit(() -> {
                    start.await();
                    return given().auth().oauth2(token).delete("/members/v1/me").statusCode();
                });
                start.countDown();
                assertEquals(204, leave.get());
                int answered = other.get();
                assertTrue(answers.contains(answered), "round " + round + ": the request answered " + answered);
                assertEquals(List.of("0"), rows(leftBehind.apply(member)), "round " + round + ": " + what);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMemberWhoLeavesLeavesNoPersonalDataBehind() throws Exception {
        String member = subject();
        Map<String, Object> body = joinBody("Seo Jiwoo");
        String card = join(member, body).statusCode(201).extract().path("card.cardNumber");
        String token = TestTokens.member(member);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("marketingSms", true))
                .put("/members/v1/me/consents")
                .then()
                .statusCode(200);
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PointsExpiring(member, 10, Instant.now().plusSeconds(86400 * 10)));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .get("/members/v1/me/notifications")
                        .then()
                        .body("$", hasSize(1)));

        given().auth().oauth2(token).delete("/members/v1/me").then().statusCode(204);

        me(member).statusCode(404);
        given().auth().oauth2(token).delete("/members/v1/me").then().statusCode(404);
        join(member, joinBody("Seo Jiwoo")).statusCode(409).body("code", is("account-left"));
        // nothing that names the person is left in any table of member-service
        for (Object value : List.of(body.get("name"), body.get("mobileNumber"), body.get("email"))) {
            assertEquals(
                    List.of(),
                    rows("SELECT table_name FROM information_schema.tables t WHERE table_schema = 'public' AND "
                            + "table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' AND "
                            + "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I x WHERE x::text LIKE %L', table_name, '%"
                            + value + "%'), false, true, '')))[1]::text::int > 0"),
                    "no table holds " + value);
        }
        assertEquals(
                List.of("LEFT|true"),
                rows("SELECT status || '|' || (name IS NULL AND mobile_number IS NULL AND email IS NULL "
                        + "AND birth_year IS NULL AND referral_code IS NULL)::text FROM member WHERE id = '" + member
                        + "'"));
        assertEquals(
                List.of("0", "0"),
                List.of(
                        rows("SELECT count(*) FROM notification WHERE member_id = '" + member + "'")
                                .get(0),
                        rows("SELECT count(*) FROM consent_change WHERE member_id = '" + member + "'")
                                .get(0)));
        given().auth()
                .oauth2(TestTokens.partner("p"))
                .get("/members/v1/cards/" + card)
                .then()
                .statusCode(200)
                .body("cardStatus", is("BLOCKED"));
        given().auth()
                .oauth2(TestTokens.operator())
                .queryParam("q", (String) body.get("mobileNumber"))
                .get("/members/v1/members")
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
        try (KafkaTestClient kafka = kafka()) {
            String left = kafka.await(
                            topic("member.events"),
                            r -> r.key().equals(member) && r.value().contains("member.left"),
                            Duration.ofSeconds(10))
                    .value();
            assertTrue(!left.contains((String) body.get("email")));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertTrue(accounts.deleted.contains(member), "the identity account is deleted"));
    }
}
