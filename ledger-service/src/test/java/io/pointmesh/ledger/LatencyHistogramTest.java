package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ledger exposes an earning's server-side answer time as a histogram (platform's
 * LatencyHistograms), which the dashboard's p99 panel and the PointmeshEarnSlow alert read: the
 * buckets around the 20 ms objective are there, cumulative, and an earning is counted once, in
 * every bucket at or above its time.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LatencyHistogramTest {

    private static final Pattern BUCKET = Pattern.compile(
            "^http_server_requests_seconds_bucket\\{([^}]*)le=\"([^\"]+)\"([^}]*)} ([0-9.E+-]+)$", Pattern.MULTILINE);
    private static final List<Double> BOUNDS =
            List.of(0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5);

    @Test
    void anEarningIsCountedOnceInEveryBucketAtOrAboveItsTime() {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        Map<Double, Double> before = earnBuckets();
        earn(partner, member, "10000").statusCode(201);
        Map<Double, Double> after = earnBuckets();

        for (double bound : BOUNDS) {
            assertTrue(after.containsKey(bound), "a bucket up to " + bound + " s: " + after.keySet());
        }
        assertEquals(1, after.get(Double.POSITIVE_INFINITY) - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0));
        assertEquals(after.get(Double.POSITIVE_INFINITY), earnCount(), "the +Inf bucket is the count");
        double previous = 0;
        double previousDelta = 0;
        for (Map.Entry<Double, Double> bucket : after.entrySet()) {
            double delta = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
            assertTrue(bucket.getValue() >= previous, "cumulative at " + bucket.getKey());
            assertTrue(delta == previousDelta || (previousDelta == 0 && delta == 1), "counted once, from its time up");
            previous = bucket.getValue();
            previousDelta = delta;
        }
    }

    /** Upper bound (s) to count of the answered earnings' buckets. */
    private static Map<Double, Double> earnBuckets() {
        Map<Double, Double> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(scrape());
        while (m.find()) {
            String labels = m.group(1) + m.group(3);
            if (labels.contains("uri=\"/ledger/v1/earnings\"")
                    && labels.contains("method=\"POST\"")
                    && labels.contains("status=\"201\"")) {
                double le = m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2));
                buckets.put(le, Double.parseDouble(m.group(4)));
            }
        }
        return buckets;
    }

    private static double earnCount() {
        for (String line : scrape().split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count{")
                    && line.contains("uri=\"/ledger/v1/earnings\"")
                    && line.contains("method=\"POST\"")
                    && line.contains("status=\"201\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
