package io.pointmesh.ledger;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.publish;
import static io.pointmesh.testing.TestEvents.publishAt;
import static io.pointmesh.testing.TestEvents.redeliver;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ledger learns partners' lifecycle from partner.events, in order and once per event. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerDirectoryTest {

    @Test
    void aSuspensionReachesTheLedgerAndAReplayedRegistrationDoesNotUndoIt() {
        String id = UUID.randomUUID().toString();
        PartnerRegistered registration = new PartnerRegistered(id, "Lotte Mart", "120-81-47521", "mart");
        try (KafkaTestClient kafka = kafka()) {
            String registered = publish(kafka, registration);
            publish(kafka, new PartnerActivated(id, "partner-" + id, "op", "contract signed"));
            publish(kafka, new PartnerSuspended(id, "op", "unpaid settlement"));
            awaitStatus(id, "SUSPENDED");

            // Kafka redelivers the registration (same event id): it must not bring the partner back.
            redeliver(kafka, registration, registered);
            String marker = UUID.randomUUID().toString();
            publish(kafka, new PartnerRegistered(marker, "Marker", "120-81-47521", "mart"));
            awaitStatus(marker, null);
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + id)
                .then()
                .statusCode(200)
                .body("status", is("SUSPENDED"), "legalName", is("Lotte Mart"));
    }

    /**
     * An event that arrives late (an operator replaying a dead letter after later events of the partner were applied)
     * does not undo what happened since: an old reinstatement does not let a partner suspended since earn again.
     */
    @Test
    void aLateReinstatementDoesNotUndoALaterSuspension() {
        String id = UUID.randomUUID().toString();
        Instant start = Instant.now().minusSeconds(60);
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, new PartnerRegistered(id, "Late Mart", "120-81-47521", "mart"), start);
            publishAt(kafka, new PartnerActivated(id, "partner-" + id, "op", "go"), start.plusSeconds(1));
            publishAt(kafka, new PartnerSuspended(id, "op", "fraud"), start.plusSeconds(30));
            awaitStatus(id, "SUSPENDED");
            // a reinstatement from before the suspension, arriving now
            publishAt(kafka, new PartnerReinstated(id, "op", "paid"), start.plusSeconds(20));
            String marker = UUID.randomUUID().toString();
            publish(kafka, new PartnerRegistered(marker, "Marker", "120-81-47521", "mart"));
            awaitStatus(marker, null);
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + id)
                .then()
                .statusCode(200)
                .body("status", is("SUSPENDED"));
    }

    /**
     * Campaign definitions and mileage terms follow their events' time: a version that arrives late (a replayed dead
     * letter) does not replace the newer one, and a campaign whose end was applied before its publication is stored
     * ended, so no earning can draw a bonus from it.
     */
    @Test
    void aLateCampaignVersionChangesNothingAndACampaignEndedBeforeItArrivedStaysEnded() throws Exception {
        String partner = UUID.randomUUID().toString();
        String campaign = "late-" + UUID.randomUUID();
        String endedFirst = "ended-first-" + UUID.randomUUID();
        Instant start = Instant.now().minusSeconds(60);
        try (KafkaTestClient kafka = kafka()) {
            publishAt(kafka, campaign(campaign, partner, 300), start.plusSeconds(30));
            String late = publishAt(kafka, campaign(campaign, partner, 200), start.plusSeconds(20));
            publishAt(
                    kafka,
                    new MileageProgramPublished(partner, "SKY", BigDecimal.ONE, 1000, 100),
                    start.plusSeconds(30));
            String lateTerms = publishAt(
                    kafka, new MileageProgramPublished(partner, "OLD", BigDecimal.TEN, 10, 1), start.plusSeconds(20));
            publishAt(kafka, new CampaignEnded(endedFirst, partner, "withdrawn"), start.plusSeconds(30));
            String lateCampaign = publishAt(kafka, campaign(endedFirst, partner, 500), start.plusSeconds(10));
            // a store closed before its opening arrived stays closed, with the opening's details
            publishAt(kafka, new StoreClosed(partner, "C1"), start.plusSeconds(30));
            String lateOpening = publishAt(
                    kafka, new StoreOpened(partner, "C1", "Closed early", StoreChannel.OFFLINE, "Seoul"), start);
            awaitApplied(late, lateTerms, lateCampaign, lateOpening);
        }
        assertEquals(
                List.of("300|" + start.plusSeconds(30).getEpochSecond()),
                LedgerScenariosTest.rows(
                        "SELECT fixed_points || '|' || floor(extract(epoch FROM published_at))::bigint "
                                + "FROM campaign WHERE campaign_id = '" + campaign + "'"));
        assertEquals(
                List.of("SKY|1000"),
                LedgerScenariosTest.rows("SELECT program_code || '|' || minimum_points FROM mileage_program "
                        + "WHERE partner_id = '" + partner + "'"));
        assertEquals(
                List.of("true"),
                LedgerScenariosTest.rows("SELECT ended::text FROM campaign WHERE campaign_id = '" + endedFirst + "'"));
        assertEquals(
                List.of("false|Closed early"),
                LedgerScenariosTest.rows("SELECT open::text || '|' || name FROM store_directory WHERE partner_id = '"
                        + partner + "' AND store_code = 'C1'"));
    }

    private static CampaignPublished campaign(String id, String partner, long fixedPoints) {
        return new CampaignPublished(
                id,
                partner,
                "Double weekend",
                BonusKind.FIXED,
                null,
                fixedPoints,
                Instant.now().minus(1, ChronoUnit.DAYS),
                Instant.now().plus(1, ChronoUnit.DAYS),
                CampaignTarget.EVERYONE,
                null,
                0,
                BigDecimal.ONE,
                FundedBy.PARTNER);
    }

    /** Waits until the ledger's partner.events consumer has applied (or skipped) each of these record values. */
    private static void awaitApplied(String... values) {
        for (String value : values) {
            String id = io.pointmesh.testing.TestEvents.eventId(value);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !LedgerScenariosTest.rows(
                                    "SELECT 1 FROM processed_event WHERE event_id = '" + id + "'")
                            .isEmpty());
        }
    }

    @Test
    void aPartnerSeesOnlyItselfAndUnknownPartnersAreNotFound() {
        given().get("/ledger/v1/partners/x").then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.member("m"))
                .get("/ledger/v1/partners/x")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner("a"))
                .get("/ledger/v1/partners/b")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner("a"))
                .get("/ledger/v1/partners/a")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", is("not-found"));
    }

    /** Waits until the ledger knows the partner, with {@code status} when one is given. */
    private static void awaitStatus(String partnerId, String status) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/ledger/v1/partners/" + partnerId)
                        .then()
                        .statusCode(200)
                        .body("status", status == null ? org.hamcrest.Matchers.notNullValue() : is(status)));
    }
}
