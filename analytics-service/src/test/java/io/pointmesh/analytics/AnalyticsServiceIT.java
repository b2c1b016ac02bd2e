package io.pointmesh.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.pointmesh.testing.PackagedService;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** analytics-service as packaged (JVM jar, or native executable with -Dnative): reports, CSV, the dashboard's files. */
@QuarkusIntegrationTest
@WithTestResource(PointmeshTestResource.class)
class AnalyticsServiceIT {

    @Test
    void reportsAndTheDashboardAreServed() {
        PackagedService.isReadyAndDocumented("analytics-service");
        PackagedService.refusesWithoutToken("GET", "/analytics/v1/network/reports/members");
        String partner = TestTokens.partner("it-partner");
        // operators see every row; the partner, with no customers, sees none (no group of 10: docs/privacy.md)
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/analytics/v1/partners/it-partner/reports/members?asOf=2026-01-31")
                .then()
                .statusCode(200)
                .body("kind", is("members"), "rows.section", hasItem("summary"));
        given().auth()
                .oauth2(partner)
                .get("/analytics/v1/partners/it-partner/reports/members")
                .then()
                .statusCode(200)
                .body("kind", is("members"), "rows", org.hamcrest.Matchers.empty());
        given().auth()
                .oauth2(partner)
                .accept("text/csv")
                .get("/analytics/v1/partners/it-partner/reports/transactions")
                .then()
                .statusCode(200)
                .body(startsWith("section,label,metric,value"));
        given().auth()
                .oauth2(TestTokens.operator())
                .get("/analytics/v1/network/reports/rewards")
                .then()
                .statusCode(200)
                .body("kind", is("rewards"), "rows.section", hasItem("summary"));
        PackagedService.problem(
                given().auth()
                        .oauth2(partner)
                        .get("/analytics/v1/partners/it-partner/reports/nonsense")
                        .then(),
                404);
        given().get("/analytics/v1/dashboard/config")
                .then()
                .statusCode(200)
                .body("clientId", is("pointmesh-dashboard"));
        given().get("/dashboard/").then().statusCode(200).body(containsString("pointmesh"));
        given().get("/dashboard/charts.js").then().statusCode(200).body(containsString("Charts"));
    }
}
