package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A partner's settlement statement equals the ledger's own totals for the partner and period, to
 * the point: the partner earns (with its own and a network-funded campaign), refunds part, and a
 * redemption is captured and reversed, all through the real APIs with the partner's real
 * Keycloak credentials; partner-service learns every posting only from ledger.events.
 */
class SettlementE2ETest {

    static final ZoneId SETTLEMENT_ZONE = ZoneId.of("Asia/Seoul");

    @Test
    void aStatementEqualsTheLedgersTotalsToThePoint() {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        Partners.ActivePartner partner = Partners.active(stack, operator);
        String partnerId = partner.partnerId();
        String token = partner.token();
        String partners = stack.url("partner") + "/partners/v1/partners/" + partnerId;
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(campaign("Double points", "MULTIPLIER", null))
                .post(partners + "/campaigns")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(campaign("Network welcome", "FIXED", "NETWORK"))
                .post(partners + "/campaigns")
                .then()
                .statusCode(201);

        String member = Members.joinedByEvent();
        String ledger = stack.url("ledger") + "/ledger/v1";
        // once the ledger has learned the partner, rule, store, both campaigns and the member by
        // event: base 1000 + the partner's double 1000 + the network's fixed 100
        String[] earningId = new String[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonPath earned = given().auth()
                            .oauth2(token)
                            .contentType(ContentType.JSON)
                            .body(Map.of(
                                    "partnerTxId",
                                    UUID.randomUUID().toString(),
                                    "memberId",
                                    member,
                                    "storeCode",
                                    "GN-001",
                                    "amount",
                                    100000,
                                    "currency",
                                    "KRW",
                                    "occurredAt",
                                    Instant.now().toString()))
                            .post(ledger + "/earnings")
                            .then()
                            .extract()
                            .jsonPath();
                    Object points = earned.get("points");
                    assertEquals(2100, points == null ? -1 : ((Number) points).intValue(), earned.prettify());
                    earningId[0] = earned.getString("earningId");
                });
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("partnerTxId", UUID.randomUUID().toString(), "amount", 30000))
                .post(ledger + "/earnings/" + earningId[0] + "/reversals")
                .then()
                .statusCode(201);
        // the partner alone cannot spend by member id; an operator's support hold can, with a reason
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "memberId",
                        member,
                        "storeCode",
                        "GN-001",
                        "points",
                        500))
                .post(ledger + "/redemptions")
                .then()
                .statusCode(403);
        String hold = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "memberId",
                        member,
                        "partnerId",
                        partnerId,
                        "storeCode",
                        "GN-001",
                        "points",
                        500,
                        "reason",
                        "settlement e2e: the member paid by phone"))
                .post(ledger + "/redemptions")
                .then()
                .statusCode(201)
                .extract()
                .path("redemptionId");
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("points", 400))
                .post(ledger + "/redemptions/" + hold + "/capture")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("partnerTxId", UUID.randomUUID().toString()))
                .post(ledger + "/redemptions/" + hold + "/reversals")
                .then()
                .statusCode(200);

        LocalDate today = LocalDate.now(SETTLEMENT_ZONE);
        Instant from = today.atStartOfDay(SETTLEMENT_ZONE).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(SETTLEMENT_ZONE).toInstant();
        Map<String, Object> totals = given().auth()
                .oauth2(token)
                .get(ledger + "/partners/" + partnerId + "/totals?from=" + from + "&to=" + to)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        long issued = number(totals, "pointsIssued");
        assertTrue(
                issued >= 2000
                        && number(totals, "networkFundedPoints") >= 100
                        && number(totals, "pointsIssuedReversed") > 0
                        && number(totals, "networkFundedReversed") > 0
                        && number(totals, "pointsRedeemed") == 400
                        && number(totals, "pointsRedemptionReversed") == 400,
                "the flow moved points every way: " + totals);

        // the partner's own view of its statement for today, once the events have arrived
        String preview = partners + "/settlements/preview?periodStart=" + today + "&periodEnd=" + today;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Object> statement = given().auth()
                    .oauth2(token)
                    .get(preview)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getMap("$");
            for (String[] pair : List.of(
                    new String[] {"pointsIssued", "pointsIssued"},
                    new String[] {"pointsIssuedReversed", "pointsIssuedReversed"},
                    new String[] {"networkFundedPoints", "networkFundedPoints"},
                    new String[] {"networkFundedReversed", "networkFundedReversed"},
                    new String[] {"pointsRedeemed", "pointsRedeemed"},
                    new String[] {"pointsRedeemedReversed", "pointsRedemptionReversed"},
                    new String[] {"pointsConverted", "pointsConverted"},
                    new String[] {"pointsRedeemedRewards", "pointsRedeemedRewards"},
                    new String[] {"pointsRedeemedRewardsReversed", "pointsRedeemedRewardsReversed"})) {
                assertEquals(
                        number(totals, pair[1]),
                        number(statement, pair[0]),
                        pair[0] + " in " + statement + " vs " + totals);
            }
            assertEquals(from.toString(), statement.get("periodFrom"));
            assertEquals(to.toString(), statement.get("periodTo"));
        });
        // and nothing of another partner's
        given().auth()
                .oauth2(token)
                .get(stack.url("partner") + "/partners/v1/partners/someone-else/settlements")
                .then()
                .statusCode(403);
    }

    private static Map<String, Object> campaign(String name, String kind, String fundedBy) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("bonusKind", kind);
        if (kind.equals("MULTIPLIER")) {
            body.put("multiplier", 2);
        } else {
            body.put("fixedPoints", 100);
        }
        body.put("startsAt", Instant.now().minus(1, ChronoUnit.MINUTES).toString());
        body.put("endsAt", Instant.now().plus(1, ChronoUnit.DAYS).toString());
        if (fundedBy != null) {
            body.put("fundedBy", fundedBy);
        }
        return body;
    }

    private static long number(Map<String, Object> json, String field) {
        return ((Number) json.get(field)).longValue();
    }
}
