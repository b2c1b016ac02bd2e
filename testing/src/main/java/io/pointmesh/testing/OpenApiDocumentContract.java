package io.pointmesh.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every service's OpenAPI document is complete ({@link OpenApiChecks}: 2xx schemas, examples of
 * writes, problem answers and codes). A service's {@code @QuarkusTest} extends this, so the check is
 * written once and runs against the document that service really serves.
 */
public abstract class OpenApiDocumentContract {

    /** The document the running service serves at {@code /q/openapi}. */
    protected static JsonNode servedDocument() throws Exception {
        return new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
    }

    @Test
    void everyOperationDocumentsItsAnswersProblemsAndExamples() throws Exception {
        List<String> gaps = OpenApiChecks.gaps(servedDocument());
        assertEquals(List.of(), gaps, String.join("\n", gaps));
    }
}
