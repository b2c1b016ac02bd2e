package io.pointmesh.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden test: fitted to the CDNOW sample's 39-week calibration summary, the model reproduces
 * the published parameters (Fader, Hardie and Lee 2005) to three significant figures.
 */
class BgNbdTest {

    static List<BgNbd.Group> cdnow() throws IOException {
        Map<BgNbd.Customer, Long> counts = new LinkedHashMap<>();
        List<String> lines;
        try (var in = BgNbdTest.class.getResourceAsStream("/cdnow/cdnow_customers_summary.csv")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            BgNbd.Customer c = new BgNbd.Customer(
                    (int) Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
            counts.merge(c, 1L, Long::sum);
        }
        List<BgNbd.Group> groups = new ArrayList<>();
        counts.forEach((c, n) -> groups.add(new BgNbd.Group(c, n)));
        assertEquals(2357, groups.stream().mapToLong(BgNbd.Group::count).sum());
        return groups;
    }

    static void threeSignificantFigures(double expected, double actual, String name) {
        double scale = Math.pow(10, Math.floor(Math.log10(Math.abs(expected))) - 2);
        assertEquals(Math.round(expected / scale), Math.round(actual / scale), name + " = " + actual);
    }

    @Test
    void reproducesThePublishedCdnowParameters() throws IOException {
        BgNbd.Params p = BgNbd.fit(cdnow());
        threeSignificantFigures(0.2426, p.r(), "r");
        threeSignificantFigures(4.4135, p.alpha(), "alpha");
        threeSignificantFigures(0.7929, p.a(), "a");
        threeSignificantFigures(2.4258, p.b(), "b");
        assertEquals(-9582.4, p.logLikelihood(), 0.1);
    }

    /**
     * The fit's likelihood computes each log-gamma and log once per distinct x, t and t_x: it must
     * give the very same double as the per-customer formula summed over the groups (else a fit on a
     * ridge could wander elsewhere), for any parameters, and so the very same fit.
     */
    @Test
    void theIndexedLikelihoodIsTheSumOfTheCustomersExactly() throws IOException {
        java.util.Random random = new java.util.Random(7);
        List<BgNbd.Group> groups = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int t = random.nextInt(105);
            int tx = random.nextInt(t + 1);
            int x = tx == 0 ? 0 : random.nextInt(60);
            groups.add(new BgNbd.Group(new BgNbd.Customer(x, tx, t), 1 + random.nextInt(50)));
        }
        for (List<BgNbd.Group> g : List.of(groups, cdnow())) {
            BgNbd.Likelihood indexed = new BgNbd.Likelihood(g);
            for (int k = 0; k < 200; k++) {
                double r = Math.exp(random.nextGaussian() * 3);
                double alpha = Math.exp(random.nextGaussian() * 3);
                double a = Math.exp(random.nextGaussian() * 5);
                double b = Math.exp(random.nextGaussian() * 5);
                assertEquals(
                        BgNbd.logLikelihood(r, alpha, a, b, g),
                        indexed.at(r, alpha, a, b),
                        0.0,
                        r + " " + alpha + " " + a + " " + b);
            }
        }
        List<BgNbd.Group> cdnow = cdnow();
        assertEquals(BgNbd.fit((r, alpha, a, b) -> BgNbd.logLikelihood(r, alpha, a, b, cdnow)), BgNbd.fit(cdnow));
    }

    @Test
    void scoresBehaveAsTheModelSays() {
        BgNbd.Params p = new BgNbd.Params(0.2426, 4.4135, 0.7929, 2.4258, 0);
        // no repeat purchase: alive by assumption; a long silence after many purchases: likely gone
        assertEquals(1.0, BgNbd.probabilityAlive(p, new BgNbd.Customer(0, 0, 38)));
        double recent = BgNbd.probabilityAlive(p, new BgNbd.Customer(6, 37, 38));
        double silent = BgNbd.probabilityAlive(p, new BgNbd.Customer(6, 10, 38));
        assertTrue(recent > 0.8 && silent < 0.2 && silent > 0, recent + " " + silent);
        double active = BgNbd.expectedPurchases(p, new BgNbd.Customer(6, 37, 38), 39);
        double gone = BgNbd.expectedPurchases(p, new BgNbd.Customer(6, 10, 38), 39);
        assertTrue(active > gone && gone >= 0, active + " " + gone);
        // the paper's (and lifetimes') figure for a customer with x=2, t_x=30.43, T=38.86 over 39 weeks: about 1.226
        assertEquals(1.226, BgNbd.expectedPurchases(p, new BgNbd.Customer(2, 30.43, 38.86), 39), 0.01);
    }
}
