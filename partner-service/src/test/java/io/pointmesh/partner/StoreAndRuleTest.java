package io.pointmesh.partner;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.partner.service.StoreAndRuleService;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stores (the partner's own to manage) and earn rule versions (the operator's to publish), each announced by event. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class StoreAndRuleTest {

    @Test
    void aPartnerOpensAndClosesItsOwnStoresOnly() {
        String id = PartnerLifecycleTest.register();
        String stores = "/partners/v1/partners/" + id + "/stores";
        Map<String, Object> store = Map.of("code", "GN-01", "name", "Gangnam", "channel", "OFFLINE", "region", "Seoul");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(store)
                .post(stores)
                .then()
                .statusCode(201)
                .body("code", is("GN-01"), "open", is(true));
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(store)
                .post(stores)
                .then()
                .statusCode(409)
                .body("code", is("duplicate-store"));
        given().auth()
                .oauth2(TestTokens.partner("someone-else"))
                .contentType(ContentType.JSON)
                .body(store)
                .post(stores)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(Map.of("code", "bad code!", "name", "", "channel", "MOON"))
                .post(stores)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("code", "WEB", "name", "Online shop", "channel", "ONLINE"))
                .post(stores)
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .post(stores + "/GN-01/closure")
                .then()
                .statusCode(200)
                .body("open", is(false));
        given().auth()
                .oauth2(TestTokens.partner(id))
                .post(stores + "/NOPE/closure")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .get(stores)
                .then()
                .statusCode(200)
                .body("code", contains("GN-01", "WEB"), "open", contains(false, true));
        given().auth()
                .oauth2(TestTokens.partner("someone-else"))
                .get(stores)
                .then()
                .statusCode(403);
        try (KafkaTestClient kafka = kafka()) {
            var events = kafka.readAll(topic("partner.events"), r -> id.equals(r.key()), Duration.ofSeconds(10));
            assertEquals(
                    List.of(
                            "partner.registered",
                            "partner.store-opened",
                            "partner.store-opened",
                            "partner.store-closed"),
                    events.stream()
                            .map(r ->
                                    new String(r.headers().lastHeader("ce_type").value()))
                            .toList());
        }
    }

    @Test
    void operatorsPublishEarnRuleVersionsThatNeverChangeThePast() {
        String id = PartnerLifecycleTest.register();
        String rules = "/partners/v1/partners/" + id + "/earn-rules";
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.2))
                .put(rules)
                .then()
                .statusCode(400)
                .body("code", is("validation-failed"));
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.05))
                .put(rules)
                .then()
                .statusCode(403);
        // a version is one event: more overrides than one event carries are refused, not left to stop the relay
        Map<String, Object> tooMany = new java.util.HashMap<>();
        for (int i = 0; i <= StoreAndRuleService.MAX_STORE_OVERRIDES; i++) {
            tooMany.put("S" + i, 0.02);
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.01, "storeRates", tooMany))
                .put(rules)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("storeRates"));
        // terms the ledger could not post: points available after they expire, or expired at birth
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.01, "pendingDays", 60, "validityMonths", 1))
                .put(rules)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("pendingDays"));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.01, "backdatingDays", 30, "validityMonths", 1))
                .put(rules)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("backdatingDays"));
        // a key carrying the stored form's separators read back as another store's override: GN-01 at 500 %
        for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(
                Map.of("baseRate", 0.01, "storeRates", Map.of("GN-01=5\nx", 0.01)),
                Map.of("baseRate", 0.01, "categoryRates", Map.of("food=5", 0.01)),
                Map.of("baseRate", 0.0100001),
                Map.of("baseRate", 0.01, "minimumPurchase", new java.math.BigDecimal("1E+999999999")),
                Map.of("baseRate", 0.01, "effectiveFrom", "+1000000000-01-01T00:00:00Z"))) {
            given().auth()
                    .oauth2(TestTokens.operator())
                    .contentType(ContentType.JSON)
                    .body(bad)
                    .put(rules)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get(rules)
                .then()
                .statusCode(200)
                .body("size()", is(0)); // nothing was published
        // the first version may start in the past: the contract its imported purchase history earns under
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.01, "effectiveFrom", "1997-01-01T00:00:00Z"))
                .put(rules)
                .then()
                .statusCode(200)
                .body("version", is(1));
        // later versions never reach back
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "baseRate",
                        0.01,
                        "effectiveFrom",
                        Instant.now().minus(1, ChronoUnit.DAYS).toString()))
                .put(rules)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("effectiveFrom"));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "baseRate", 0.01, "pendingDays", 7, "validityMonths", 60, "storeRates", Map.of("GN-01", 0.02)))
                .put(rules)
                .then()
                .statusCode(200)
                .body("version", is(2), "pendingDays", is(7));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "baseRate",
                        0.015,
                        "effectiveFrom",
                        Instant.now().plus(30, ChronoUnit.DAYS).toString()))
                .put(rules)
                .then()
                .statusCode(200)
                .body("version", is(3), "validityMonths", is(60), "backdatingDays", is(30));
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.02))
                .put(rules)
                .then()
                .statusCode(409)
                .body("code", is("rule-out-of-order"));
        given().auth()
                .oauth2(TestTokens.partner(id))
                .get(rules)
                .then()
                .statusCode(200)
                .body("version", contains(1, 2, 3), "[1].storeRates.GN-01", is(0.02f));
        assertEquals(3, rulePublications(id));
    }

    /**
     * A rule version stored the publishing operator's user name (preferred_username) as publishedBy, and the
     * partner's own reads (its integration client, its staff; the console's "Published ... by") showed it: the
     * network's staff directory, not the partner's to read. The partner sees "operator", as on its settlement
     * statements and in its lifecycle history; operators see the name.
     */
    @Test
    void aPartnerSeesThatAnOperatorPublishedItsRuleNotWhichOne() {
        String id = PartnerLifecycleTest.register();
        String rules = "/partners/v1/partners/" + id + "/earn-rules";
        String name = "ops-kim-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String kim = TestTokens.token(name, List.of("operator"), Map.of("azp", "pointmesh-operator"));
        given().auth()
                .oauth2(kim)
                .contentType(ContentType.JSON)
                .body(Map.of("baseRate", 0.02))
                .put(rules)
                .then()
                .statusCode(200)
                .body("publishedBy", is(name));
        for (String token : List.of(TestTokens.partner(id), TestTokens.partnerStaff(id))) {
            String body = given().auth()
                    .oauth2(token)
                    .get(rules)
                    .then()
                    .statusCode(200)
                    .body("version", contains(1), "[0].publishedBy", is("operator"))
                    .extract()
                    .asString();
            org.junit.jupiter.api.Assertions.assertFalse(body.contains(name), body);
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .get(rules)
                .then()
                .statusCode(200)
                .body("[0].publishedBy", is(name));
    }

    static io.restassured.response.ValidatableResponse publish(String rules, Map<String, Object> body) {
        return given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(body)
                .put(rules)
                .then();
    }

    /**
     * A later version took effect up to five minutes in the past (repricing what the ledger had
     * priced under the version before it), and at the very instant of the newest one. Neither now:
     * the past is 400 naming effectiveFrom, the newest version's instant or earlier 409
     * rule-out-of-order, compared as stored (microseconds); nothing is published.
     */
    @Test
    void aLaterVersionTakesEffectNeitherInThePastNorAtTheNewestVersionsInstant() {
        String id = PartnerLifecycleTest.register();
        String rules = "/partners/v1/partners/" + id + "/earn-rules";
        publish(rules, Map.of("baseRate", 0.01)).statusCode(200).body("version", is(1));
        for (Instant past :
                List.of(Instant.now().minusSeconds(60), Instant.now().minusSeconds(290))) {
            publish(rules, Map.of("baseRate", 0.02, "effectiveFrom", past.toString()))
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", is("validation-failed"), "errors[0].field", is("effectiveFrom"));
        }
        // a client's "now" a moment behind ours means now: it takes effect at publication, not 3 s back
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String stored = publish(
                        rules,
                        Map.of(
                                "baseRate",
                                0.015,
                                "effectiveFrom",
                                before.minusSeconds(3).toString()))
                .statusCode(200)
                .body("version", is(2))
                .extract()
                .path("effectiveFrom");
        org.junit.jupiter.api.Assertions.assertFalse(
                Instant.parse(stored).isBefore(before), stored + " is before the request (" + before + ")");
        Instant next = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        publish(rules, Map.of("baseRate", 0.02, "effectiveFrom", next.toString()))
                .statusCode(200)
                .body("version", is(3));
        // the same instant, once as written and once a nanosecond later (stored as the same microsecond)
        for (Instant same : List.of(next, next.plusNanos(1), next.minusSeconds(1))) {
            publish(rules, Map.of("baseRate", 0.03, "effectiveFrom", same.toString()))
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("code", is("rule-out-of-order"));
        }
        publish(
                        rules,
                        Map.of(
                                "baseRate",
                                0.03,
                                "effectiveFrom",
                                next.plusNanos(1000).toString()))
                .statusCode(200)
                .body("version", is(4));
        given().auth()
                .oauth2(TestTokens.operator())
                .get(rules)
                .then()
                .statusCode(200)
                .body("version", contains(1, 2, 3, 4), "baseRate", contains(0.01f, 0.015f, 0.02f, 0.03f));
        assertEquals(4, rulePublications(id));
    }

    /** The partner's earn rule versions published on partner.events. */
    private static long rulePublications(String partnerId) {
        try (KafkaTestClient kafka = kafka()) {
            return kafka.count(
                    topic("partner.events"),
                    r -> partnerId.equals(r.key()) && r.value().contains("partner.earn-rule-published"),
                    Duration.ofSeconds(10));
        }
    }
}
