package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.join;
import static io.pointmesh.member.MemberFixture.joinBody;
import static io.pointmesh.member.MemberFixture.me;
import static io.pointmesh.member.MemberFixture.rows;
import static io.pointmesh.member.MemberFixture.subject;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Year;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Joining: one card, the profile, and every way a join is refused without writing anything. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class JoinTest {

    @Test
    void aPersonJoinsAndGetsOneRandomCardWithACheckDigit() {
        String subject = subject();
        me(subject).statusCode(404).contentType("application/problem+json").body("code", is("not-joined"));
        Map<String, Object> body = joinBody("Lee Seoyeon");
        String card = join(subject, body)
                .statusCode(201)
                .body(
                        "memberId",
                        is(subject),
                        "name",
                        is("Lee Seoyeon"),
                        "mobileNumber",
                        is(body.get("mobileNumber")),
                        "status",
                        is("ACTIVE"),
                        "card.status",
                        is("ACTIVE"),
                        "card.cardNumber",
                        matchesPattern("9410\\d{12}"),
                        "referralCode",
                        matchesPattern("[A-Z2-9]{8}"),
                        "grade.name",
                        is("GENERAL"),
                        "grade.earnMultiplier",
                        is(1.0f),
                        "grade.benefits",
                        hasItem("points on every purchase at every partner"),
                        "progress.nextGrade",
                        is("LOYAL"))
                .extract()
                .path("card.cardNumber");
        assertTrue(CardNumber.isValid(card), card);
        me(subject).statusCode(200).body("card.cardNumber", is(card), "email", is(body.get("email")));
        // the card is not the previous member's plus one: numbers are random
        String other =
                join(subject(), joinBody("Park Jiho")).statusCode(201).extract().path("card.cardNumber");
        assertFalse(Math.abs(Long.parseLong(other.substring(4, 15)) - Long.parseLong(card.substring(4, 15))) < 2);

        try (KafkaTestClient kafka = kafka()) {
            var joined = kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(subject) && r.value().contains("member.joined"),
                    Duration.ofSeconds(10));
            assertTrue(joined.value().contains(card));
            // no personal data leaves member-service
            assertFalse(
                    joined.value().contains("Lee Seoyeon")
                            || joined.value().contains((String) body.get("mobileNumber"))
                            || joined.value().contains((String) body.get("email")),
                    joined.value());
            kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(subject) && r.value().contains("member.consent-changed"),
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void aSecondJoinOrATakenNumberIsAConflict() {
        String subject = subject();
        Map<String, Object> body = joinBody("Choi Yuna");
        join(subject, body).statusCode(201);
        join(subject, joinBody("Choi Yuna")).statusCode(409).body("code", is("already-joined"));
        join(
                        subject(),
                        Map.of(
                                "name",
                                "Someone Else",
                                "mobileNumber",
                                body.get("mobileNumber"),
                                "email",
                                "else@example.com"))
                .statusCode(409)
                .body("code", is("duplicate-mobile-number"));
    }

    /**
     * A refused join can tell something about another member (this mobile number is a member's): not to be asked in
     * bulk from one account. Five attempts an hour, counted as they arrive: the sixth is 429, whatever it asks, and
     * nothing is written; twenty at once get five answers and fifteen 429s.
     */
    @Test
    void anAccountProbingOtherMembersMobileNumbersIsSlowedDown() throws Exception {
        String prober = subject();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> taken = joinBody("Member " + i);
            join(subject(), taken).statusCode(201);
            Map<String, Object> probe = joinBody("Prober");
            probe.put("mobileNumber", taken.get("mobileNumber"));
            join(prober, probe).statusCode(409).body("code", is("duplicate-mobile-number"));
        }
        join(prober, joinBody("Prober"))
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        me(prober).statusCode(404);
        // another account is not slowed down by it
        join(subject(), joinBody("Someone")).statusCode(201);
        // in parallel: every attempt is counted as it arrives
        String racer = subject();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Map<String, Object> probe = joinBody("Racer");
                answers.add(pool.submit(() -> {
                    start.await();
                    return join(racer, probe).extract().statusCode();
                }));
            }
            start.countDown();
            int refused = 0;
            for (var a : answers) {
                refused += a.get() == 429 ? 1 : 0;
            }
            assertEquals(15, refused, "five attempts an hour, whatever arrives at once");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() throws SQLException {
        int thisYear = Year.now().getValue();
        long before = Long.parseLong(rows("SELECT count(*) FROM member").get(0));
        List<Map<String, Object>> bad = List.of(
                with("mobileNumber", "010-1234-5678"),
                with("mobileNumber", "+0123"),
                with("mobileNumber", null),
                with("birthYear", 1850),
                with("birthYear", thisYear),
                with("birthYear", "nineteen"),
                with("name", "x".repeat(101)),
                with("name", " "),
                with("email", "not-an-address"),
                with("email", "a@" + "b".repeat(260) + ".com"),
                with("gender", "female"),
                with("region", "r".repeat(61)),
                with("referralCode", "R".repeat(21)));
        for (Map<String, Object> body : bad) {
            String subject = subject();
            var answer = join(subject, body).extract();
            assertEquals(400, answer.statusCode(), body + " -> " + answer.asString());
            assertTrue(
                    answer.contentType().startsWith("application/problem+json"), body + " -> " + answer.contentType());
            me(subject).statusCode(404);
        }
        given().auth()
                .oauth2(TestTokens.member(subject()))
                .contentType(ContentType.JSON)
                .body("{")
                .post("/members/v1/me")
                .then()
                .statusCode(400);
        assertEquals(before, Long.parseLong(rows("SELECT count(*) FROM member").get(0)), "no member written");
        assertEquals(
                "0",
                rows("SELECT count(*) FROM card WHERE member_id NOT IN (SELECT id FROM member)")
                        .get(0));
    }

    @Test
    void onlyMembersJoin() {
        given().contentType(ContentType.JSON)
                .body(joinBody("No Token"))
                .post("/members/v1/me")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.partner("p1"))
                .contentType(ContentType.JSON)
                .body(joinBody("A Partner"))
                .post("/members/v1/me")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/members/v1/me")
                .then()
                .statusCode(403);
    }

    static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = joinBody("Han Doyun");
        body.put(field, value);
        return body;
    }
}
