package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.pointmesh.testing.browser.Browser;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/demo-data (what {@code ./pointmesh up --demo} runs) onboards the demo coalition through
 * the real APIs, and what it writes works: every partner's client credentials give a partner
 * token that reads its own record and stores, and the ledger has learned every partner by event.
 * Run twice (the second time as if three days later), it keeps what exists and hands out working (rotated)
 * secrets, and sends the same year of history again, found there and none refused. Its members (12 here)
 * are Keycloak users who joined through member-service, and the sign-ins it writes work. It writes into a
 * scratch copy of local.json's directory, never into the developer's .pointmesh.
 */
class DemoDataE2ETest {

    @Test
    void theDemoCoalitionIsOnboardedThroughTheApisAndItsCredentialsWork() throws Exception {
        LocalStack stack = LocalStack.connect();
        Path home = Files.createTempDirectory("pointmesh-demo");
        Files.writeString(home.resolve("local.json"), new ObjectMapper().writeValueAsString(stack.localJson()));
        Files.copy(LocalInfra.stateDir().resolve("secrets.env"), home.resolve("secrets.env"));

        Run firstRun = run(home, 0);
        // the second run as a new user's would be: another day (the history is anchored at the first run's, so the same
        // purchases are sent again and found there, none refused as idempotency-key-reused)
        Run secondRun = run(home, 3);
        JsonNode first = firstRun.partners();
        JsonNode second = secondRun.partners();
        assertEquals(5, second.size(), second.toString());
        Set<String> categories = new HashSet<>();
        for (int i = 0; i < second.size(); i++) {
            JsonNode p = second.get(i);
            assertEquals(
                    first.get(i).path("partnerId").asText(),
                    p.path("partnerId").asText(),
                    "a second run keeps the partner");
            categories.add(p.path("category").asText());
            String token = stack.clientToken(
                    p.path("clientId").asText(), p.path("clientSecret").asText());
            String partners = stack.url("partner") + "/partners/v1/partners/"
                    + p.path("partnerId").asText();
            given().auth().oauth2(token).get(partners).then().statusCode(200).body("status", is("ACTIVE"));
            List<String> codes = new ArrayList<>();
            p.path("stores").forEach(c -> codes.add(c.asText()));
            assertTrue(codes.size() >= 2, p.toString());
            given().auth()
                    .oauth2(token)
                    .get(partners + "/stores")
                    .then()
                    .statusCode(200)
                    .body("code", hasItems(codes.toArray(new String[0])));
            given().auth()
                    .oauth2(token)
                    .get(partners + "/earn-rules")
                    .then()
                    .statusCode(200)
                    .body("size()", is(1));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().auth()
                            .oauth2(token)
                            .get(stack.url("ledger") + "/ledger/v1/partners/"
                                    + p.path("partnerId").asText())
                            .then()
                            .statusCode(200)
                            .body("status", is("ACTIVE")));
        }
        assertTrue(
                categories.containsAll(Set.of("fuel", "convenience-store", "online-shopping", "cinema", "airline")),
                categories.toString());
        assertTrue(second.findValuesAsText("mileageProgram").contains("SKYMILES"));

        // members: Keycloak users who joined with their own tokens; their sign-ins work
        JsonNode members =
                new ObjectMapper().readTree(home.resolve("members.json").toFile());
        assertEquals(12, members.size(), members.toString());
        for (JsonNode m : members) {
            String token = stack.memberToken(
                    m.path("username").asText(), m.path("password").asText());
            given().auth()
                    .oauth2(token)
                    .get(stack.url("member") + "/members/v1/me")
                    .then()
                    .statusCode(200)
                    .body(
                            "memberId",
                            is(m.path("memberId").asText()),
                            "card.cardNumber",
                            is(m.path("cardNumber").asText()));
            // the spending PIN written beside the sign-in is the one the ledger holds
            assertTrue(m.path("pin").asText().matches("[0-9]{6}"), m.toString());
            given().auth()
                    .oauth2(token)
                    .get(stack.url("ledger") + "/ledger/v1/me/pin")
                    .then()
                    .statusCode(200)
                    .body("set", is(true));
        }
        JsonNode shop = second.get(0);
        String shopToken = stack.clientToken(
                shop.path("clientId").asText(), shop.path("clientSecret").asText());
        JsonNode buyer = members.get(0);
        String wrong = buyer.path("pin").asText().equals("135792") ? "246813" : "135792";
        for (String pin : List.of(wrong, buyer.path("pin").asText())) {
            var hold = given().auth()
                    .oauth2(shopToken)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "partnerTxId",
                            UUID.randomUUID().toString(),
                            "cardNumber",
                            buyer.path("cardNumber").asText(),
                            "pin",
                            pin,
                            "storeCode",
                            shop.path("stores").get(0).asText(),
                            "points",
                            1))
                    .post(stack.url("ledger") + "/ledger/v1/redemptions")
                    .then()
                    .extract();
            if (pin.equals(wrong)) {
                assertEquals(403, hold.statusCode(), hold.body().asString());
            } else {
                // the right PIN is accepted (a member without a spendable point gets 422, never 403)
                assertTrue(
                        hold.statusCode() == 201 || hold.statusCode() == 422,
                        hold.body().asString());
                if (hold.statusCode() == 201) {
                    given().auth()
                            .oauth2(shopToken)
                            .post(stack.url("ledger") + "/ledger/v1/redemptions/" + hold.path("redemptionId") + "/void")
                            .then()
                            .statusCode(200);
                }
            }
        }

        // a year of purchase history through the ledger's import, once: the second run finds it all there
        long imported = firstRun.figure("purchases imported: (\\d+) earned");
        assertTrue(imported >= 12, firstRun.output());
        assertEquals(0, firstRun.figure("earned, \\d+ already there, (\\d+) rejected"), firstRun.output());
        assertEquals(imported, secondRun.figure("earned, (\\d+) already there"), secondRun.output());
        assertEquals(0, secondRun.figure("purchases imported: (\\d+) earned"), secondRun.output());
        assertEquals(0, secondRun.figure("earned, \\d+ already there, (\\d+) rejected"), secondRun.output());
        long today = firstRun.figure("(\\d+) purchases today under the live campaigns");
        // analytics learns every one of them from ledger.events, spread over the year
        String operator = stack.operatorToken();
        LocalDate since = LocalDate.now(ZoneId.of("Asia/Seoul")).minusMonths(13);
        Set<String> months = new HashSet<>();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    long seen = 0;
                    months.clear();
                    for (JsonNode p : second) {
                        JsonPath tx = given().auth()
                                .oauth2(operator)
                                .get(stack.url("analytics") + "/analytics/v1/partners/"
                                        + p.path("partnerId").asText() + "/reports/transactions?from=" + since)
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath();
                        seen += tx
                                .getList(
                                        "rows.findAll { it.section == 'sales-by-day' && it.metric == 'purchases' }.value",
                                        Long.class)
                                .stream()
                                .mapToLong(Long::longValue)
                                .sum();
                        months.addAll(
                                tx.getList("rows.findAll { it.section == 'sales-by-month' }.label", String.class));
                    }
                    assertEquals(imported + today, seen);
                });
        assertTrue(months.size() >= 6, "the history spans the year: " + months);

        // the dashboard's staff sign-ins: a partner's staff sees that partner only
        JsonNode dashboard =
                new ObjectMapper().readTree(home.resolve("dashboard.json").toFile());
        assertEquals(6, dashboard.path("users").size(), dashboard.toString());
        JsonNode convenience = null;
        for (JsonNode u : dashboard.path("users")) {
            if (u.path("username").asText().equals("staff-convenience-store")) {
                convenience = u;
            }
        }
        String dailyMart = null;
        for (JsonNode p : second) {
            if (p.path("category").asText().equals("convenience-store")) {
                dailyMart = p.path("partnerId").asText();
            }
        }
        assertEquals(dailyMart, convenience.path("partnerId").asText(), dashboard.toString());
        try (Browser browser = Browser.launch()) {
            KeycloakLogin.signIn(
                    browser,
                    dashboard.path("url").asText(),
                    convenience.path("username").asText(),
                    convenience.path("password").asText());
            DashboardE2ETest.chartsDrawn(browser);
            assertEquals(
                    "[\"" + dailyMart + "\"]",
                    browser.eval("JSON.stringify([...document.querySelectorAll('#scope option')].map(o => o.value))")
                            .asText());
            // 12 demo members here: a day's sales row needs 10 members to be shown to a partner (docs/privacy.md)
            String sales = browser.eval("document.getElementById('chart-sales').dataset.state")
                    .asText();
            assertTrue(sales.equals("ready") || sales.equals("empty"), sales);
        }
    }

    record Run(JsonNode partners, String output) {
        /** A number the script printed: the first match of the pattern's group 1. */
        long figure(String pattern) {
            Matcher m = Pattern.compile(pattern).matcher(output);
            assertTrue(m.find(), pattern + " in " + output);
            return Long.parseLong(m.group(1).replace(",", ""));
        }
    }

    private static Run run(Path home, int daysLater) throws IOException, InterruptedException {
        ProcessBuilder p = new ProcessBuilder(
                        LocalInfra.repositoryRoot().resolve("scripts/demo-data").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .directory(LocalInfra.repositoryRoot().toFile());
        p.environment().put("POINTMESH_HOME", home.toString());
        p.environment().put("POINTMESH_DEMO_MEMBERS", "12");
        p.environment().put("POINTMESH_DEMO_CLOCK_OFFSET_DAYS", String.valueOf(daysLater));
        Process process = p.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "demo-data finished");
        assertEquals(0, process.exitValue(), out);
        return new Run(new ObjectMapper().readTree(home.resolve("partners.json").toFile()), out);
    }
}
