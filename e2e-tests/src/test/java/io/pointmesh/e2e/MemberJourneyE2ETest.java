package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A member's life with real Keycloak accounts and tokens: two people sign up in the mobile app and
 * join (one with the other's referral code), buy at a partner by card, the ledger pays the
 * referral and member-service's inbox hears of it; then one leaves, and afterwards their name,
 * phone number and e-mail appear in no service's database, their identity account is gone, and
 * the ledger has forfeited their points under the anonymous id.
 */
class MemberJourneyE2ETest {

    static final List<String> DATABASES = List.of("member", "partner", "ledger", "analytics");

    @Test
    void joinBuyReferAndLeaveForGood() throws Exception {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        Partners.ActivePartner partner = Partners.active(stack, operator);
        String members = stack.url("member") + "/members/v1";
        String ledger = stack.url("ledger") + "/ledger/v1";

        Person referrer = Person.signUp(stack);
        String referrerCode = given().auth()
                .oauth2(referrer.token)
                .contentType(ContentType.JSON)
                .body(referrer.joinBody(null))
                .post(members + "/me")
                .then()
                .statusCode(201)
                .body("memberId", is(referrer.subject))
                .extract()
                .path("referralCode");

        Person leaver = Person.signUp(stack);
        String card = given().auth()
                .oauth2(leaver.token)
                .contentType(ContentType.JSON)
                .body(leaver.joinBody(referrerCode))
                .post(members + "/me")
                .then()
                .statusCode(201)
                .extract()
                .path("card.cardNumber");

        // a purchase by card, once the ledger knows the partner and the card
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().auth()
                        .oauth2(partner.token())
                        .contentType(ContentType.JSON)
                        .body(Map.of(
                                "partnerTxId",
                                "journey-" + leaver.subject,
                                "cardNumber",
                                card,
                                "storeCode",
                                partner.storeCode(),
                                "amount",
                                50000,
                                "currency",
                                "KRW",
                                "occurredAt",
                                Instant.now().toString()))
                        .post(ledger + "/earnings")
                        .then()
                        .statusCode(201));
        // the ledger paid the referral; member-service tells both in their inbox
        for (Person p : List.of(referrer, leaver)) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().auth()
                            .oauth2(p.token)
                            .get(members + "/me/notifications")
                            .then()
                            .statusCode(200)
                            .body("kind", hasItem("REFERRAL_COMPLETED")));
        }
        io.restassured.path.json.JsonPath leaversBalance = given().auth()
                .oauth2(leaver.token)
                .get(ledger + "/me/balance")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // the referral bonus is pending for the network's hold (14 days): a refunded purchase takes it back first
        assertTrue(
                leaversBalance.getLong("available") + leaversBalance.getLong("pending") > 500,
                "earned points and the referral bonus: " + leaversBalance.prettify());
        assertTrue(leaversBalance.getLong("pending") >= 1000, "the bonus is pending: " + leaversBalance.prettify());
        assertTrue(holds("member", leaver.email), "the scan finds what is there");

        given().auth().oauth2(leaver.token).delete(members + "/me").then().statusCode(204);

        // every service erased what it held: nothing names the person in any database
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String db : DATABASES) {
                for (String value : List.of(leaver.name, leaver.mobileNumber, leaver.email)) {
                    assertTrue(!holds(db, value), db + " still holds " + value);
                }
            }
        });
        // the ledger forfeited the points to breakage, under the anonymous member id
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(operator)
                        .get(ledger + "/accounts/" + leaver.subject + "/balance")
                        .then()
                        .statusCode(200)
                        .body("available", is(0), "pending", is(0)));
        // and the identity account is gone: the person can no longer sign in
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertTrue(!stack.userExists(leaver.username), "account deleted"));
        assertEquals(400, leaver.signInStatus(stack), "Keycloak: invalid_grant");
        assertTrue(stack.userExists(referrer.username));
        given().auth().oauth2(referrer.token).get(members + "/me").then().statusCode(200);
    }

    /** Whether any table of the service's database holds the text anywhere in a row. */
    static boolean holds(String service, String value) throws SQLException {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/pointmesh_" + service;
        try (Connection c = DriverManager.getConnection(url, service, service);
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                            + "AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\" t WHERE t::text LIKE '%"
                        + value.replace("'", "''") + "%'")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** A person with a Keycloak account of their own, signed in to the mobile app. */
    static final class Person {
        final String username;
        final String password;
        final String token;
        final String subject;
        final String name;
        final String mobileNumber;
        final String email;

        private Person(String username, String password, String token, String email) {
            this.username = username;
            this.password = password;
            this.token = token;
            this.subject = subjectOf(token);
            this.name = "Journey " + UUID.randomUUID().toString().substring(0, 8);
            this.mobileNumber =
                    "+8210" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
            this.email = email;
        }

        static Person signUp(LocalStack stack) {
            String username = "e2e-" + UUID.randomUUID().toString().substring(0, 12);
            String password = username + "-Pw1!";
            String email = username + "@example.com";
            stack.createUser(username, password, email);
            return new Person(username, password, stack.memberToken(username, password), email);
        }

        Map<String, Object> joinBody(String referralCode) {
            Map<String, Object> body = new HashMap<>();
            body.put("name", name);
            body.put("mobileNumber", mobileNumber);
            body.put("email", email);
            body.put("birthYear", 1991);
            body.put("gender", "M");
            body.put("region", "Busan");
            if (referralCode != null) {
                body.put("referralCode", referralCode);
            }
            return body;
        }

        int signInStatus(LocalStack stack) {
            return given().contentType(ContentType.URLENC)
                    .formParam("grant_type", "password")
                    .formParam("client_id", "pointmesh-mobile")
                    .formParam("username", username)
                    .formParam("password", password)
                    .formParam("scope", "openid")
                    .post(stack.localJson().path("keycloak").path("tokenUrl").asText())
                    .then()
                    .extract()
                    .statusCode();
        }

        private static String subjectOf(String jwt) {
            String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(payload)
                        .path("sub")
                        .asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
