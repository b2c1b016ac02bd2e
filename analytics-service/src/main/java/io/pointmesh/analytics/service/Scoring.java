package io.pointmesh.analytics.service;

import io.pointmesh.analytics.BgNbd;
import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.ScoringRepository;
import io.pointmesh.events.Grade;
import io.pointmesh.events.Segment;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.GradeThresholdsPublished;
import io.pointmesh.events.analytics.SegmentChanged;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Grades, strategic segments and churn scores over the per-member features, each as of a date
 * (see docs/analytics.md for every definition). Set-based SQL: one statement ranks every member.
 * A stored grade or segment is replaced only by a computation as of the same or a later date,
 * and every change is published (through the outbox, in the same transaction).
 */
@ApplicationScoped
public class Scoring {

    private static final Logger LOG = Logger.getLogger(Scoring.class);

    /** What a grade computation did; {@code source}: "summary" (the per-member summary) or "history" (every member-day). */
    public record GradeRun(
            LocalDate asOf,
            long ranked,
            long changed,
            Map<String, Long> counts,
            Map<String, BigDecimal> thresholds,
            String source,
            long millis) {}

    public record SegmentRun(
            LocalDate asOf, long members, long changed, Map<String, Long> counts, String source, long millis) {}

    public record ChurnRun(
            LocalDate asOf, BgNbd.Params params, long customers, long scored, String source, long millis) {}

    @Inject
    Transactions transactions;

    @Inject
    ScoringRepository scores;

    @Inject
    Outbox outbox;

    @Inject
    AnalyticsConfig config;

    @Inject
    Clock clock;

    /** Refuses to start with grade cut-offs out of order (pointmesh.analytics.grades.*). */
    void checkGradeShares(@Observes StartupEvent start) {
        requireOrdered(config.grades());
    }

    /** 0 < vvip-share < vip-share < loyal-share <= 1, or IllegalStateException. */
    public static void requireOrdered(AnalyticsConfig.Grades g) {
        if (g.vvipShare().signum() <= 0
                || g.vvipShare().compareTo(g.vipShare()) >= 0
                || g.vipShare().compareTo(g.loyalShare()) >= 0
                || g.loyalShare().compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalStateException(
                    "pointmesh.analytics.grades.*: 0 < vvip-share < vip-share < loyal-share <= 1 is required, not "
                            + g.vvipShare() + ", " + g.vipShare() + ", " + g.loyalShare());
        }
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(config.zone()));
    }

    /**
     * Moves the members' 12-month spend (member_features.spend_12m, days_12m) to the window
     * ending {@code asOf}, in a transaction of its own. Invariant (W): for every member, spend_12m
     * and days_12m are the sum of net spend and the count of their member-days in
     * (window - 12 months, window], where window is scoring_state 'window'. Ingestion keeps W for
     * each fact (FactRepository, under the shared WINDOW_LOCK); moving the window from A0 to A adds
     * the days in (A0, A] and takes away those in (A0 - 12 months, A - 12 months] (days in both
     * ranges cancel: they were in neither window), under the exclusive lock, so no fact is missed or
     * counted twice. The first time the window is built from every member-day. A date before the
     * window leaves it alone (the regrade then ranks from every member-day).
     */
    void rollWindow(LocalDate asOf) {
        transactions.run(c -> {
            scores.lockRecomputation(c, "grades");
            scores.lockWindow(c);
            Optional<LocalDate> window = scores.window(c);
            if (window.isPresent() && window.get().isAfter(asOf)) {
                return null;
            }
            if (window.isEmpty()) {
                scores.buildWindow(c, asOf);
            } else if (window.get().isBefore(asOf)) {
                scores.moveWindow(c, window.get(), asOf);
            }
            scores.storeAsOf(c, "window", asOf);
            return null;
        });
    }

    /**
     * Whether a computation as of the date may store its results: none stored yet, or the stored
     * one is as of the same or an earlier date (then it records the date). An earlier computation
     * only reports.
     */
    private boolean mayStore(Connection c, String kind, LocalDate asOf) throws SQLException {
        Optional<LocalDate> stored = scores.asOf(c, kind);
        if (stored.isPresent() && stored.get().isAfter(asOf)) {
            return false;
        }
        scores.storeAsOf(c, kind, asOf);
        return true;
    }

    /** Whether the per-member summary describes the members as of the date: no purchase day after it. */
    private boolean summaryCurrent(Connection c, LocalDate asOf) throws SQLException {
        return scores.lastPurchaseDay(c).map(d -> !d.isAfter(asOf)).orElse(true);
    }

    /** The three stages of one recomputation. */
    public record Recomputed(GradeRun grades, SegmentRun segments, ChurnRun churn) {}

    /**
     * Grades, segments and churn scores as of the date, the three side by side, each in its own
     * transaction on its own connection: they read the same summary but write different things
     * (grade and segment changes serialize only their small member_dim updates), so the run takes
     * as long as its slowest stage rather than their sum. A stage's failure is rethrown as is.
     */
    public Recomputed recompute(LocalDate asOf) {
        // the window first (a day's slice), and once: the fit holds the same lock for its whole stage, and a roll
        // inside the grade stage would wait for it
        long started = System.nanoTime();
        rollWindow(asOf);
        LOG.infof("window rolled to %s: %d ms", asOf, millisSince(started));
        // two threads for the run (grades stay on the caller's), gone with it: a daily job needs no pool
        ExecutorService stages = Executors.newFixedThreadPool(2);
        try {
            Future<SegmentRun> segments = stages.submit(() -> resegment(asOf));
            Future<ChurnRun> churn = stages.submit(() -> fitChurn(asOf));
            GradeRun grades;
            try {
                grades = grade(asOf, started);
            } finally {
                // the other stages end (commit or roll back) before the caller hears of this one's failure
                result(segments, false);
                result(churn, false);
            }
            return new Recomputed(grades, result(segments, true), result(churn, true));
        } finally {
            stages.shutdown();
        }
    }

    /** The stage's result, waiting for it; its failure rethrown when {@code rethrow}, else null. */
    private static <T> T result(Future<T> stage, boolean rethrow) {
        try {
            return stage.get();
        } catch (ExecutionException e) {
            if (!rethrow) {
                return null;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Moves the grade window to the date (when it is behind) and grades the members as of the date. */
    public GradeRun regrade(LocalDate asOf) {
        long started = System.nanoTime();
        rollWindow(asOf);
        return grade(asOf, started);
    }

    /**
     * Grades as of the date, the window already rolled (or not to be: a date before it). Not a
     * second roll: that takes the window lock, which a fit beside it may hold for its whole stage.
     */
    private GradeRun grade(LocalDate asOf, long started) {
        return transactions.run(c -> {
            scores.lockRecomputation(c, "grades");
            boolean fromSummary = asOf.equals(scores.window(c).orElse(null));
            ScoringRepository.Ranking ranking = scores.rankGrades(c, asOf, fromSummary);
            Map<String, Long> counts = ranking.counts();
            Map<String, BigDecimal> thresholds = ranking.thresholds();
            long ranked = counts.values().stream().mapToLong(Long::longValue).sum();
            long rankedAt = System.nanoTime();
            long storedAt = rankedAt;
            List<Object[]> changes = List.of();
            if (mayStore(c, "grades", asOf)) {
                // members whose stored grade differs (those not ranked are GENERAL)
                changes = scores.storeGrades(c, asOf, ranking);
                storedAt = System.nanoTime();
                outbox.publishAll(
                        c,
                        changes.stream()
                                .map(ch -> new GradeChanged(
                                        (String) ch[0],
                                        Grade.valueOf((String) ch[1]),
                                        Grade.valueOf((String) ch[2]),
                                        asOf,
                                        (BigDecimal) ch[3]))
                                .toList());
                if (!thresholds.isEmpty()) {
                    outbox.publish(c, new GradeThresholdsPublished(asOf, thresholds));
                }
            }
            // where a regrade's time goes (docs/benchmarks.md)
            LOG.infof(
                    "grades as of %s: %d ranked %d ms, %d changes found and stored %d ms, published %d ms",
                    asOf,
                    ranked,
                    (rankedAt - started) / 1_000_000,
                    changes.size(),
                    (storedAt - rankedAt) / 1_000_000,
                    millisSince(storedAt));
            return new GradeRun(
                    asOf,
                    ranked,
                    changes.size(),
                    counts,
                    thresholds,
                    fromSummary ? "summary" : "history",
                    millisSince(started));
        });
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    public SegmentRun resegment(LocalDate asOf) {
        long started = System.nanoTime();
        return transactions.run(c -> {
            scores.lockRecomputation(c, "segments");
            boolean fromSummary = summaryCurrent(c, asOf);
            scores.segmentMembers(c, asOf, fromSummary);
            Map<String, Long> counts = new TreeMap<>();
            for (Object[] r : scores.segmentCounts(c)) {
                counts.put((String) r[0], (Long) r[1]);
            }
            long segmentedAt = System.nanoTime();
            long storedAt = segmentedAt;
            List<Object[]> changes = List.of();
            if (mayStore(c, "segments", asOf)) {
                changes = scores.storeSegments(c, asOf);
                storedAt = System.nanoTime();
                outbox.publishAll(
                        c,
                        changes.stream()
                                .map(ch -> new SegmentChanged(
                                        (String) ch[0],
                                        ch[1] == null ? null : Segment.valueOf((String) ch[1]),
                                        Segment.valueOf((String) ch[2]),
                                        asOf))
                                .toList());
            }
            LOG.infof(
                    "segments as of %s: %d ms, %d changes found and stored %d ms, published %d ms",
                    asOf,
                    (segmentedAt - started) / 1_000_000,
                    changes.size(),
                    (storedAt - segmentedAt) / 1_000_000,
                    millisSince(storedAt));
            return new SegmentRun(
                    asOf,
                    counts.values().stream().mapToLong(Long::longValue).sum(),
                    changes.size(),
                    counts,
                    fromSummary ? "summary" : "history",
                    millisSince(started));
        });
    }

    /** At most this many customers are fitted (a deterministic sample by member id); every customer is scored. */
    static final long FIT_SAMPLE = ScoringRepository.FIT_SAMPLE;

    /**
     * Fits BG/NBD to the purchasing members' histories up to the date (x = purchase days - 1,
     * t_x and T in whole weeks from the first purchase day), on a deterministic sample of at most
     * {@link #FIT_SAMPLE} customers when there are more (the parameters describe the population;
     * a sample of that size pins them down), and scores every member: P(alive) and the expected
     * purchase days in the next 90 days. Members with the same (x, t_x, T) share one computation,
     * and one stored row (a member's scores are found through their summary; V6__churn_score_by_summary.sql).
     * From the summary, the window lock is held from the read of the summaries to the commit: a
     * fact in between would leave a member's summary ahead of the scores stored for it.
     */
    public ChurnRun fitChurn(LocalDate asOf) {
        long started = System.nanoTime();
        return transactions.run(c -> {
            scores.lockRecomputation(c, "churn");
            boolean fromSummary = summaryCurrent(c, asOf);
            if (fromSummary) {
                scores.lockWindow(c);
                fromSummary = summaryCurrent(c, asOf); // a later purchase day may have come in before the lock
            }
            String source = fromSummary ? "summary" : "history";
            long customers = scores.summarizeForChurn(c, asOf, fromSummary);
            if (customers == 0) {
                return new ChurnRun(asOf, null, 0, 0, source, millisSince(started));
            }
            long summarized = System.nanoTime();
            List<BgNbd.Group> sample = scores.churnGroups(c);
            BgNbd.Params params = BgNbd.fit(sample);
            long fitted = System.nanoTime();
            List<ScoringRepository.SummaryScore> bySummary = new ArrayList<>();
            for (int[] k : scores.churnSummaries(c)) {
                BgNbd.Customer customer = new BgNbd.Customer(k[0], k[1], k[2]);
                bySummary.add(new ScoringRepository.SummaryScore(
                        k[0],
                        k[1],
                        k[2],
                        BgNbd.probabilityAlive(params, customer),
                        BgNbd.expectedPurchases(params, customer, 90 / 7.0)));
            }
            long computed = System.nanoTime();
            scores.scoreSummaries(c, bySummary);
            scores.saveFit(c, asOf, params, customers, Instant.now(clock));
            long scored = 0;
            if (mayStore(c, "churn", asOf)) {
                scores.lockWindow(c);
                scored = scores.replaceChurnScores(c, asOf, fromSummary, customers);
            }
            // where a fit's time goes (docs/benchmarks.md)
            LOG.infof(
                    "churn as of %s (%s): summaries %d ms, fit on %d keys %d ms, %d keys scored %d ms, stored %d ms",
                    asOf,
                    source,
                    (summarized - started) / 1_000_000,
                    sample.size(),
                    (fitted - summarized) / 1_000_000,
                    bySummary.size(),
                    (computed - fitted) / 1_000_000,
                    millisSince(computed));
            return new ChurnRun(asOf, params, customers, scored, source, millisSince(started));
        });
    }
}
