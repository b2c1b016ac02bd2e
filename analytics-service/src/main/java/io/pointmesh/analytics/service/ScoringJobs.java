package io.pointmesh.analytics.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** The daily recomputation as of today: grades, segments, churn scores (also on demand: POST /analytics/v1/scores/recompute). */
@ApplicationScoped
public class ScoringJobs {

    private static final Logger LOG = Logger.getLogger(ScoringJobs.class);

    @Inject
    Scoring scoring;

    @Inject
    ReportService reports;

    @Inject
    io.pointmesh.platform.sql.Transactions transactions;

    @Inject
    io.pointmesh.analytics.repository.FactRepository facts;

    /** Refunds and reversals kept for a purchase or capture that has arrived since (FactRepository#settlePending). */
    @Scheduled(
            every = "${pointmesh.analytics.pending-reversals-every:60s}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void settlePendingReversals() {
        int settled = transactions.run(c -> facts.settlePending(c));
        if (settled > 0) {
            LOG.infof("applied %d refunds or reversals kept for a purchase or capture that arrived meanwhile", settled);
        }
    }

    @Scheduled(
            every = "${pointmesh.analytics.recompute-every:24h}",
            delayed = "${pointmesh.analytics.recompute-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void recompute() {
        var today = scoring.today();
        var run = scoring.recompute(today);
        var grades = run.grades();
        var segments = run.segments();
        var churn = run.churn();
        LOG.infof(
                "recomputed as of %s: %d ranked, %d grade changes; %d segment changes; %d churn scores",
                today, grades.ranked(), grades.changed(), segments.changed(), churn.scored());
        // the scores changed: today's default reports again, so the dashboard's next load is a read
        reports.precomputeDefaults(true);
    }
}
