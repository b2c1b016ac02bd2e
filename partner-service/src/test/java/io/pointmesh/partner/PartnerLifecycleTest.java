package io.pointmesh.partner;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Activation, suspension, reinstatement, rotation and offboarding: each an audited event, only in the allowed order. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class PartnerLifecycleTest {

    @Inject
    FakePartnerCredentials credentials;

    static String register() {
        return given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(PartnerResourceTest.body(io.pointmesh.testing.TestData.businessRegistrationNumber()))
                .post("/partners/v1/partners")
                .then()
                .statusCode(201)
                .extract()
                .path("partnerId");
    }

    static ValidatableResponse transition(String id, String what, String reason) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(reason == null ? Map.of() : Map.of("reason", reason))
                .post("/partners/v1/partners/" + id + "/" + what)
                .then();
    }

    /**
     * An operator retrying an activation while Keycloak is slow: the second request set a new
     * secret, killing the one the first answered, then failed its version check (500). Transitions
     * take the partner's row lock: one activates, the other is 409, and the secret answered works.
     */
    @Test
    void twoActivationsAtOnceActivateOnceAndTheAnsweredSecretIsTheLiveOne() throws Exception {
        String id = register();
        String clientId = "partner-" + id;
        credentials.issueDelay = java.time.Duration.ofMillis(700);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(
                    () -> transition(id, "activation", "contract signed").extract());
            var second = pool.submit(() -> transition(id, "activation", "retry").extract());
            var answers = java.util.List.of(first.get(), second.get());
            java.util.List<Integer> statuses = answers.stream()
                    .map(io.restassured.response.ExtractableResponse::statusCode)
                    .sorted()
                    .toList();
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(200, 409), statuses);
            String answered = answers.stream()
                    .filter(a -> a.statusCode() == 200)
                    .findFirst()
                    .orElseThrow()
                    .path("clientSecret");
            org.junit.jupiter.api.Assertions.assertEquals(credentials.secrets.get(clientId), answered);
        } finally {
            credentials.issueDelay = java.time.Duration.ZERO;
            pool.shutdownNow();
        }
    }

    @Test
    void aPartnerGoesThroughItsLifecycleAndEveryStepIsAnAuditedEvent() {
        String id = register();
        String clientId = "partner-" + id;
        transition(id, "suspension", "too early").statusCode(409).body("code", is("invalid-transition"));
        transition(id, "activation", "contract signed")
                .statusCode(200)
                .body(
                        "status",
                        is("ACTIVE"),
                        "clientId",
                        is(clientId),
                        "clientSecret",
                        is(credentials.secrets.get(clientId)));
        transition(id, "activation", null).statusCode(409);
        transition(id, "suspension", null).statusCode(400).body("code", is("validation-failed"));
        transition(id, "suspension", "unpaid settlement")
                .statusCode(200)
                .body("status", is("SUSPENDED"), "clientSecret", nullValue());
        String before = credentials.secrets.get(clientId);
        transition(id, "credentials/rotation", "leaked")
                .statusCode(200)
                .body(
                        "clientId",
                        is(clientId),
                        "clientSecret",
                        not(is(before)),
                        "clientSecret",
                        is(credentials.secrets.get(clientId)));
        transition(id, "reinstatement", "paid").statusCode(200).body("status", is("ACTIVE"));
        transition(id, "offboarding", "contract ended").statusCode(200).body("status", is("OFFBOARDED"));
        assertFalse(credentials.enabled.get(clientId));
        transition(id, "reinstatement", "oops").statusCode(409);
        transition("no-such-partner", "activation", null).statusCode(404);

        given().auth()
                .oauth2(TestTokens.operator())
                .get("/partners/v1/partners/" + id + "/history")
                .then()
                .statusCode(200)
                .body(
                        "action",
                        contains(
                                "REGISTERED",
                                "ACTIVATED",
                                "SUSPENDED",
                                "CREDENTIALS_ROTATED",
                                "REINSTATED",
                                "OFFBOARDED"),
                        "[2].reason",
                        is("unpaid settlement"),
                        "[2].actor",
                        notNullValue(),
                        "[2].statusBefore",
                        is("ACTIVE"));
        try (KafkaTestClient kafka = kafka()) {
            var events = kafka.readAll(topic("partner.events"), r -> id.equals(r.key()), Duration.ofSeconds(10));
            assertEquals(
                    java.util.List.of(
                            "partner.registered",
                            "partner.activated",
                            "partner.suspended",
                            "partner.reinstated",
                            "partner.offboarded"),
                    events.stream()
                            .map(r ->
                                    new String(r.headers().lastHeader("ce_type").value()))
                            .toList());
        }
    }

    static String status(String id) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .get("/partners/v1/partners/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    /** Runs a transition while the identity provider's answers are lost (it acts, the transaction rolls back). */
    ValidatableResponse losingTheAnswer(String id, String what, String reason) {
        credentials.loseAnswers = true;
        try {
            return transition(id, what, reason).statusCode(503).body("code", is("identity-provider-unavailable"));
        } finally {
            credentials.loseAnswers = false;
        }
    }

    /**
     * An offboarding that disabled the client in the identity provider and then did not commit left
     * the partner ACTIVE (or SUSPENDED) with a disabled client for good: rotation sent the secret only,
     * reinstatement nothing. Both now enable the client of a partner that is ACTIVE after them.
     */
    @Test
    void aClientAnUncommittedOffboardingDisabledIsEnabledByRotationAndReinstatement() {
        String id = register();
        String clientId = "partner-" + id;
        transition(id, "activation", "contract signed").statusCode(200);
        losingTheAnswer(id, "offboarding", "contract ended");
        assertEquals("ACTIVE", status(id));
        assertFalse(credentials.enabled.get(clientId), "the identity provider disabled it");
        transition(id, "credentials/rotation", "the client was disabled")
                .statusCode(200)
                .body("clientSecret", is(credentials.secrets.get(clientId)));
        assertTrue(credentials.enabled.get(clientId), "an ACTIVE partner's rotated client is enabled");
        transition(id, "credentials/rotation", "again").statusCode(200);
        assertTrue(credentials.enabled.get(clientId), "idempotent");

        transition(id, "suspension", "unpaid settlement").statusCode(200);
        losingTheAnswer(id, "offboarding", "contract ended");
        assertEquals("SUSPENDED", status(id));
        assertFalse(credentials.enabled.get(clientId));
        transition(id, "credentials/rotation", "leaked").statusCode(200);
        assertFalse(credentials.enabled.get(clientId), "a SUSPENDED partner's rotation leaves the flag as it is");
        transition(id, "reinstatement", "paid").statusCode(200).body("status", is("ACTIVE"));
        assertTrue(credentials.enabled.get(clientId), "a reinstated partner's client is enabled");
        transition(id, "offboarding", "contract ended").statusCode(200);
        assertFalse(credentials.enabled.get(clientId));
    }

    /**
     * An activation that created the client and then did not commit left the partner PENDING without
     * a recorded client id, so offboarding it disabled nothing: the client stayed enabled, its secret
     * valid. Offboarding disables the partner's client by the id its partner id determines; a partner
     * that has no client at all is offboarded as before.
     */
    @Test
    void offboardingAPartnerWhoseActivationDidNotCommitDisablesItsClient() {
        String id = register();
        String clientId = "partner-" + id;
        losingTheAnswer(id, "activation", "contract signed");
        assertEquals("PENDING", status(id));
        assertTrue(credentials.enabled.get(clientId), "the identity provider created it");
        transition(id, "offboarding", "never mind").statusCode(200).body("status", is("OFFBOARDED"));
        assertFalse(credentials.enabled.get(clientId));

        String never = register();
        transition(never, "offboarding", "never mind").statusCode(200).body("status", is("OFFBOARDED"));
        assertFalse(credentials.enabled.containsKey("partner-" + never), "no client was made up");
    }

    @Test
    void onlyOperatorsChangeAPartnersStatusAndAPartnerReadsOnlyItsOwnHistory() {
        String id = register();
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "x"))
                .post("/partners/v1/partners/" + id + "/activation")
                .then()
                .statusCode(403);
        transition(id, "activation", "contract signed").statusCode(200);
        transition(id, "credentials/rotation", "leaked").statusCode(200);
        // operators see which of them did it; the partner (integration client or staff) only that an operator did
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/partners/v1/partners/" + id + "/history")
                .then()
                .statusCode(200)
                .body("action", contains("REGISTERED", "ACTIVATED", "CREDENTIALS_ROTATED"))
                .body("actor", everyItem(startsWith("operator-")));
        for (String token : java.util.List.of(TestTokens.partner(id), TestTokens.partnerStaff(id))) {
            given().auth()
                    .oauth2(token)
                    .get("/partners/v1/partners/" + id + "/history")
                    .then()
                    .statusCode(200)
                    .body("action", contains("REGISTERED", "ACTIVATED", "CREDENTIALS_ROTATED"))
                    .body("actor", everyItem(is("operator")), "[2].reason", is("leaked"));
        }
        given().auth()
                .oauth2(TestTokens.partner("other"))
                .get("/partners/v1/partners/" + id + "/history")
                .then()
                .statusCode(403);
    }
}
