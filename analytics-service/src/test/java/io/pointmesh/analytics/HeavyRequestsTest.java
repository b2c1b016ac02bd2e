package io.pointmesh.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.service.HeavyRequests;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One partner's heavy requests in flight are bounded (a loop of parallel lift or report requests took every database
 * connection, and other partners' reports and the tills' offers failed): past the bound that partner is told to wait,
 * before any work, while other partners and operators are answered.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class HeavyRequestsTest {

    @Inject
    HeavyRequests heavy;

    @Inject
    AnalyticsConfig config;

    private static String report(String partner) {
        return "/analytics/v1/partners/" + partner + "/reports/transactions";
    }

    @Test
    void aPartnerWithEverySlotTakenIsToldToWaitAndNobodyElseIs() {
        String busy = "heavy-" + UUID.randomUUID();
        String other = "heavy-" + UUID.randomUUID();
        List<HeavyRequests.Slot> taken = new ArrayList<>();
        try {
            for (int i = 0; i < config.maxHeavyInFlightPerPartner(); i++) {
                taken.add(heavy.enter(busy)); // as that many of its requests being computed
            }
            given().auth()
                    .oauth2(TestTokens.partner(busy))
                    .get(report(busy))
                    .then()
                    .statusCode(429)
                    .header("Retry-After", "1")
                    .body("code", is("too-many-in-flight"));
            given().auth()
                    .oauth2(TestTokens.partner(busy))
                    .get("/analytics/v1/partners/" + busy + "/churn-risk")
                    .then()
                    .statusCode(429);
            given().auth()
                    .oauth2(TestTokens.partner(other))
                    .get(report(other))
                    .then()
                    .statusCode(200);
            given().auth()
                    .oauth2(TestTokens.operator())
                    .get(report(busy))
                    .then()
                    .statusCode(200);
            taken.remove(0).close();
            taken.get(0).close();
            taken.get(0).close(); // a slot closed twice gives back one place
            given().auth()
                    .oauth2(TestTokens.partner(busy))
                    .get(report(busy))
                    .then()
                    .statusCode(200);
        } finally {
            taken.forEach(HeavyRequests.Slot::close);
        }
        // every slot given back once (closing one twice gave back two places before it was guarded): exactly as
        // many requests as the bound are admitted again, and not one more
        List<HeavyRequests.Slot> again = new ArrayList<>();
        for (int i = 0; i < config.maxHeavyInFlightPerPartner(); i++) {
            again.add(heavy.enter(busy));
        }
        org.junit.jupiter.api.Assertions.assertThrows(
                io.pointmesh.platform.problem.ProblemException.class, () -> heavy.enter(busy));
        again.forEach(HeavyRequests.Slot::close);
    }
}
