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
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Referral codes at joining: the rules, the yearly limit under concurrency, and completion by the first purchase. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class ReferralTest {

    static String codeOf(String subject) {
        return me(subject).statusCode(200).extract().path("referralCode");
    }

    @Test
    void aReferralIsMadeAtJoiningAndCompletedByTheFirstPurchase() throws SQLException {
        String referrer = joined();
        Map<String, Object> body = joinBody("Jung Haneul");
        body.put("referralCode", codeOf(referrer).toLowerCase()); // codes are read aloud: case does not matter
        String referred = subject();
        join(referred, body).statusCode(201);
        assertEquals(
                List.of(referrer), rows("SELECT referrer_id FROM referral WHERE referred_id = '" + referred + "'"));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(referred)
                            && r.value().contains("member.joined")
                            && r.value().contains("\"referredByMemberId\":\"" + referrer + "\""),
                    Duration.ofSeconds(10));
            kafka.await(
                    topic("member.events"),
                    r -> r.key().equals(referred) && r.value().contains("member.referred"),
                    Duration.ofSeconds(10));
            publish(
                    kafka,
                    new ReferralBonusPaid(
                            referred, referrer, 500, 500, UUID.randomUUID().toString()));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(
                        List.of("t"),
                        rows("SELECT completed_at IS NOT NULL FROM referral WHERE referred_id = '" + referred + "'")));
        for (String member : List.of(referred, referrer)) {
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> given().auth()
                            .oauth2(TestTokens.member(member))
                            .get("/members/v1/me/notifications")
                            .then()
                            .statusCode(200)
                            .body("kind", hasItem("REFERRAL_COMPLETED")));
        }
    }

    @Test
    void unknownCodesAreRefusedAndASelfReferralRecordsNothing() throws Exception {
        String referrer = joined();
        Map<String, Object> unknown = joinBody("Yoon Seojun");
        unknown.put("referralCode", "ZZZZZZZZ");
        String s1 = subject();
        join(s1, unknown).statusCode(422).body("code", is("unknown-referral-code"));
        me(s1).statusCode(404);

        // the same person under a second account: same e-mail as the referrer. The join goes on without the referral,
        // answered as any join: a refusal told a stranger whose e-mail a published referral code belongs to
        String email = me(referrer).extract().path("email");
        Map<String, Object> self = joinBody("Kim Minji");
        self.put("email", email.toUpperCase());
        self.put("referralCode", codeOf(referrer));
        String s2 = subject();
        join(s2, self).statusCode(201);
        assertEquals(
                java.util.List.of("0"),
                MemberFixture.rows("SELECT count(*) FROM referral WHERE referred_id = '" + s2 + "'"),
                "no referral recorded for a self-referral");
    }

    @Test
    void aReferrerReachesTheYearlyLimitExactlyEvenWhenJoinsRace() throws Exception {
        String referrer = joined();
        String code = codeOf(referrer);
        List<CompletableFuture<Integer>> joins = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<String, Object> body = joinBody("Racer " + i);
            body.put("referralCode", code);
            joins.add(CompletableFuture.supplyAsync(
                    () -> join(subject(), body).extract().statusCode()));
        }
        List<Integer> statuses = joins.stream().map(CompletableFuture::join).toList();
        assertEquals(3, statuses.stream().filter(s -> s == 201).count(), statuses.toString()); // %test limit: 3 a year
        assertEquals(5, statuses.stream().filter(s -> s == 422).count(), statuses.toString());
        assertEquals(List.of("3"), rows("SELECT count(*) FROM referral WHERE referrer_id = '" + referrer + "'"));
        Map<String, Object> late = joinBody("Late Comer");
        late.put("referralCode", code);
        join(subject(), late).statusCode(422).body("code", is("referral-limit-reached"));
    }
}
