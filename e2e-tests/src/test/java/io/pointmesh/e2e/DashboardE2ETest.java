package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.pointmesh.testing.TestEvents;
import io.pointmesh.testing.browser.Browser;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The analytics dashboard in a real headless Chromium: a partner's staff member signs in through
 * Keycloak's login page (authorization code with PKCE), and every chart draws the partner's own
 * data; the page's token cannot read another partner; an operator sees the network and can pick
 * the partner. The data comes from the real flow: the partner earns through the ledger's API, and
 * analytics learns it from ledger.events.
 */
class DashboardE2ETest {

    static final int MEMBERS = 16;
    static final List<String> CHARTS = List.of(
            "chart-sales",
            "chart-grades",
            "chart-rfm",
            "chart-segments",
            "chart-dayhour",
            "chart-stores",
            "chart-cohorts",
            "chart-uplift");

    @Test
    void staffSignInAndEveryChartDrawsTheirData() throws Exception {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        Partners.ActivePartner partner = Partners.active(stack, operator);
        String partnerId = partner.partnerId();
        String run = UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(partner.token())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Dashboard A/B " + run,
                        "bonusKind",
                        "FIXED",
                        "fixedPoints",
                        100,
                        "treatmentShare",
                        0.5,
                        "startsAt",
                        Instant.now().minus(1, ChronoUnit.MINUTES).toString(),
                        "endsAt",
                        Instant.now().plus(1, ChronoUnit.DAYS).toString()))
                .post(stack.url("partner") + "/partners/v1/partners/" + partnerId + "/campaigns")
                .then()
                .statusCode(201);

        List<String> members = new ArrayList<>();
        try (KafkaTestClient kafka = new KafkaTestClient(LocalInfra.kafkaBootstrap())) {
            for (int i = 0; i < MEMBERS; i++) {
                String member = UUID.randomUUID().toString();
                members.add(member);
                kafka.send(
                        "member.events",
                        member,
                        TestEvents.encode(new MemberJoined(
                                member,
                                "9400" + member.substring(0, 12),
                                "R" + member.substring(0, 7),
                                null,
                                1980 + i,
                                i % 2 == 0 ? "F" : "M",
                                "Seoul")));
            }
        }
        // 1 to 3 purchases each, of different sizes, so that RFM, grades and stores have something to rank
        String earnings = stack.url("ledger") + "/ledger/v1/earnings";
        // every purchase at one time (after the earn rule, which starts when it was published): the day x hour chart
        // shows a partner only cells of at least 10 customers, and purchases made across an hour's turn would split the
        // 16 customers into two cells
        Instant at = Instant.now();
        int purchases = 0;
        for (int i = 0; i < MEMBERS; i++) {
            for (int k = 0; k <= i % 3; k++) {
                purchases++;
                Map<String, Object> body = Map.of(
                        "partnerTxId",
                        UUID.randomUUID().toString(),
                        "memberId",
                        members.get(i),
                        "storeCode",
                        partner.storeCode(),
                        "amount",
                        10000 + 5000 * i + 1000 * k,
                        "currency",
                        "KRW",
                        "occurredAt",
                        at.toString());
                // the ledger learns each member from member.events: retry until it has
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> given().auth()
                                        .oauth2(partner.token())
                                        .contentType(ContentType.JSON)
                                        .body(body)
                                        .post(earnings)
                                        .then()
                                        .extract()
                                        .statusCode()
                                == 201);
            }
        }
        int purchased = purchases;
        String report = stack.url("analytics") + "/analytics/v1/partners/" + partnerId + "/reports/transactions";
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> given()
                                .auth()
                                .oauth2(partner.token())
                                .get(report)
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList(
                                        "rows.findAll { it.section == 'sales-by-day' && it.metric == 'purchases' }.value",
                                        Integer.class)
                                .stream()
                                .mapToInt(Integer::intValue)
                                .sum()
                        == purchased);
        given().auth()
                .oauth2(operator)
                .post(stack.url("analytics") + "/analytics/v1/scores/recompute")
                .then()
                .statusCode(200);

        String staff = "staff-" + run;
        String password = staff + "-Pw1!";
        stack.createStaffUser(staff, password, "partner", partnerId);
        String boss = "ops-" + run;
        stack.createStaffUser(boss, boss + "-Pw1!", "operator", null);
        String dashboard = stack.url("analytics") + "/dashboard/";

        try (Browser browser = Browser.launch()) {
            try {
                KeycloakLogin.signIn(browser, dashboard, staff, password);
                JsonNode charts = chartsDrawn(browser);
                // docs/privacy.md: a partner's staff sees rows of at least 10 members only (derived counts noisy)
                Set<String> mayBeEmpty = Set.of("chart-grades", "chart-rfm", "chart-segments", "chart-uplift");
                for (String id : CHARTS) {
                    JsonNode chart = charts.get(id);
                    String state = chart.path("state").asText();
                    assertTrue(
                            "ready".equals(state) || (mayBeEmpty.contains(id) && "empty".equals(state)),
                            id + " " + chart);
                    if ("ready".equals(state)) {
                        assertTrue(chart.path("points").asInt() > 0, id + " " + chart);
                    }
                    assertEquals(
                            chart.path("points").asInt(),
                            chart.path("marks").asInt(),
                            id + ": every data point is drawn");
                }
                // the figures are this partner's: its customers; no group under 10 members is drawn
                assertEquals(
                        String.valueOf(MEMBERS),
                        browser.eval("document.querySelector('#kpis .kpi b').textContent")
                                .asText());
                for (String id : List.of("chart-grades", "chart-rfm")) {
                    assertTrue(
                            browser.eval("[...document.querySelectorAll('#" + id + " .mark title')]"
                                            + ".every(t => Number(t.textContent.split(': ')[1]) >= 10)")
                                    .asBoolean(),
                            id + ": no group under 10 is drawn");
                }
                assertEquals(
                        0,
                        browser.eval("document.querySelectorAll('#chart-rfm .mark').length")
                                .asInt(),
                        "16 customers in 25 RFM cells: none reaches 10");
                assertEquals(
                        purchased,
                        browser.eval("[...document.querySelectorAll('#chart-dayhour .mark title')]"
                                        + ".reduce((sum, t) => sum + Number(t.textContent.split(': ')[1]), 0)")
                                .asInt());
                assertEquals(
                        "[\"" + partnerId + "\"]",
                        browser.eval("JSON.stringify([...document.querySelectorAll('#scope option')]"
                                        + ".map(o => o.value))")
                                .asText(),
                        "a partner's staff sees only its own partner");
                // the page's token is the person's own: another partner's data is refused by the API
                assertEquals(
                        "a partner may only read its own data",
                        browser.eval("Auth.api('/analytics/v1/partners/someone-else/reports/members')"
                                        + ".then(() => 'allowed', e => e.message)")
                                .asText());
                browser.screenshot(Path.of("target", "dashboard-partner.png")); // for people to look at
            } catch (AssertionError | RuntimeException e) {
                browser.screenshot(Path.of("target", "dashboard-partner-failure.png"));
                throw e;
            }
        }

        try (Browser browser = Browser.launch()) {
            try {
                KeycloakLogin.signIn(browser, dashboard, boss, boss + "-Pw1!");
                JsonNode network = chartsDrawn(browser);
                assertEquals(
                        "network",
                        browser.eval("document.getElementById('scope').value").asText());
                for (String id : List.of("chart-sales", "chart-grades", "chart-rfm", "chart-dayhour", "chart-stores")) {
                    assertEquals("ready", network.get(id).path("state").asText(), id + " " + network.get(id));
                }
                // the operator picks the partner: the same figures as its own staff saw
                // as a person would: pick the partner in the list, then show
                browser.driver()
                        .findElement(org.openqa.selenium.By.cssSelector("#scope option[value='" + partnerId + "']"))
                        .click();
                browser.driver()
                        .findElement(org.openqa.selenium.By.cssSelector("#controls [type=submit]"))
                        .click();
                browser.waitFor(
                        "document.getElementById('status').textContent",
                        v -> v.asText().contains("E2E Partner") && !v.asText().startsWith("Loading"),
                        Duration.ofSeconds(60));
                JsonNode picked = chartsDrawn(browser);
                // operators see exact figures: every chart, every customer graded once
                for (String id : CHARTS) {
                    assertEquals("ready", picked.get(id).path("state").asText(), id + " " + picked.get(id));
                    assertEquals(
                            picked.get(id).path("points").asInt(),
                            picked.get(id).path("marks").asInt(),
                            id);
                }
                assertEquals(
                        String.valueOf(MEMBERS),
                        browser.eval("document.querySelector('#kpis .kpi b').textContent")
                                .asText());
                assertEquals(
                        MEMBERS,
                        browser.eval("[...document.querySelectorAll('#chart-grades .mark title')]"
                                        + ".reduce((sum, t) => sum + Number(t.textContent.split(': ')[1]), 0)")
                                .asInt());
                assertEquals(
                        MEMBERS,
                        browser.eval("[...document.querySelectorAll('#chart-rfm .mark title')]"
                                        + ".reduce((sum, t) => sum + Number(t.textContent.split(': ')[1]), 0)")
                                .asInt());
                browser.screenshot(Path.of("target", "dashboard-operator.png"));
            } catch (AssertionError | RuntimeException e) {
                browser.screenshot(Path.of("target", "dashboard-operator-failure.png"));
                throw e;
            }
        }
    }

    /** Waits until no chart is loading any more; answers each chart's state, data points and drawn marks by id. */
    static JsonNode chartsDrawn(Browser browser) {
        return browser.waitFor(
                "Object.fromEntries([...document.querySelectorAll('.chart')].map(f => [f.id, {state: f.dataset.state, "
                        + "points: Number(f.dataset.points || 0), marks: f.querySelectorAll('svg .mark').length}]))",
                v -> {
                    for (JsonNode chart : v) {
                        if ("loading".equals(chart.path("state").asText())) {
                            return false;
                        }
                    }
                    return v.size() == CHARTS.size();
                },
                Duration.ofSeconds(60));
    }
}
