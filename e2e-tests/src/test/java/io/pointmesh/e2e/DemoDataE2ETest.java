package io.pointmesh.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/demo-data (what {@code ./pointmesh up --demo} runs) onboards the demo coalition through
 * the real APIs, and what it writes works: every partner's client credentials give a partner
 * token that reads its own record and stores, and the ledger has learned every partner by event.
 * Run twice, it keeps what exists and hands out working (rotated) secrets. Its members (12 here)
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

        JsonNode first = run(home);
        JsonNode second = run(home);
        assertEquals(5, second.size(), second.toString());
        Set<String> categories = new HashSet<>();
        for (int i = 0; i < second.size(); i++) {
            JsonNode p = second.get(i);
            assertEquals(first.get(i).path("partnerId").asText(), p.path("partnerId").asText(), "a second run keeps the partner");
            categories.add(p.path("category").asText());
            String token = stack.clientToken(p.path("clientId").asText(), p.path("clientSecret").asText());
            String partners = stack.url("partner") + "/partners/v1/partners/" + p.path("partnerId").asText();
            given().auth().oauth2(token).get(partners).then().statusCode(200).body("status", is("ACTIVE"));
            List<String> codes = new ArrayList<>();
            p.path("stores").forEach(c -> codes.add(c.asText()));
            assertTrue(codes.size() >= 2, p.toString());
            given().auth().oauth2(token).get(partners + "/stores").then().statusCode(200)
                    .body("code", hasItems(codes.toArray(new String[0])));
            given().auth().oauth2(token).get(partners + "/earn-rules").then().statusCode(200).body("size()", is(1));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(token)
                    .get(stack.url("ledger") + "/ledger/v1/partners/" + p.path("partnerId").asText()).then().statusCode(200)
                    .body("status", is("ACTIVE")));
        }
        assertTrue(categories.containsAll(Set.of("fuel", "convenience-store", "online-shopping", "cinema", "airline")), categories.toString());
        assertTrue(second.findValuesAsText("mileageProgram").contains("SKYMILES"));

        // members: Keycloak users who joined with their own tokens; their sign-ins work
        JsonNode members = new ObjectMapper().readTree(home.resolve("members.json").toFile());
        assertEquals(12, members.size(), members.toString());
        for (JsonNode m : members) {
            String token = stack.memberToken(m.path("username").asText(), m.path("password").asText());
            given().auth().oauth2(token).get(stack.url("member") + "/members/v1/me").then().statusCode(200)
                    .body("memberId", is(m.path("memberId").asText()), "card.cardNumber", is(m.path("cardNumber").asText()));
        }
    }

    private static JsonNode run(Path home) throws IOException, InterruptedException {
        ProcessBuilder p = new ProcessBuilder(LocalInfra.repositoryRoot().resolve("scripts/demo-data").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE)
                .directory(LocalInfra.repositoryRoot().toFile());
        p.environment().put("POINTMESH_HOME", home.toString());
        p.environment().put("POINTMESH_DEMO_MEMBERS", "12");
        Process process = p.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "demo-data finished");
        assertEquals(0, process.exitValue(), out);
        return new ObjectMapper().readTree(home.resolve("partners.json").toFile());
    }
}
