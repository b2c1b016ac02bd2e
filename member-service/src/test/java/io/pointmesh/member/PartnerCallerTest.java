package io.pointmesh.member;

import static io.pointmesh.member.MemberFixture.joined;
import static io.pointmesh.member.MemberFixture.me;
import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.publishAt;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What partners' POS may do here: look up cards, not too fast, and only while the partner is active. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerCallerTest {

    @Test
    void aSuspendedPartnerLooksUpNoCardWithinSeconds() {
        String partner = "p-" + UUID.randomUUID();
        String card = me(joined()).extract().path("card.cardNumber");
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerActivated(partner, "partner-" + partner, "op", "signed"));
        }
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/members/v1/cards/" + card)
                .then()
                .statusCode(200);
        // a staff sign-in is not a till: no cardholder for it (docs/security.md)
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .get("/members/v1/cards/" + card)
                .then()
                .statusCode(403)
                .body("code", is("read-only-credentials"));
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerSuspended(partner, "op", "fraud suspected"));
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(partner))
                        .get("/members/v1/cards/" + card)
                        .then()
                        .statusCode(403)
                        .body("code", is("partner-not-active")));
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .get("/members/v1/cards/" + card)
                .then()
                .statusCode(403);
        try (KafkaTestClient kafka = kafka()) {
            publish(kafka, new PartnerReinstated(partner, "op", "cleared"));
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(partner))
                        .get("/members/v1/cards/" + card)
                        .then()
                        .statusCode(200));
    }

    /**
     * A partner event that arrives late (an operator replaying a dead letter after the partner was suspended) does not
     * undo the suspension: the old reinstatement, by its time, is older than the suspension.
     */
    @Test
    void aLateReinstatementDoesNotLetASuspendedPartnerLookUpCards() throws Exception {
        String partner = "p-" + UUID.randomUUID();
        String card = me(joined()).extract().path("card.cardNumber");
        Instant start = Instant.now().minusSeconds(60);
        String late;
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, new PartnerActivated(partner, "partner-" + partner, "op", "signed"), start);
            publishAt(kafka, new PartnerSuspended(partner, "op", "fraud"), start.plusSeconds(30));
            late = publishAt(kafka, new PartnerReinstated(partner, "op", "cleared"), start.plusSeconds(20));
        }
        String id = io.pointmesh.testing.TestEvents.eventId(late);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> !MemberFixture.rows("SELECT 1 FROM processed_event WHERE event_id = '" + id + "'")
                        .isEmpty());
        assertEquals(
                List.of("SUSPENDED"),
                MemberFixture.rows("SELECT status FROM partner_access WHERE partner_id = '" + partner + "'"));
        // the barred set is reloaded every 2 s (PartnerAccess)
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.partner(partner))
                        .get("/members/v1/cards/" + card)
                        .then()
                        .statusCode(403)
                        .body("code", is("partner-not-active")));
    }

    @Test
    void cardLookupsAreRateLimitedPerPartner() {
        String partner = "p-" + UUID.randomUUID();
        String card = me(joined()).extract().path("card.cardNumber");
        for (int i = 0; i < 60; i++) {
            given().auth()
                    .oauth2(TestTokens.partner(partner))
                    .get("/members/v1/cards/" + card)
                    .then()
                    .statusCode(200);
        }
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/members/v1/cards/" + card)
                .then()
                .statusCode(429)
                .body("code", is("rate-limited"))
                .header("Retry-After", notNullValue());
        // another partner is not slowed down by it
        given().auth()
                .oauth2(TestTokens.partner("p-" + UUID.randomUUID()))
                .get("/members/v1/cards/" + card)
                .then()
                .statusCode(200);
    }
}
