package io.pointmesh.ledger;

import static io.restassured.RestAssured.given;

import io.pointmesh.testing.PackagedService;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** ledger-service as packaged (JVM jar, or native executable with -Dnative): refusals as RFC 7807 problems. */
@QuarkusIntegrationTest
@WithTestResource(PointmeshTestResource.class)
class LedgerServiceIT {

    @Test
    void refusesWhatItCannotPostAsProblems() {
        PackagedService.isReadyAndDocumented("ledger-service");
        PackagedService.refusesWithoutToken("GET", "/ledger/v1/me/balance");
        String partner = TestTokens.partner("it-" + UUID.randomUUID());
        // a partner the ledger never heard of cannot earn: refused, nothing posted
        PackagedService.problem(
                given().auth()
                        .oauth2(partner)
                        .contentType(ContentType.JSON)
                        .body(Map.of(
                                "partnerTxId",
                                UUID.randomUUID().toString(),
                                "memberId",
                                UUID.randomUUID().toString(),
                                "storeCode",
                                "S1",
                                "amount",
                                10000,
                                "currency",
                                "KRW",
                                "occurredAt",
                                Instant.now().toString()))
                        .post("/ledger/v1/earnings")
                        .then(),
                422);
        PackagedService.problem(
                given().auth()
                        .oauth2(partner)
                        .contentType(ContentType.JSON)
                        .body("{\"amount\": \"lots\"}")
                        .post("/ledger/v1/earnings")
                        .then(),
                400);
        PackagedService.problem(
                given().auth()
                        .oauth2(TestTokens.operator())
                        .get("/ledger/v1/accounts/" + UUID.randomUUID() + "/balance")
                        .then(),
                404);
    }
}
