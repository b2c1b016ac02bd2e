package io.pointmesh.partner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import io.pointmesh.testing.PackagedService;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestData;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** partner-service as packaged (JVM jar, or native executable with -Dnative): an operator registers a partner. */
@QuarkusIntegrationTest
@WithTestResource(PointmeshTestResource.class)
class PartnerServiceIT {

    @Test
    void anOperatorRegistersAPartner() {
        PackagedService.isReadyAndDocumented("partner-service");
        PackagedService.refusesWithoutToken("GET", "/partners/v1/partners");
        String operator = TestTokens.operator();
        String id = given().auth()
                .oauth2(operator)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "legalName",
                        "Packaged Mart",
                        "businessRegistrationNumber",
                        TestData.businessRegistrationNumber(),
                        "category",
                        "convenience-store",
                        "contactEmail",
                        "it@example.com",
                        "settlementAccount",
                        Map.of("bank", "KB", "accountNumber", "123-456", "accountHolder", "Packaged Mart")))
                .post("/partners/v1/partners")
                .then()
                .statusCode(201)
                .body("status", is("PENDING"))
                .extract()
                .path("partnerId");
        given().auth()
                .oauth2(operator)
                .get("/partners/v1/partners/" + id)
                .then()
                .statusCode(200)
                .body("legalName", is("Packaged Mart"));
        PackagedService.problem(
                given().auth()
                        .oauth2(operator)
                        .contentType(ContentType.JSON)
                        .body(Map.of("legalName", ""))
                        .post("/partners/v1/partners")
                        .then(),
                400);
    }
}
