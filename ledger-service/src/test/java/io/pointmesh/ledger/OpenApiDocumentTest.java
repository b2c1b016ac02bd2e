package io.pointmesh.ledger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pointmesh.testing.OpenApiDocumentContract;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ledger's OpenAPI document is complete (OpenApiDocumentContract), and what the ledger really answers is in it:
 * a problem provoked here must be documented for its operation with its code.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class OpenApiDocumentTest extends OpenApiDocumentContract {

    @Test
    void theProblemsTheLedgerAnswersWithAreTheDocumentedOnes() throws Exception {
        JsonNode earn =
                servedDocument().path("paths").path("/ledger/v1/earnings").path("post");
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String txId = UUID.randomUUID().toString();
        LedgerFixture.earn(partner, member, "10000", txId, Instant.now().minusSeconds(60))
                .statusCode(201);
        // the same partnerTxId with another amount; an unknown card; an amount of zero; another partner's earning
        String reused = LedgerFixture.earn(
                        partner, member, "20000", txId, Instant.now().minusSeconds(60))
                .statusCode(409)
                .extract()
                .path("code");
        String unknown = given().auth()
                .oauth2(TestTokens.partner(partner))
                .contentType("application/json")
                .body(Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "cardNumber",
                        "9400000000000000",
                        "storeCode",
                        LedgerFixture.STORE,
                        "amount",
                        new BigDecimal("10000"),
                        "currency",
                        "KRW",
                        "occurredAt",
                        Instant.now().minusSeconds(60).toString()))
                .post("/ledger/v1/earnings")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .extract()
                .path("code");
        for (Object[] answer : List.of(new Object[] {"409", reused}, new Object[] {"422", unknown})) {
            JsonNode codes = earn.path("x-problem-codes").path((String) answer[0]);
            boolean documented = false;
            for (JsonNode c : codes) {
                documented |= c.asText().equals(answer[1]);
            }
            assertTrue(
                    documented, answer[0] + " " + answer[1] + " is documented for POST /ledger/v1/earnings: " + codes);
            assertTrue(earn.path("responses")
                    .path((String) answer[0])
                    .path("content")
                    .has("application/problem+json"));
        }
    }
}
