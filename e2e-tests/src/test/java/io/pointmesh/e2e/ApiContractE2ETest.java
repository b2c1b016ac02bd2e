package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API's contract, client/src/main/openapi (what the Java client is generated from and what
 * partners review in diffs), is what the running services serve: a change to an API that was not
 * written there with {@code ./pointmesh openapi} fails here. The served documents go to
 * target/openapi for a look at the difference.
 */
class ApiContractE2ETest {

    private static final String PUBLIC_OIDC =
            "https://id.pointmesh.example/realms/pointmesh/.well-known/openid-configuration";

    @Test
    void theCommittedOpenApiDocumentsAreTheServedOnes() throws Exception {
        LocalStack stack = LocalStack.connect();
        ObjectMapper json = new ObjectMapper();
        List<String> differ = new ArrayList<>();
        for (String service : List.of("member", "partner", "ledger", "analytics")) {
            JsonNode served = normalised(json.readTree(given().get(stack.url(service) + "/q/openapi?format=json")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString()));
            JsonNode committed = json.readTree(LocalInfra.repositoryRoot()
                    .resolve("client/src/main/openapi/" + service + ".json")
                    .toFile());
            if (!served.equals(committed)) {
                differ.add(service);
                Path out = Path.of("target", "openapi", service + ".json");
                Files.createDirectories(out.getParent());
                json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), served);
            }
        }
        assertEquals(
                List.of(),
                differ,
                "these services serve another API than client/src/main/openapi says: run ./pointmesh openapi and "
                        + "commit the documents (served ones in e2e-tests/target/openapi)");
    }

    /** As scripts/openapi-normalise writes it: no servers, the public OIDC address. */
    static JsonNode normalised(JsonNode doc) {
        ObjectNode copy = doc.deepCopy();
        copy.remove("servers");
        for (JsonNode scheme : copy.path("components").path("securitySchemes")) {
            if (scheme.has("openIdConnectUrl")) {
                ((ObjectNode) scheme).put("openIdConnectUrl", PUBLIC_OIDC);
            }
        }
        return copy;
    }
}
