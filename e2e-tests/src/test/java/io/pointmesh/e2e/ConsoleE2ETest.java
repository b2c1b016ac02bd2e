package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.pointmesh.testing.TestData;
import io.pointmesh.testing.browser.Browser;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The console (partner-service's /console/) in a real headless Chromium, signed in through
 * Keycloak's login page: an operator onboards a partner end to end (register, activate with the
 * credentials shown once, a store, an earn rule), the credentials earn points, and the operator
 * suspends the partner; an operator supports a member (search, adjustment, suspension, audit
 * trail); an operator replays and discards dead letters; a partner's staff see their own partner
 * only, with no way to change anything.
 */
class ConsoleE2ETest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anOperatorOnboardsAPartnerEndToEnd() throws Exception {
        LocalStack stack = LocalStack.connect();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String boss = "ops-" + run;
        stack.createStaffUser(boss, boss + "-Pw1!", "operator", null);
        String console = stack.url("partner") + "/console/";
        String legalName = "Console Partner " + run;

        inBrowser("console-operator", browser -> {
            KeycloakLogin.signIn(browser, console, boss, boss + "-Pw1!");
            waitForText(browser, "#partners", "");
            browser.click("register-partner");
            waitFor(browser, "document.getElementById('register') !== null");

            // the form checks before it sends: an empty form stays here with the fields marked
            browser.click("register-submit");
            assertFalse(text(browser, "[data-for='legalName']").isBlank(), "a missing legal name is shown");
            assertEquals("#/partners/new", browser.eval("location.hash").asText(), "nothing was sent");

            // the API's problem (a wrong check digit) is shown beside its field
            String brn = TestData.businessRegistrationNumber();
            char last = brn.charAt(brn.length() - 1);
            String wrongCheckDigit = brn.substring(0, brn.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
            browser.type("register-legalName", legalName);
            browser.type("register-businessRegistrationNumber", wrongCheckDigit);
            browser.type("register-category", "bookstore");
            browser.type("register-contactEmail", "console-" + run + "@example.com");
            browser.type("register-settlementAccount-bank", "KB");
            browser.type("register-settlementAccount-accountNumber", "123-456-7890");
            browser.type("register-settlementAccount-accountHolder", legalName);
            browser.click("register-submit");
            waitFor(
                    browser,
                    "document.querySelector(\"[data-for='businessRegistrationNumber']\").textContent"
                            + ".includes('check digit')");
            assertEquals(
                    "true",
                    browser.driver()
                            .findElement(By.id("register-businessRegistrationNumber"))
                            .getAttribute("aria-invalid"));

            browser.type("register-businessRegistrationNumber", brn);
            browser.click("register-submit");
            waitForText(browser, "#partner-name", legalName);
            assertTrue(text(browser, "#partner-name").contains("PENDING"));
            String partnerId = browser.eval("decodeURIComponent(location.hash.split('/')[2])")
                    .asText();

            // a problem that names no field (the number is taken) is shown above the buttons
            browser.navigate(console + "#/partners/new");
            waitFor(browser, "document.getElementById('register') !== null");
            browser.type("register-legalName", legalName + " again");
            browser.type("register-businessRegistrationNumber", brn);
            browser.type("register-category", "bookstore");
            browser.type("register-contactEmail", "console-" + run + "@example.com");
            browser.type("register-settlementAccount-bank", "KB");
            browser.type("register-settlementAccount-accountNumber", "123-456-7890");
            browser.type("register-settlementAccount-accountHolder", legalName);
            browser.click("register-submit");
            waitFor(browser, "!document.querySelector('#register .form-error').hidden");
            assertTrue(text(browser, "#register .form-error").contains("duplicate-business-registration-number"));
            browser.navigate(console + "#/partners/" + partnerId);
            waitForText(browser, "#partner-name", legalName);

            // activation shows the partner's credentials once
            browser.click("activate");
            browser.type("activate-form-reason", "contract signed " + run);
            browser.click("activate-form-submit");
            waitForText(browser, "#client-secret", "");
            String clientId = text(browser, "#client-id");
            String clientSecret = text(browser, "#client-secret");
            assertTrue(text(browser, "#partner-name").contains("ACTIVE"));

            // a store and an earn rule, as the operator
            tab(browser, partnerId, "stores");
            browser.type("store-code", "CS-001");
            browser.type("store-name", "Console store");
            browser.type("store-region", "Seoul");
            browser.click("store-submit");
            waitForText(browser, "#stores", "CS-001");
            tab(browser, partnerId, "rules");
            browser.type("rule-baseRate", "0.01");
            browser.type("rule-pendingDays", "0");
            browser.click("rule-submit");
            waitForText(browser, "#rules", "1.00 %");

            // the credentials the console showed work: the partner earns at its new store
            String token = stack.clientToken(clientId, clientSecret);
            String member = Members.joinedByEvent();
            Map<String, Object> purchase = Map.of(
                    "partnerTxId",
                    "console-" + run,
                    "memberId",
                    member,
                    "storeCode",
                    "CS-001",
                    "amount",
                    25000,
                    "currency",
                    "KRW",
                    "occurredAt",
                    Instant.now().toString());
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> given().auth()
                                    .oauth2(token)
                                    .contentType(ContentType.JSON)
                                    .body(purchase)
                                    .post(stack.url("ledger") + "/ledger/v1/earnings")
                                    .then()
                                    .extract()
                                    .statusCode()
                            == 201);

            // the secret is not kept: a fresh load shows no credentials
            browser.navigate(console + "#/partners/" + partnerId);
            waitForText(browser, "#partner-name", legalName);
            assertEquals(
                    0, browser.driver().findElements(By.id("client-secret")).size());

            // the statement preview counts the earning (ledger.events reach partner-service within seconds)
            tab(browser, partnerId, "settlements");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        browser.click("preview-submit");
                        browser.waitFor(
                                "document.getElementById('preview').getAttribute('aria-busy') === null"
                                        + " && document.getElementById('settlement-preview').textContent !== ''",
                                JsonNode::asBoolean,
                                WAIT);
                        return text(browser, "#settlement-preview").contains("Points issued250");
                    });

            // a campaign (from the next hour: the earning above is not in it), and its results from analytics
            tab(browser, partnerId, "campaigns");
            browser.type("campaign-name", "Console campaign " + run);
            browser.type("campaign-fixedPoints", "100");
            // datetime-local fields take their value as the page's own format, whatever the browser's locale
            browser.eval(
                    "(() => { const at = new Date(Date.now() + 3600e3); const iso = d => new Date(d - d.getTimezoneOffset() * 6e4)"
                            + ".toISOString().slice(0, 16); document.getElementById('campaign-startsAt').value = iso(at);"
                            + " document.getElementById('campaign-endsAt').value = iso(new Date(at.getTime() + 864e5)); })()");
            browser.click("campaign-submit");
            waitForText(browser, "#campaigns", "Console campaign " + run);
            // analytics learns the campaign from partner.events: ask until it knows it
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        browser.driver()
                                .findElement(By.xpath(
                                        "//tr[td[contains(., 'Console campaign " + run + "')]]//button[.='Results']"))
                                .click();
                        browser.waitFor(
                                "document.querySelector('#campaign-results progress') === null",
                                JsonNode::asBoolean,
                                WAIT);
                        return !browser.driver().findElements(By.id("results")).isEmpty();
                    });
            // every row has a cell under every heading, and the p-value column holds p-values
            JsonNode table = browser.eval("(() => { const t = document.getElementById('results');"
                    + " return { headings: t.querySelectorAll('thead th').length,"
                    + " rows: [...t.querySelectorAll('tbody tr')].map(r => r.cells.length),"
                    + " p: [...t.querySelectorAll(\"td[data-column='pValue']\")].map(c => c.textContent) }; })()");
            assertEquals(3, table.path("rows").size(), table.toString());
            for (JsonNode cells : table.path("rows")) {
                assertEquals(table.path("headings").asInt(), cells.asInt(), table.toString());
            }
            for (JsonNode p : table.path("p")) {
                // a p-value, or a dash where there is none yet (no member on a side): never NaN
                assertTrue(p.asText().equals("–") || Double.parseDouble(p.asText()) <= 1.0, table.toString());
            }

            // the webhook form offers every event the API takes (its own list once missed the reward order events)
            tab(browser, partnerId, "webhooks");
            waitFor(browser, "document.getElementById('webhook-events') !== null");
            String offered = browser.eval(
                            "JSON.stringify([...document.querySelectorAll('#webhook-events input')].map(i => i.value))")
                    .asText();
            assertTrue(offered.contains("\"reward.order-failed\"") && offered.contains("\"points.earned\""), offered);
            assertEquals(
                    browser.eval("JSON.stringify(SignIn.settings().webhookEvents)")
                            .asText(),
                    offered);

            // suspension, with its reason in the history
            tab(browser, partnerId, "overview");
            browser.click("suspend");
            browser.type("suspend-form-reason", "audit " + run);
            browser.click("suspend-form-submit");
            waitForText(browser, "#partner-name", "SUSPENDED");
            tab(browser, partnerId, "history");
            waitForText(browser, "#history", "audit " + run);
            assertTrue(text(browser, "#history").contains("contract signed " + run));

            // at phone width nothing runs off the screen: tables scroll inside their card
            browser.driver().manage().window().setSize(new Dimension(390, 844));
            tab(browser, partnerId, "rules");
            assertTrue(
                    browser.eval("document.documentElement.scrollWidth <= window.innerWidth + 1")
                            .asBoolean(),
                    "no horizontal scrolling at 390 px");
            browser.screenshot(Path.of("target", "console-operator-phone.png"));
        });
    }

    @Test
    void anOperatorSupportsAMember() throws Exception {
        LocalStack stack = LocalStack.connect();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String username = "e2e-" + run;
        stack.createUser(username, username + "-Pw1!", username + "@example.com");
        String memberToken = stack.memberToken(username, username + "-Pw1!");
        String name = "Console Member " + run;
        String memberId = given().auth()
                .oauth2(memberToken)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        name,
                        "mobileNumber",
                        "+8210" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999)),
                        "email",
                        username + "@example.com",
                        "birthYear",
                        1985,
                        "gender",
                        "F",
                        "region",
                        "Incheon"))
                .post(stack.url("member") + "/members/v1/me")
                .then()
                .statusCode(201)
                .extract()
                .path("memberId");
        // the ledger learns the member from member.events: its PIN answer says it has
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> given().auth()
                                .oauth2(memberToken)
                                .contentType(ContentType.JSON)
                                .body(Map.of("pin", "730519"))
                                .put(stack.url("ledger") + "/ledger/v1/me/pin")
                                .then()
                                .extract()
                                .statusCode()
                        == 204);
        String boss = "ops-" + run;
        stack.createStaffUser(boss, boss + "-Pw1!", "operator", null);

        inBrowser("console-member", browser -> {
            KeycloakLogin.signIn(browser, stack.url("partner") + "/console/#/members", boss, boss + "-Pw1!");
            waitFor(browser, "document.getElementById('member-search') !== null");
            browser.type("member-search-q", name);
            browser.click("member-search-submit");
            waitForText(browser, "#member-results", name);
            browser.driver().findElement(By.linkText(name)).click();
            waitForText(browser, "#balance", "Available");

            // zero points is refused before anything is sent
            browser.type("adjust-points", "0");
            browser.type("adjust-reason", "goodwill " + run);
            browser.click("adjust-submit");
            assertTrue(text(browser, "[data-for='points']").contains("at least one point"));

            browser.type("adjust-points", "500");
            browser.click("adjust-submit");
            waitForText(browser, "#balance", "Available500");
            waitForText(browser, "#entries", "500");
            browser.click("member-suspend");
            browser.type("member-suspend-form-reason", "fraud check " + run);
            browser.click("member-suspend-form-submit");
            waitForText(browser, "h2", "SUSPENDED");
            waitForText(browser, "#member-audit", "fraud check " + run);

            browser.screenshot(Path.of("target", "console-member.png"));
        });
    }

    /**
     * A record on partner.events that is not an event: each service that reads the topic gives up on it and keeps it
     * as a dead letter; an operator sees it in the console, a replay is refused (it still fails), and a discard with
     * a reason resolves it, as the API then says.
     */
    @Test
    void anOperatorSeesReplaysAndDiscardsDeadLetters() throws Exception {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "e2e-dead-letter-" + run;
        try (KafkaTestClient kafka = new KafkaTestClient(LocalInfra.kafkaBootstrap())) {
            kafka.send("partner.events", key, "not an event " + run);
        }
        // every reader of partner.events parks it: the ledger, analytics and member-service
        for (String[] service :
                new String[][] {{"ledger", "/ledger/v1"}, {"analytics", "/analytics/v1"}, {"member", "/members/v1"}}) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> letterId(stack, operator, service[0], service[1], key) != null);
        }
        long ledgerLetter = letterId(stack, operator, "ledger", "/ledger/v1", key);
        String boss = "ops-" + run;
        stack.createStaffUser(boss, boss + "-Pw1!", "operator", null);

        inBrowser("console-dead-letters", browser -> {
            KeycloakLogin.signIn(browser, stack.url("partner") + "/console/#/dead-letters", boss, boss + "-Pw1!");
            waitForText(browser, "#dead-letters-ledger", key);
            waitForText(browser, "#dead-letters-analytics", key);
            String row = "[data-letter='ledger-" + ledgerLetter + "']";
            // the record still fails: the replay is refused and the letter stays
            browser.driver()
                    .findElement(By.cssSelector(row + " button.secondary"))
                    .click();
            waitForText(browser, "#dead-letters-ledger", "dead-letter-still-fails");
            browser.click("discard-ledger-" + ledgerLetter);
            browser.type("discard-ledger-" + ledgerLetter + "-form-reason", "not an event: test record " + run);
            browser.click("discard-ledger-" + ledgerLetter + "-form-submit");
            waitFor(
                    browser,
                    "document.querySelector(\"#dead-letters-ledger\") !== null && !document.querySelector("
                            + "\"#dead-letters-ledger\").textContent.includes(" + quote(key) + ")");
            browser.navigate(stack.url("partner") + "/console/#/dead-letters/DISCARDED");
            waitForText(browser, "#dead-letters-ledger", "not an event: test record " + run);
            browser.screenshot(Path.of("target", "console-dead-letters.png"));
        });
        given().auth()
                .oauth2(operator)
                .get(stack.url("ledger") + "/ledger/v1/dead-letters/" + ledgerLetter)
                .then()
                .statusCode(200)
                .body("status", is("DISCARDED"))
                .body("replayAttempts", is(1))
                .body("discardReason", is("not an event: test record " + run))
                .body("resolvedBy", is(boss));
        // the test's record, parked by the other readers of partner.events too, is not left for the next run
        for (String[] service : new String[][] {{"analytics", "/analytics/v1"}, {"member", "/members/v1"}}) {
            Long letter = letterId(stack, operator, service[0], service[1], key);
            given().auth()
                    .oauth2(operator)
                    .contentType(ContentType.JSON)
                    .body(Map.of("reason", "e2e test record " + run))
                    .post(stack.url(service[0]) + service[1] + "/dead-letters/" + letter + "/discard")
                    .then()
                    .statusCode(200);
        }
    }

    private static Long letterId(LocalStack stack, String token, String service, String root, String key) {
        java.util.List<Integer> ids = given().auth()
                .oauth2(token)
                .queryParam("status", "PARKED")
                .queryParam("limit", 500)
                .get(stack.url(service) + root + "/dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { it.key == '" + key + "' }.id", Integer.class);
        return ids.isEmpty() ? null : ids.get(0).longValue();
    }

    @Test
    void aPartnersStaffSeeOnlyTheirOwnPartnerAndChangeNothing() throws Exception {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        Partners.ActivePartner own = Partners.active(stack, operator);
        Partners.ActivePartner other = Partners.active(stack, operator);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String staff = "staff-" + run;
        stack.createStaffUser(staff, staff + "-Pw1!", "partner", own.partnerId());
        String console = stack.url("partner") + "/console/";

        inBrowser("console-staff", browser -> {
            KeycloakLogin.signIn(browser, console, staff, staff + "-Pw1!");
            // straight to their own partner; no list of partners, no member support
            waitForText(browser, "#partner-name", "E2E Partner");
            assertEquals(
                    "#/partners/" + own.partnerId(),
                    browser.eval("location.hash").asText());
            assertEquals(
                    "[\"My partner\",\"Analytics\",\"API reference\"]",
                    browser.eval("JSON.stringify([...document.querySelectorAll('#nav a')].map(a => a.textContent))")
                            .asText());
            for (String tab : new String[] {"stores", "rules", "campaigns", "settlements", "webhooks", "history"}) {
                tab(browser, own.partnerId(), tab);
                if (tab.equals("stores")) {
                    waitForText(browser, "#stores", "GN-001");
                }
                assertEquals(
                        0,
                        browser.eval("document.querySelectorAll('main form:not(#preview)').length")
                                .asInt(),
                        tab + ": staff get no form that changes anything");
                assertEquals(
                        0,
                        browser.eval("document.querySelectorAll('#lifecycle, button.danger').length")
                                .asInt(),
                        tab);
            }

            // another partner's page: the API refuses the staff member's token, and nothing of it is shown
            browser.navigate(console + "#/partners/" + other.partnerId() + "/stores");
            waitFor(browser, "document.querySelector('#status.error') !== null");
            assertTrue(text(browser, "#status").contains("other-partner"), text(browser, "#status"));
            assertFalse(browser.eval("document.body.textContent").asText().contains(other.partnerId()));
            browser.navigate(console + "#/members");
            waitFor(browser, "document.querySelector('#status.error') !== null");
            assertTrue(text(browser, "#status").contains("operators"));
            // and the API itself refuses a write with the page's token, whatever the page shows
            assertEquals(
                    "read-only-credentials",
                    browser.eval("SignIn.api('/partners/v1/partners/" + own.partnerId() + "/stores',"
                                    + " {method: 'POST', body: {code: 'X-1', name: 'x', channel: 'OFFLINE'}})"
                                    + ".then(() => 'allowed', e => e.problem.code)")
                            .asText());
            browser.screenshot(Path.of("target", "console-staff.png"));
        });
    }

    @Test
    void theApiReferenceRendersEveryOperationOfTheFourServices() throws Exception {
        LocalStack stack = LocalStack.connect();
        String reference = stack.url("partner") + "/api-reference/";
        inBrowser("api-reference", browser -> {
            browser.navigate(reference);
            waitFor(browser, "document.querySelector('.topbar select') !== null");
            int options = browser.eval("document.querySelector('.topbar select').options.length")
                    .asInt();
            assertEquals(4, options, "one entry per service");
            for (int i = 0; i < options; i++) {
                String url = browser.eval("document.querySelector('.topbar select').options[" + i + "].value")
                        .asText();
                JsonNode document = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(given().get(reference + url)
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString());
                int operations = 0;
                for (JsonNode path : document.path("paths")) {
                    for (java.util.Iterator<String> m = path.fieldNames(); m.hasNext(); ) {
                        if (java.util.Set.of("get", "post", "put", "delete", "patch")
                                .contains(m.next())) {
                            operations++;
                        }
                    }
                }
                browser.driver()
                        .findElement(By.cssSelector(".topbar select option:nth-child(" + (i + 1) + ")"))
                        .click();
                int expected = operations;
                browser.waitFor("document.querySelectorAll('.opblock').length", v -> v.asInt() == expected, WAIT);
            }
            browser.screenshot(Path.of("target", "api-reference.png"));
        });
    }

    interface Steps {
        void run(Browser browser) throws Exception;
    }

    /** Runs the steps in a fresh browser; on failure, a screenshot target/{name}-failure.png for people to look at. */
    private static void inBrowser(String name, Steps steps) throws Exception {
        try (Browser browser = Browser.launch()) {
            try {
                steps.run(browser);
            } catch (Exception | AssertionError e) {
                browser.screenshot(Path.of("target", name + "-failure.png"));
                throw e;
            }
        }
    }

    private static void tab(Browser browser, String partnerId, String tab) {
        browser.driver()
                .findElement(By.cssSelector(".tabs a[href='#/partners/" + partnerId + "/" + tab + "']"))
                .click();
        // the tab is shown at once and filled when the API has answered: wait for its content, not only its frame
        waitFor(
                browser,
                "document.getElementById('tab-" + tab + "') !== null && !document.querySelector('#status')"
                        + " && document.getElementById('tab-" + tab + "').childElementCount > 0");
    }

    private static String text(Browser browser, String selector) {
        return browser.eval("(document.querySelector(\"" + selector + "\") || {}).textContent || ''")
                .asText();
    }

    private static void waitForText(Browser browser, String selector, String expected) {
        browser.waitFor(
                "document.querySelector(\"" + selector + "\") !== null && document.querySelector(\"" + selector
                        + "\").textContent.includes(" + quote(expected) + ")",
                JsonNode::asBoolean,
                WAIT);
    }

    private static void waitFor(Browser browser, String condition) {
        browser.waitFor(condition, JsonNode::asBoolean, WAIT);
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
