package io.pointmesh.analytics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of Fader, Hardie and Lee ("Counting Your Customers the Easy Way", Marketing
 * Science 24(2), 2005): while alive, a customer buys as a Poisson process with rate lambda ~
 * Gamma(r, alpha); after each purchase they drop out with probability p ~ Beta(a, b). Fitted by
 * maximum likelihood over each customer's (x, t_x, T): repeat purchases, time of the last one,
 * and time since the first, all in the same unit (weeks here).
 *
 * <p>The optimisation is commons-math3's Nelder-Mead simplex over the logs of the four
 * parameters (so they stay positive), restarted from its own optimum until the likelihood stops
 * improving. Model scores are doubles: they are probabilities and expectations, never money.
 */
public final class BgNbd {

    /** One customer's summary. */
    public record Customer(int x, double tx, double t) {}

    /** Customers with the same summary, counted once (CDNOW's 2,357 rows have far fewer distinct ones). */
    public record Group(Customer customer, long count) {}

    public record Params(double r, double alpha, double a, double b, double logLikelihood) {}

    private BgNbd() {}

    /** The log-likelihood of one customer (eq. 6 of the paper, as a log-sum-exp for stability). */
    public static double logLikelihood(double r, double alpha, double a, double b, Customer c) {
        int x = c.x();
        double a1 = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha);
        double a2 = Gamma.logGamma(a + b) + Gamma.logGamma(b + x) - Gamma.logGamma(b) - Gamma.logGamma(a + b + x);
        double a3 = -(r + x) * Math.log(alpha + c.t());
        if (x == 0) {
            return a1 + a2 + a3;
        }
        double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + c.tx());
        double max = Math.max(a3, a4);
        return a1 + a2 + max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
    }

    public static double logLikelihood(double r, double alpha, double a, double b, List<Group> groups) {
        double sum = 0;
        for (Group g : groups) {
            sum += g.count() * logLikelihood(r, alpha, a, b, g.customer());
        }
        return sum;
    }

    /**
     * {@link #logLikelihood(double, double, double, double, List)} of fixed groups, faster: the
     * groups' distinct x, t and t_x are indexed once, and each evaluation computes the log-gammas
     * of an x and the logs of a t or t_x once per distinct value instead of once per group (tens of
     * thousands of groups share a few dozen x and a hundred-odd week counts). Every term is the same
     * expression of the same values and the groups are summed in the same order, so the result is
     * the same double (BgNbdTest checks it), and a fit finds the same parameters.
     */
    static final class Likelihood {
        private final int[] xs;
        private final double[] ts;
        private final double[] txs;
        private final int[] groupX;
        private final int[] groupT;
        private final int[] groupTx;
        private final long[] counts;

        Likelihood(List<Group> groups) {
            Map<Integer, Integer> x = new HashMap<>();
            Map<Double, Integer> t = new HashMap<>();
            Map<Double, Integer> tx = new HashMap<>();
            int n = groups.size();
            groupX = new int[n];
            groupT = new int[n];
            groupTx = new int[n];
            counts = new long[n];
            for (int g = 0; g < n; g++) {
                Customer c = groups.get(g).customer();
                groupX[g] = x.computeIfAbsent(c.x(), k -> x.size());
                groupT[g] = t.computeIfAbsent(c.t(), k -> t.size());
                groupTx[g] = tx.computeIfAbsent(c.tx(), k -> tx.size());
                counts[g] = groups.get(g).count();
            }
            xs = new int[x.size()];
            x.forEach((value, i) -> xs[i] = value);
            ts = new double[t.size()];
            t.forEach((value, i) -> ts[i] = value);
            txs = new double[tx.size()];
            tx.forEach((value, i) -> txs[i] = value);
        }

        double at(double r, double alpha, double a, double b) {
            double lgR = Gamma.logGamma(r);
            double rLogAlpha = r * Math.log(alpha);
            double lgAb = Gamma.logGamma(a + b);
            double lgB = Gamma.logGamma(b);
            double logA = Math.log(a);
            // per x: a1 + a2 and r + x; a4's part without t_x
            double[] a12 = new double[xs.length];
            double[] rx = new double[xs.length];
            double[] a4x = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                int x = xs[i];
                double a1 = Gamma.logGamma(r + x) - lgR + rLogAlpha;
                double a2 = lgAb + Gamma.logGamma(b + x) - lgB - Gamma.logGamma(a + b + x);
                a12[i] = a1 + a2;
                rx[i] = r + x;
                a4x[i] = x == 0 ? 0 : logA - Math.log(b + x - 1);
            }
            double[] logT = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
                logT[i] = Math.log(alpha + ts[i]);
            }
            double[] logTx = new double[txs.length];
            for (int i = 0; i < txs.length; i++) {
                logTx[i] = Math.log(alpha + txs[i]);
            }
            double sum = 0;
            for (int g = 0; g < counts.length; g++) {
                int i = groupX[g];
                double a3 = -rx[i] * logT[groupT[g]];
                double value;
                if (xs[i] == 0) {
                    value = a12[i] + a3;
                } else {
                    double a4 = a4x[i] - rx[i] * logTx[groupTx[g]];
                    double max = Math.max(a3, a4);
                    value = a12[i] + max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
                }
                sum += counts[g] * value;
            }
            return sum;
        }
    }

    /** A log-likelihood of (r, alpha, a, b). */
    @FunctionalInterface
    interface LogLikelihood {
        double at(double r, double alpha, double a, double b);
    }

    /** Maximum-likelihood parameters. */
    public static Params fit(List<Group> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no customers to fit");
        }
        return fit(new Likelihood(groups)::at);
    }

    /** The fit's box: each parameter within [e^-10, e^10] (the published fits are within e^±2). */
    static final double MAX_LOG_PARAM = 10;

    /** The parameters that maximize the log-likelihood (of the groups {@link #fit(List)} is given). */
    static Params fit(LogLikelihood likelihood) {
        // the best point ever evaluated: what is kept if the optimiser runs out of evaluations on a ridge
        PointValuePair[] seen = new PointValuePair[1];
        MultivariateFunction ll = p -> {
            for (double logParam : p) {
                // beyond e^10 either way a parameter describes no customer base but a ridge of a small
                // sample (a corner such as b -> 0 or r -> infinity); such a fit said P(alive) = 0.0
                // for a member who bought five days ago, so the fit stays within the box
                if (Math.abs(logParam) > MAX_LOG_PARAM) {
                    return -1e300;
                }
            }
            double value = likelihood.at(Math.exp(p[0]), Math.exp(p[1]), Math.exp(p[2]), Math.exp(p[3]));
            value = Double.isFinite(value) ? value : -1e300;
            if (seen[0] == null || value > seen[0].getValue()) {
                seen[0] = new PointValuePair(p.clone(), value);
            }
            return value;
        };
        SimplexOptimizer optimizer = new SimplexOptimizer(1e-10, 1e-9);
        double[] start = {0, 0, 0, 0}; // r = alpha = a = b = 1
        PointValuePair best = null;
        // A few restarts from the last optimum: Nelder-Mead can stall on a ridge; a restart with a fresh
        // simplex moves on, and once a restart gains (relatively) nothing the optimum is found.
        for (int round = 0; round < 6; round++) {
            PointValuePair found;
            try {
                found = optimizer.optimize(
                        new MaxEval(20_000),
                        new MaxIter(20_000),
                        new ObjectiveFunction(ll),
                        GoalType.MAXIMIZE,
                        new InitialGuess(start),
                        new NelderMeadSimplex(4, 0.5));
            } catch (TooManyEvaluationsException | TooManyIterationsException e) {
                // a ridge the data cannot resolve (e.g. no dropout at all: b grows without bound): keep the best so far
                best = seen[0];
                break;
            }
            boolean improved = best == null || found.getValue() > best.getValue() + 1e-9 * Math.abs(best.getValue());
            if (best == null || found.getValue() > best.getValue()) {
                best = found;
            }
            if (!improved) {
                break;
            }
            start = best.getPoint();
        }
        double[] p = best.getPoint();
        return new Params(Math.exp(p[0]), Math.exp(p[1]), Math.exp(p[2]), Math.exp(p[3]), best.getValue());
    }

    /** P(alive | x, t_x, T) (eq. 12 of the paper's technical note). */
    public static double probabilityAlive(Params p, Customer c) {
        if (c.x() == 0) {
            return 1.0;
        }
        double ratio = Math.exp((p.r() + c.x()) * (Math.log(p.alpha() + c.t()) - Math.log(p.alpha() + c.tx())));
        return 1.0 / (1.0 + p.a() / (p.b() + c.x() - 1) * ratio);
    }

    /** Expected purchases in the next {@code t} time units (eq. 10). */
    public static double expectedPurchases(Params p, Customer c, double t) {
        double r = p.r();
        double alpha = p.alpha();
        double a = p.a();
        double b = p.b();
        int x = c.x();
        double z = t / (alpha + c.t() + t);
        double hyp = hypergeometric2F1(r + x, b + x, a + b + x - 1, z);
        double first = (a + b + x - 1) / (a - 1);
        double second = 1 - Math.pow((alpha + c.t()) / (alpha + c.t() + t), r + x) * hyp;
        double denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.pow((alpha + c.t()) / (alpha + c.tx()), r + x) : 0);
        return first * second / denominator;
    }

    /** Gauss's hypergeometric series, for |z| < 1. */
    static double hypergeometric2F1(double a, double b, double c, double z) {
        double term = 1;
        double sum = 1;
        for (int n = 0; n < 100_000; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (Math.abs(term) < 1e-15 * Math.abs(sum)) {
                return sum;
            }
        }
        return sum;
    }
}
