package io.pointmesh.analytics;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * Treatment against control, with 95 % confidence intervals of the difference and two-sided
 * p-values: the two-proportion z-test (pooled standard error for the test, unpooled for the
 * interval) for rates, and Welch's t-test (unequal variances, Welch-Satterthwaite degrees of
 * freedom) for means. Statistics are doubles: they are estimates, not money.
 */
public final class Uplift {

    private static final NormalDistribution NORMAL = new NormalDistribution();

    private Uplift() {}

    public record Rates(
            long treatmentMembers,
            long controlMembers,
            double treatment,
            double control,
            double difference,
            double ciLow,
            double ciHigh,
            double z,
            double pValue) {}

    public record Means(
            long treatmentMembers,
            long controlMembers,
            double treatment,
            double control,
            double difference,
            double ciLow,
            double ciHigh,
            double t,
            double degreesOfFreedom,
            double pValue) {}

    public static Rates rates(long successesT, long nT, long successesC, long nC) {
        if (nT == 0 || nC == 0) {
            return new Rates(
                    nT,
                    nC,
                    nT == 0 ? Double.NaN : (double) successesT / nT,
                    nC == 0 ? Double.NaN : (double) successesC / nC,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN);
        }
        double pT = (double) successesT / nT;
        double pC = (double) successesC / nC;
        double diff = pT - pC;
        double pooled = (double) (successesT + successesC) / (nT + nC);
        double sePooled = Math.sqrt(pooled * (1 - pooled) * (1.0 / nT + 1.0 / nC));
        double se = Math.sqrt(pT * (1 - pT) / nT + pC * (1 - pC) / nC);
        double z = sePooled == 0 ? 0 : diff / sePooled;
        double p = sePooled == 0 ? 1 : 2 * (1 - NORMAL.cumulativeProbability(Math.abs(z)));
        double margin = NORMAL.inverseCumulativeProbability(0.975) * se;
        return new Rates(nT, nC, pT, pC, diff, diff - margin, diff + margin, z, p);
    }

    public static Means means(double[] treatment, double[] control) {
        SummaryStatistics t = stats(treatment);
        SummaryStatistics c = stats(control);
        if (t.getN() < 2 || c.getN() < 2) {
            return new Means(
                    t.getN(),
                    c.getN(),
                    t.getMean(),
                    c.getMean(),
                    t.getMean() - c.getMean(),
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN);
        }
        double vT = t.getVariance() / t.getN();
        double vC = c.getVariance() / c.getN();
        double diff = t.getMean() - c.getMean();
        double se = Math.sqrt(vT + vC);
        if (se == 0) {
            return new Means(
                    t.getN(), c.getN(), t.getMean(), c.getMean(), diff, diff, diff, 0, Double.NaN, diff == 0 ? 1 : 0);
        }
        double df = (vT + vC) * (vT + vC) / (vT * vT / (t.getN() - 1) + vC * vC / (c.getN() - 1));
        TDistribution dist = new TDistribution(df);
        double tValue = diff / se;
        double p = 2 * (1 - dist.cumulativeProbability(Math.abs(tValue)));
        double margin = dist.inverseCumulativeProbability(0.975) * se;
        return new Means(
                t.getN(), c.getN(), t.getMean(), c.getMean(), diff, diff - margin, diff + margin, tValue, df, p);
    }

    private static SummaryStatistics stats(double[] values) {
        SummaryStatistics s = new SummaryStatistics();
        for (double v : values) {
            s.addValue(v);
        }
        return s;
    }
}
