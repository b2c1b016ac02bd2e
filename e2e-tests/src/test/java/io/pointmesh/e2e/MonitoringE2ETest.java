package io.pointmesh.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.LocalStack;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the alerts under deploy/k8s/base/monitoring query metrics the running
 * services really expose (a renamed metric would leave a panel silently empty), and an earning
 * through the real stack moves the business counter by its points, labelled by the partner's
 * category and by nothing that names a member or a partner.
 */
class MonitoringE2ETest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:pointmesh|kafka_consumer|http_server)_[a-z_]+)\\b");
    private static final String[] SERVICES = {"member", "partner", "ledger", "analytics"};

    /** Exposed only once a hold lapsed, which takes the hold timeout: LedgerScenariosTest checks it on the ledger. */
    private static final Set<String> AFTER_A_LAPSE = Set.of("pointmesh_holds_lapsed_total");

    @Test
    void theDashboardAndAlertsUseMetricsTheServicesExposeAndEarningsAreCountedByCategory() throws Exception {
        LocalStack stack = LocalStack.connect();
        String operator = stack.operatorToken();
        Partners.ActivePartner partner = Partners.active(stack, operator);
        String member = Members.joinedByEvent();
        String earned = "pointmesh_points_total{movement=\"earned\",partner_category=\"convenience-store\"";
        double before = value(scrape(stack, "ledger"), earned);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().auth()
                        .oauth2(partner.token())
                        .contentType(ContentType.JSON)
                        .body(Map.of(
                                "partnerTxId",
                                UUID.randomUUID().toString(),
                                "memberId",
                                member,
                                "storeCode",
                                partner.storeCode(),
                                "amount",
                                25000,
                                "currency",
                                "KRW",
                                "occurredAt",
                                Instant.now().toString()))
                        .post(stack.url("ledger") + "/ledger/v1/earnings")
                        .then()
                        .statusCode(201));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertEquals(before + 250, value(scrape(stack, "ledger"), earned)));

        StringBuilder all = new StringBuilder();
        for (String service : SERVICES) {
            String text = scrape(stack, service);
            assertFalse(text.contains(member), service + ": no member id in any metric");
            assertFalse(text.contains(partner.partnerId()), service + ": no partner id in any metric");
            all.append(text);
        }
        Path monitoring = LocalInfra.repositoryRoot().resolve("deploy/k8s/base/monitoring");
        Set<String> used = new TreeSet<>();
        JsonNode dashboard = new ObjectMapper()
                .readTree(monitoring.resolve("grafana-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                used.addAll(metrics(target.path("expr").asText()));
            }
        }
        used.addAll(metrics(Files.readString(monitoring.resolve("alerts.yaml"))));
        assertTrue(used.size() >= 8, used.toString());
        Set<String> missing = new TreeSet<>();
        for (String name : used) {
            String series = name.replaceAll("_(bucket|sum|count)$", "");
            if (!AFTER_A_LAPSE.contains(name)
                    && !all.toString().contains("\n" + name)
                    && !all.toString().contains("# TYPE " + series + " ")) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "metrics the dashboard or the alerts query that no service exposes");
    }

    private static Set<String> metrics(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String scrape(LocalStack stack, String service) {
        return given().get(stack.url(service) + "/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /** The value of the series whose line starts with this prefix (name and first labels), 0 when absent. */
    private static double value(String scrape, String prefix) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
