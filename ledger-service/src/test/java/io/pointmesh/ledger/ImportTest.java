package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.STORE;
import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerScenariosTest.rows;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * History import: past purchases earn under the rules of their time, once, whatever is sent again;
 * rejected items are reported and stop nothing; every call is audited and its earnings linked.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class ImportTest {

    static ValidatableResponse importBatch(
            String token, String partner, String importId, List<Map<String, Object>> earnings) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("importId", importId, "partnerId", partner, "earnings", earnings))
                .post("/ledger/v1/imports/earnings")
                .then();
    }

    static Map<String, Object> purchase(String tx, String member, String amount, Instant at) {
        return Map.of(
                "partnerTxId",
                tx,
                "memberId",
                member,
                "storeCode",
                STORE,
                "amount",
                amount,
                "currency",
                "KRW",
                "occurredAt",
                at.toString());
    }

    @Test
    void pastPurchasesEarnOnceUnderTheRulesOfTheirTime() throws SQLException {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        Instant twoYearsAgo = Instant.now().minus(730, ChronoUnit.DAYS);
        Instant lastMonth = Instant.now().minus(30, ChronoUnit.DAYS);
        String tx1 = UUID.randomUUID().toString();
        String tx2 = UUID.randomUUID().toString();
        List<Map<String, Object>> batch = List.of(
                purchase(tx1, member, "100000", twoYearsAgo),
                purchase(tx2, member, "50000", lastMonth),
                purchase(tx1, member, "100000", twoYearsAgo), // the same purchase twice in a file
                purchase(UUID.randomUUID().toString(), "no-such-member", "10000", lastMonth));
        String op = TestTokens.operator();
        importBatch(op, partner, "history-part-1", batch)
                .statusCode(200)
                .body(
                        "items",
                        is(4),
                        "earned",
                        is(2),
                        "replayed",
                        is(1),
                        "rejected",
                        is(1),
                        "results[0].status",
                        is("EARNED"),
                        "results[0].points",
                        is(1000),
                        "results[2].status",
                        is("REPLAYED"),
                        "results[3].status",
                        is("REJECTED"),
                        "results[3].code",
                        is("unknown-member"));
        balance(member).body("available", is(1500));
        // the file sent again: nothing earns twice
        importBatch(op, partner, "history-part-1", batch)
                .statusCode(200)
                .body("earned", is(0), "replayed", is(3), "rejected", is(1));
        balance(member).body("available", is(1500));
        // the two-year-old purchase keeps its own time: it expires 60 months after it, not after the import
        assertEquals(
                List.of(twoYearsAgo.plus(0, ChronoUnit.DAYS).toString().substring(0, 10)),
                rows("SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM earning WHERE partner_tx_id = '"
                        + tx1 + "'"));
        // audited: two calls, two earnings linked to the first
        assertEquals(List.of("2"), rows("SELECT count(*) FROM earning_import WHERE partner_id = '" + partner + "'"));
        assertEquals(
                List.of("2"),
                rows("SELECT count(*) FROM earning_import_item i JOIN earning_import e ON e.id = i.import "
                        + "WHERE e.partner_id = '" + partner + "'"));
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
        // live earning keeps its back-dating window
        earn(partner, member, "10000", UUID.randomUUID().toString(), twoYearsAgo)
                .statusCode(422)
                .body("code", is("occurred-too-long-ago"));
    }

    @Test
    void historyIsNotAFirstPurchaseForTheReferralBonus() throws SQLException {
        String partner = LedgerFixture.partner();
        String referrer = LedgerFixture.member();
        String referred = LedgerFixture.member(referrer);
        importBatch(
                        TestTokens.operator(),
                        partner,
                        "referral-history",
                        List.of(purchase(
                                UUID.randomUUID().toString(),
                                referred,
                                "50000", // 500 points: it would qualify, were it not history
                                Instant.now().minus(300, ChronoUnit.DAYS))))
                .statusCode(200)
                .body("earned", is(1));
        assertEquals(List.of("0"), rows("SELECT count(*) FROM referral_bonus WHERE member_id = '" + referred + "'"));
        earn(partner, referred, "50000").statusCode(201);
        assertEquals(List.of("1"), rows("SELECT count(*) FROM referral_bonus WHERE member_id = '" + referred + "'"));
    }

    @Test
    void onlyOperatorsImportAndBadBatchesAreRefused() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        List<Map<String, Object>> one = List.of(purchase(UUID.randomUUID().toString(), member, "1000", Instant.now()));
        importBatch(TestTokens.partner(partner), partner, "x", one).statusCode(403);
        importBatch(TestTokens.member(member), partner, "x", one).statusCode(403);
        given().contentType("application/json")
                .body(Map.of())
                .post("/ledger/v1/imports/earnings")
                .then()
                .statusCode(401);
        String op = TestTokens.operator();
        importBatch(op, partner, "x", List.of()).statusCode(400);
        importBatch(op, partner, "", one).statusCode(400);
        given().auth()
                .oauth2(op)
                .contentType("application/json")
                .body(Map.of("importId", "x", "earnings", one))
                .post("/ledger/v1/imports/earnings")
                .then()
                .statusCode(400);
        balance(member).body("available", is(0));
        // a null item is that item's refusal; the rest of the file imports (it answered 500)
        java.util.List<Map<String, Object>> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        withNull.add(purchase(
                UUID.randomUUID().toString(), member, "1000", Instant.now().minusSeconds(60)));
        importBatch(op, partner, "nulls-" + UUID.randomUUID(), withNull)
                .statusCode(200)
                .body(
                        "results[0].status",
                        is("REJECTED"),
                        "results[0].code",
                        is("missing-body"),
                        "results[1].status",
                        is("EARNED"));
        // a NUL in a field cannot be stored: that item's own fault, said as a lone earning says it (it was
        // "failed ... sending the batch again is safe", which it never would be)
        java.util.List<Map<String, Object>> withNul = new java.util.ArrayList<>();
        withNul.add(purchase(
                "nul\u0000" + UUID.randomUUID(), member, "1000", Instant.now().minusSeconds(60)));
        withNul.add(purchase(
                UUID.randomUUID().toString(), member, "1000", Instant.now().minusSeconds(60)));
        importBatch(op, partner, "nul-" + UUID.randomUUID(), withNul)
                .statusCode(200)
                .body(
                        "results[0].status",
                        is("REJECTED"),
                        "results[0].code",
                        is("invalid-characters"),
                        "results[1].status",
                        is("EARNED"));
        balance(member).body("available", is(20));
    }
}
