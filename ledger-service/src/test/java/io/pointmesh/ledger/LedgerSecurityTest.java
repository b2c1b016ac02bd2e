package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.STORE;
import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.card;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerFixture.hold;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who may do what: the partner is always the token's, a member sees only their own account. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LedgerSecurityTest {

    @Test
    void aPartnerCannotActAsOrReadAnotherPartner() {
        String a = LedgerFixture.partner();
        String b = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String earning = earn(a, member, "10000").statusCode(201).extract().path("earningId");
        // b's token can neither read nor reverse a's earning: not found (ids are not to be probed)
        given().auth()
                .oauth2(TestTokens.partner(b))
                .get("/ledger/v1/earnings/" + earning)
                .then()
                .statusCode(404);
        LedgerScenariosTest.reverse(b, earning, "10000").statusCode(404);
        String redemption = hold(a, member, 50).statusCode(201).extract().path("redemptionId");
        given().auth()
                .oauth2(TestTokens.partner(b))
                .post("/ledger/v1/redemptions/" + redemption + "/capture")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.partner(b))
                .post("/ledger/v1/redemptions/" + redemption + "/void")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.partner(b))
                .get("/ledger/v1/partners/" + a + "/totals?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z")
                .then()
                .statusCode(403);
        // a body naming another partner changes nothing: the partner is the token's partner_id
        given().auth()
                .oauth2(TestTokens.partner(b))
                .contentType("application/json")
                .body(Map.of(
                        "partnerId",
                        a,
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "cardNumber",
                        card(member),
                        "storeCode",
                        STORE,
                        "amount",
                        1000,
                        "currency",
                        "KRW",
                        "occurredAt",
                        java.time.Instant.now().minusSeconds(5).toString()))
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/partners/" + a + "/totals?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z")
                .then()
                .statusCode(200)
                .body("pointsIssued", is(100));
        // a partner token without its partner_id claim is refused
        given().auth()
                .oauth2(TestTokens.token("svc", List.of("partner"), Map.of()))
                .contentType("application/json")
                .body(Map.of("partnerTxId", "x"))
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(403);
    }

    @Test
    void membersSeeOnlyTheirOwnAccountAndCannotPostAsAPartner() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String other = LedgerFixture.member();
        earn(partner, member, "10000").statusCode(201);
        balance(other).body("available", is(0));
        balance(member).body("available", is(100));
        given().auth()
                .oauth2(TestTokens.member(other))
                .get("/ledger/v1/accounts/" + member + "/balance")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.member(other))
                .get("/ledger/v1/accounts/" + member + "/entries")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.member(member))
                .contentType("application/json")
                .body(Map.of("partnerTxId", "x"))
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.member(member))
                .get("/ledger/v1/cards/" + card(member) + "/balance")
                .then()
                .statusCode(403);
        given().get("/ledger/v1/me/balance").then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.noRole())
                .get("/ledger/v1/me/balance")
                .then()
                .statusCode(403);
        // the POS sees only the available points of a card
        given().auth()
                .oauth2(TestTokens.partner(partner))
                .get("/ledger/v1/cards/" + card(member) + "/balance")
                .then()
                .statusCode(200)
                .body("available", is(100), "lifetimeEarned", org.hamcrest.Matchers.nullValue());
        // the till's, not a staff member's signed in to the console: 403
        given().auth()
                .oauth2(TestTokens.partnerStaff(partner))
                .get("/ledger/v1/cards/" + card(member) + "/balance")
                .then()
                .statusCode(403)
                .body("code", is("read-only-credentials"));
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/ledger/v1/accounts/" + member + "/entries")
                .then()
                .statusCode(200)
                .body("entries.size()", is(1));
    }

    @Test
    void theOperatorRoleCountsOnlyFromTheOperatorsOwnClients() {
        String member = LedgerFixture.member();
        // a client made by partner-service (or anyone managing clients) with a hardcoded operator role
        for (String client : List.of("partner-" + UUID.randomUUID(), "pointmesh-mobile")) {
            given().auth()
                    .oauth2(TestTokens.operatorRoleFromClient(client))
                    .get("/ledger/v1/accounts/" + member + "/balance")
                    .then()
                    .statusCode(403);
            given().auth()
                    .oauth2(TestTokens.operatorRoleFromClient(client))
                    .contentType("application/json")
                    .body(Map.of("memberId", member, "points", 1000, "reason", "free points"))
                    .header("Idempotency-Key", "k")
                    .post("/ledger/v1/adjustments")
                    .then()
                    .statusCode(403);
        }
        balance(member).body("available", is(0));
        given().auth()
                .oauth2(TestTokens.operatorRoleFromClient("pointmesh-dashboard"))
                .get("/ledger/v1/accounts/" + member + "/balance")
                .then()
                .statusCode(200);
    }
}
