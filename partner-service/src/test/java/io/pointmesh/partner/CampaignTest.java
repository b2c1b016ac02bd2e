package io.pointmesh.partner;

import static io.pointmesh.testing.TestEvents.kafka;
import static io.pointmesh.testing.TestEvents.topic;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.Test;

/** Campaigns of an active partner, by the partner or an operator; mileage programs by operators. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class CampaignTest {

    static Map<String, Object> campaign() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Double points weekend");
        body.put("bonusKind", "MULTIPLIER");
        body.put("multiplier", 2);
        body.put("startsAt", Instant.now().toString());
        body.put("endsAt", Instant.now().plus(3, ChronoUnit.DAYS).toString());
        body.put("target", "GRADE");
        body.put("targetValue", "VIP");
        body.put("budgetPoints", 100000);
        body.put("treatmentShare", 0.8);
        return body;
    }

    @Test
    void anActivePartnerRunsItsOwnCampaignsAndOnlyOperatorsSpendTheNetworksMoney() {
        String id = PartnerLifecycleTest.register();
        String campaigns = "/partners/v1/partners/" + id + "/campaigns";
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(campaign())
                .post(campaigns)
                .then()
                .statusCode(409)
                .body("code", is("partner-not-active"));
        PartnerLifecycleTest.transition(id, "activation", "go").statusCode(200);
        String campaignId = given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(campaign())
                .post(campaigns)
                .then()
                .statusCode(201)
                .body("campaignId", notNullValue(), "fundedBy", is("PARTNER"), "treatmentShare", is(0.8f))
                .extract()
                .path("campaignId");
        Map<String, Object> network = campaign();
        network.put("fundedBy", "NETWORK");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(network)
                .post(campaigns)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(network)
                .post(campaigns)
                .then()
                .statusCode(201);
        Map<String, Object> bad = campaign();
        bad.put("targetValue", "PLATINUM");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(bad)
                .post(campaigns)
                .then()
                .statusCode(400);
        bad = campaign();
        bad.put("endsAt", Instant.now().minus(1, ChronoUnit.DAYS).toString());
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(bad)
                .post(campaigns)
                .then()
                .statusCode(400);
        // ratios with more decimal places than any split needs (1e-999999999 stalled the event loop, then 500)
        for (String[] ratio : new String[][] {
            {"treatmentShare", "1e-999999999"}, {"treatmentShare", "0.50001"}, {"multiplier", "2.00001"}
        }) {
            given().auth()
                    .oauth2(TestTokens.partner(id))
                    .contentType(ContentType.JSON)
                    .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                    .body("{\"name\":\"r\",\"bonusKind\":\"MULTIPLIER\",\"multiplier\":"
                            + ("multiplier".equals(ratio[0]) ? ratio[1] : "2") + ",\"startsAt\":\"" + Instant.now()
                            + "\",\"endsAt\":\"" + Instant.now().plus(3, ChronoUnit.DAYS) + "\",\"target\":\"EVERYONE\""
                            + ("treatmentShare".equals(ratio[0]) ? ",\"treatmentShare\":" + ratio[1] : "") + "}")
                    .post(campaigns)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        // times PostgreSQL cannot store (the campaign never reached the ledger: its event failed there)
        bad = campaign();
        bad.put("endsAt", "+1000000000-01-01T00:00:00Z");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(bad)
                .post(campaigns)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("endsAt"));
        // a nanosecond apart is one time once stored (microseconds): "after startsAt" is checked as stored, not 500
        bad = campaign();
        bad.put("startsAt", "2030-01-01T00:00:00.000000001Z");
        bad.put("endsAt", "2030-01-01T00:00:00.000000002Z");
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(bad)
                .post(campaigns)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("endsAt"));
        // a fixed bonus the ledger could never pay in one operation (Long.MAX_VALUE credited ~9.2E18 points)
        for (long fixed : new long[] {Long.MAX_VALUE, 1_000_000_001L, 1_000_001L, 0}) {
            bad = campaign();
            bad.put("bonusKind", "FIXED");
            bad.remove("multiplier");
            bad.put("fixedPoints", fixed);
            given().auth()
                    .oauth2(TestTokens.partner(id))
                    .contentType(ContentType.JSON)
                    .body(bad)
                    .post(campaigns)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        bad = campaign();
        bad.put("bonusKind", "FIXED");
        bad.remove("multiplier");
        bad.put("fixedPoints", 1_000_000L);
        String another = PartnerLifecycleTest.register(); // the network's limit itself is accepted
        PartnerLifecycleTest.transition(another, "activation", "go").statusCode(200);
        given().auth()
                .oauth2(TestTokens.partner(another))
                .contentType(ContentType.JSON)
                .body(bad)
                .post("/partners/v1/partners/" + another + "/campaigns")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(TestTokens.partner("other"))
                .contentType(ContentType.JSON)
                .body(campaign())
                .post(campaigns)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(Map.of("reason", "sold out"))
                .post(campaigns + "/" + campaignId + "/end")
                .then()
                .statusCode(200)
                .body("endedAt", notNullValue());
        given().auth()
                .oauth2(TestTokens.partner(id))
                .get(campaigns)
                .then()
                .statusCode(200)
                .body("$", hasSize(2));
        try (KafkaTestClient kafka = kafka()) {
            assertEquals(
                    2,
                    kafka.count(
                            topic("partner.events"),
                            r -> r.value().contains("partner.campaign-published")
                                    && r.value().contains(id),
                            Duration.ofSeconds(10)));
            kafka.await(
                    topic("partner.events"),
                    r -> r.key().equals(campaignId) && r.value().contains("partner.campaign-ended"),
                    Duration.ofSeconds(10));
        }
    }

    static ValidatableResponse create(String partner, String key, Map<String, Object> body) {
        var request = given().auth().oauth2(TestTokens.partner(partner)).contentType(ContentType.JSON);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.body(body)
                .post("/partners/v1/partners/" + partner + "/campaigns")
                .then();
    }

    static long campaigns(String partner) {
        return TestDb.count("SELECT count(*) FROM campaign WHERE partner_id = ?", partner);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheFirstCampaignAndCreatesNothing() {
        String id = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(id, "activation", "go").statusCode(200);
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = campaign();
        String campaignId = create(id, key, body)
                .statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .extract()
                .path("campaignId");
        // the same request again, its numbers written differently (2 and 2.0 are one multiplier)
        Map<String, Object> again = new HashMap<>(body);
        again.put("multiplier", new BigDecimal("2.00"));
        again.put("fundedBy", "PARTNER");
        create(id, key, again)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("campaignId", is(campaignId), "name", is("Double points weekend"));
        assertEquals(1, campaigns(id));

        // the same key with another request: refused, nothing created
        Map<String, Object> other = new HashMap<>(body);
        other.put("multiplier", 3);
        create(id, key, other).statusCode(409).body("code", is("idempotency-key-reused"));
        assertEquals(1, campaigns(id));

        // another partner's same key is unrelated
        String other2 = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(other2, "activation", "go").statusCode(200);
        String otherId = create(other2, key, body).statusCode(201).extract().path("campaignId");
        assertNotEquals(campaignId, otherId);
        assertEquals(1, campaigns(other2));

        // without a key every request is new, as before
        create(id, null, body).statusCode(201);
        create(id, null, body).statusCode(201);
        assertEquals(3, campaigns(id));

        // a key that is empty, too long or not visible ASCII is refused, naming the header
        for (String bad : List.of("", "a".repeat(201), "two words")) {
            given().auth()
                    .oauth2(TestTokens.partner(id))
                    .contentType(ContentType.JSON)
                    .header("Idempotency-Key", bad)
                    .body(body)
                    .post("/partners/v1/partners/" + id + "/campaigns")
                    .then()
                    .statusCode(400)
                    .body("code", is("validation-failed"), "errors[0].field", is("Idempotency-Key"));
        }
        create(id, "a".repeat(200), body).statusCode(201);
        assertEquals(4, campaigns(id));
    }

    @Test
    void twentyConcurrentRequestsWithOneKeyCreateOneCampaign() throws Exception {
        String id = PartnerLifecycleTest.register();
        PartnerLifecycleTest.transition(id, "activation", "go").statusCode(200);
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = campaign();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object[]>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    var r = create(id, key, body).extract();
                    return new Object[] {r.statusCode(), r.path("campaignId")};
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            Set<Object> ids = new HashSet<>();
            for (Future<Object[]> f : answers) {
                Object[] a = f.get(60, TimeUnit.SECONDS);
                statuses.add((Integer) a[0]);
                ids.add(a[1]);
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(19, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(1, ids.size(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, campaigns(id));
        assertEquals(
                1, TestDb.count("SELECT count(*) FROM campaign WHERE partner_id = ? AND idempotency_key = ?", id, key));
    }

    @Test
    void operatorsSetMileageTerms() {
        String id = PartnerLifecycleTest.register();
        String program = "/partners/v1/partners/" + id + "/mileage-program";
        Map<String, Object> terms =
                Map.of("programCode", "SKYPASS", "milesPerPoint", 0.5, "minimumPoints", 1000, "stepPoints", 100);
        given().auth()
                .oauth2(TestTokens.partner(id))
                .contentType(ContentType.JSON)
                .body(terms)
                .put(program)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(Map.of("programCode", "X"))
                .put(program)
                .then()
                .statusCode(400);
        // a conversion multiplies points by it: bounded in size and decimal places
        // trailing zeros are not decimal places: 1.50000 is 1.5
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(
                        "{\"programCode\":\"SKYPASS\",\"milesPerPoint\":1.50000,\"minimumPoints\":1000,\"stepPoints\":100}")
                .put(program)
                .then()
                .statusCode(200);
        for (String miles : new String[] {"1E+999999999", "1E-999999999", "1000.1", "0.00001"}) {
            given().auth()
                    .oauth2(TestTokens.operator())
                    .contentType(ContentType.JSON)
                    .body("{\"programCode\":\"SKYPASS\",\"milesPerPoint\":" + miles
                            + ",\"minimumPoints\":1000,\"stepPoints\":100}")
                    .put(program)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().auth()
                .oauth2(TestTokens.operator())
                .contentType(ContentType.JSON)
                .body(terms)
                .put(program)
                .then()
                .statusCode(200)
                .body("milesPerPoint", is(0.5f));
        try (KafkaTestClient kafka = kafka()) {
            kafka.await(
                    topic("partner.events"),
                    r -> id.equals(r.key()) && r.value().contains("partner.mileage-program-published"),
                    Duration.ofSeconds(10));
        }
    }
}
