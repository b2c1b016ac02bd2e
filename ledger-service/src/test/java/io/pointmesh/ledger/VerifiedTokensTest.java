package io.pointmesh.ledger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.platform.security.VerifiedTokens;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache (platform {@link VerifiedTokens}, docs/security.md "Verified tokens")
 * over real requests: a token is checked once and then served, and nothing about who may do what
 * changes: a copy with one byte changed, an expired token, a forged operator role and another
 * member's token are each answered as quarkus-oidc alone would answer them.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class VerifiedTokensTest {

    @Inject
    VerifiedTokens tokens;

    @Test
    void aTokenIsVerifiedOnceThenServedAndStillAnswersForItsOwnMember() {
        String alice = LedgerFixture.member();
        String bob = LedgerFixture.member();
        String aliceToken = TestTokens.member(alice);
        String bobToken = TestTokens.member(bob);
        long hits = tokens.hits();
        for (int i = 0; i < 3; i++) {
            given().auth()
                    .oauth2(aliceToken)
                    .get("/ledger/v1/me/balance")
                    .then()
                    .statusCode(200);
            // each token keeps its own identity: bob's requests between alice's never see hers
            given().auth().oauth2(bobToken).get("/ledger/v1/me/entries").then().statusCode(200);
        }
        assertTrue(tokens.hits() - hits >= 4, "the second and third use of each token are served");
        // the served identity is the token's: bob's balance is bob's (the earning went to alice only)
        String partner = LedgerFixture.partner();
        LedgerFixture.earn(partner, alice, "100000").statusCode(201);
        long aliceAvailable = available(aliceToken);
        long bobAvailable = available(bobToken);
        assertTrue(aliceAvailable > 0, "alice earned");
        assertEquals(0, bobAvailable, "bob did not");
    }

    /** The available points of the member the token is for, asked with that very token (it is served). */
    static long available(String token) {
        return given().auth()
                .oauth2(token)
                .get("/ledger/v1/me/balance")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("available");
    }

    @Test
    void aCopyWithOneByteChangedIsRefusedAfterTheTokenWasServed() {
        String member = LedgerFixture.member();
        String token = TestTokens.member(member);
        long hits = tokens.hits();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).get("/ledger/v1/me/balance").then().statusCode(200);
        }
        assertTrue(tokens.hits() > hits, "the token is served from the cache before its copies are tried");
        // a character inside the signature (the last one may carry only padding bits, which decoders ignore)
        int at = token.length() - 20;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        given().auth().oauth2(tampered).get("/ledger/v1/me/balance").then().statusCode(401);
        // the claims changed and the signature kept: another text, verified, refused
        String[] parts = token.split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("{\"sub\":\"someone-else\",\"aud\":\"pointmesh-api\",\"realm_access\":{\"roles\":"
                                + "[\"member\"]}}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        given().auth()
                .oauth2(parts[0] + "." + otherPayload + "." + parts[2])
                .get("/ledger/v1/me/balance")
                .then()
                .statusCode(401);
        given().auth().oauth2(token).get("/ledger/v1/me/balance").then().statusCode(200);
    }

    @Test
    void anExpiredTokenIsRefusedEvenThoughItWasServedBefore() throws InterruptedException {
        String member = LedgerFixture.member();
        long exp = Instant.now().getEpochSecond() + 3;
        String token = Jwt.claims()
                .issuer("https://server.example.com")
                .audience("pointmesh-api")
                .subject(member)
                .claim("realm_access", Map.of("roles", List.of("member")))
                .expiresAt(exp)
                .jws()
                .keyId("1")
                .sign("privateKey.jwk");
        long hits = tokens.hits();
        given().auth().oauth2(token).get("/ledger/v1/me/balance").then().statusCode(200);
        given().auth().oauth2(token).get("/ledger/v1/me/balance").then().statusCode(200);
        assertTrue(tokens.hits() > hits, "served while valid");
        while (Instant.now().getEpochSecond() <= exp) {
            Thread.sleep(200);
        }
        given().auth().oauth2(token).get("/ledger/v1/me/balance").then().statusCode(401);
        given().auth().oauth2(token).get("/ledger/v1/me/balance").then().statusCode(401);
    }

    @Test
    void aForgedOperatorRoleStaysIgnoredWhenTheTokenIsServed() {
        String member = LedgerFixture.member();
        String forged = TestTokens.operatorRoleFromClient("partner-forged");
        String operator = TestTokens.operator();
        long hits = tokens.hits();
        for (int i = 0; i < 3; i++) {
            given().auth()
                    .oauth2(forged)
                    .get("/ledger/v1/accounts/" + member + "/balance")
                    .then()
                    .statusCode(403);
            given().auth()
                    .oauth2(operator)
                    .get("/ledger/v1/accounts/" + member + "/balance")
                    .then()
                    .statusCode(200);
        }
        // the second and third use of each token were served: the rule held on served identities too
        assertTrue(tokens.hits() - hits >= 4, "served " + (tokens.hits() - hits));
    }
}
