package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./pointmesh pos}, the POS simulator partners' developers start with, works against the
 * stack through the generated Java client (so the OpenAPI documents it is generated from are
 * usable): a member who joined and set a PIN earns, the till's retry after a timeout gets the
 * original answer, a hold is captured in part, another voided, a refund takes its points back, the
 * balance adds up, and a wrong PIN is shown as the problem it is (exit 1).
 */
class PosSimulatorE2ETest {

    @Test
    void aTillEarnsHoldsCapturesVoidsAndRefundsThroughTheGeneratedClient() throws Exception {
        LocalStack stack = LocalStack.connect();
        Partners.ActivePartner partner = Partners.active(stack, stack.operatorToken());

        // a member who joined in the app and set a spending PIN
        String username = "pos-" + UUID.randomUUID().toString().substring(0, 12);
        stack.createUser(username, username + "-Pw1!", username + "@example.com");
        String member = stack.memberToken(username, username + "-Pw1!");
        String card = given().auth()
                .oauth2(member)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Pos Tester",
                        "mobileNumber",
                        "+8210" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999)),
                        "email",
                        username + "@example.com",
                        "birthYear",
                        1990,
                        "gender",
                        "F",
                        "region",
                        "Seoul"))
                .post(stack.url("member") + "/members/v1/me")
                .then()
                .statusCode(201)
                .extract()
                .path("card.cardNumber");
        String pin = "730519";
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().auth()
                        .oauth2(member)
                        .contentType(ContentType.JSON)
                        .body(Map.of("pin", pin))
                        .put(stack.url("ledger") + "/ledger/v1/me/pin")
                        .then()
                        .statusCode(204));

        // the simulator reads a local.json with this partner's own credentials
        ObjectMapper json = new ObjectMapper();
        ObjectNode local = (ObjectNode) stack.localJson().deepCopy();
        local.putArray("partners")
                .addObject()
                .put("partnerId", partner.partnerId())
                .put("legalName", "E2E Partner")
                .put("clientId", partner.clientId())
                .put("clientSecret", partner.clientSecret())
                .putArray("stores")
                .add(partner.storeCode());
        Path localJson = Files.createTempFile("pos-local", ".json");
        Files.writeString(localJson, json.writeValueAsString(local));

        // the ledger learns the partner's rule and the member by events: the first earning may be early
        String[] earned = new String[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Run run = pos(localJson, "earn", card, "25000");
                    assertEquals(0, run.exit(), run.output());
                    earned[0] = run.output();
                });
        assertTrue(earned[0].contains("<- 201 earned 250 points"), earned[0]);
        String earningId = find(earned[0], "earningId (\\S+)");
        Run retry = pos(localJson, find(earned[0], "retry with: (.+)").split(" "));
        assertEquals(0, retry.exit(), retry.output());
        assertTrue(retry.output().contains("<- 200 (a retry: the original answer) earned 250 points"), retry.output());
        assertEquals(earningId, find(retry.output(), "earningId (\\S+)"), "the same earning, not a second one");

        Run hold = pos(localJson, "hold", card, "100", "--pin", pin);
        assertEquals(0, hold.exit(), hold.output());
        assertTrue(hold.output().contains("<- 201 HELD 100 points"), hold.output());
        Run capture = pos(localJson, "capture", find(hold.output(), "redemptionId (\\S+)"), "60");
        assertTrue(capture.output().contains("<- CAPTURED 60 of 100 points"), capture.output());

        Run second = pos(localJson, "hold", card, "50", "--pin", pin);
        Run voided = pos(localJson, "void", find(second.output(), "redemptionId (\\S+)"));
        assertTrue(voided.output().contains("<- VOIDED: 50 points are the member's again"), voided.output());

        Run refund = pos(localJson, "refund", earningId, "10000");
        assertTrue(refund.output().contains("<- 201 reversed 100 points"), refund.output());

        Run balance = pos(localJson, "balance", card);
        assertTrue(balance.output().contains("<- 90 points can be spent now"), balance.output());

        Run wrong = pos(localJson, "hold", card, "10", "--pin", "135792");
        assertEquals(1, wrong.exit(), wrong.output());
        assertTrue(wrong.output().contains("<- 403 wrong-pin: "), wrong.output());
    }

    record Run(int exit, String output) {}

    private static Run pos(Path localJson, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(LocalInfra.repositoryRoot().resolve("pointmesh").toString());
        command.add("pos");
        command.addAll(List.of(args));
        ProcessBuilder p = new ProcessBuilder(command)
                .directory(LocalInfra.repositoryRoot().toFile())
                .redirectErrorStream(true);
        p.environment().put("POINTMESH_LOCAL_JSON", localJson.toString());
        Process process = p.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "pos finished: " + out);
        return new Run(process.exitValue(), out);
    }

    private static String find(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), pattern + " in " + text);
        return m.group(1).strip();
    }
}
