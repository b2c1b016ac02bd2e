package io.pointmesh.partner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.testing.OpenApiChecks;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** partner-service's OpenAPI document is complete (OpenApiChecks: 2xx schemas, examples of writes, problem answers and codes). */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class OpenApiDocumentTest {

    @Test
    void everyOperationDocumentsItsAnswersProblemsAndExamples() throws Exception {
        List<String> gaps = OpenApiChecks.gaps(new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString()));
        assertEquals(List.of(), gaps, String.join("\n", gaps));
    }
}
