package io.pointmesh.ledger.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.OperationRepository.DueHold;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * What the clock does to the ledger: holds lapse, pending points mature, lots expire, members are
 * told about expiry. Each job works in bounded batches, one member per transaction, and is safe
 * with any number of instances running it at once (row locks with SKIP LOCKED: a member another
 * transaction holds is left to the next run; every step re-checks its condition under the member's
 * lock).
 *
 * <p>One failure stops nothing else: each job runs on its own, and a hold or member whose posting
 * fails for a reason of its own (a broken row, a bug; not the database being away) is logged, counted
 * in {@code pointmesh_ledger_job_failures_total{job}}, and left out of this instance's batches for
 * {@code pointmesh.ledger.job-failure-backoff}, so the items after it run, even when a whole batch
 * failed. The database being away stops the job's run instead (every item would fail alike); the next
 * run tries again.
 */
@ApplicationScoped
public class LedgerJobs {

    private static final Logger LOG = Logger.getLogger(LedgerJobs.class);

    /** The jobs, as the failure metric's {@code job} tag names them. */
    public static final String LAPSE = "lapse";

    public static final String EXPIRE = "expire";
    public static final String NOTICE = "notice";
    public static final String PAYMENT_CODES = "payment-codes";
    private static final List<String> JOBS = List.of(LAPSE, EXPIRE, NOTICE, PAYMENT_CODES);

    /** At most this many failing items are left out per job (beyond it, a failing item is simply tried again). */
    private static final int MAX_LEFT_OUT = 10_000;

    @Inject
    Transactions transactions;

    @Inject
    Ledger ledger;

    @Inject
    PostingRepository postings;

    @Inject
    OperationRepository operations;

    @Inject
    LedgerConfig config;

    @Inject
    SpendingAuthorization spending;

    @Inject
    MeterRegistry registry;

    /** Per job: the items (hold or member ids) whose posting failed, left out of the batches until the instant. */
    private final Map<String, Map<String, Instant>> failing = new ConcurrentHashMap<>();

    /** Every job's failure counter exists from the start (0), so that the alert's query finds the series. */
    void registerMetrics(@Observes StartupEvent start) {
        JOBS.forEach(this::failures);
    }

    @Scheduled(
            every = "${pointmesh.ledger.jobs-interval:10s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void runAll() {
        runJob(LAPSE, this::lapseHolds);
        runJob(EXPIRE, this::matureAndExpire);
        runJob(NOTICE, this::noticeExpiring);
        runJob(PAYMENT_CODES, spending::purgeExpiredCodes);
    }

    /** One job's run: whatever it throws is logged (and counted, unless the database is away), and the next job runs. */
    private void runJob(String job, IntSupplier work) {
        try {
            work.getAsInt();
        } catch (RuntimeException e) {
            if (EventInbox.databaseAway(e)) {
                LOG.warnf("ledger job %s waits for the database, will retry: %s", job, e.toString());
            } else {
                failures(job).increment();
                LOG.errorf(e, "ledger job %s failed, will retry", job);
            }
        }
    }

    /** Holds past their time: answers how many lapsed. */
    public int lapseHolds() {
        return lapseHolds(config.jobBatchSize());
    }

    /** Holds past their time, at most {@code batchSize} of them: answers how many lapsed. */
    public int lapseHolds(int batchSize) {
        Instant now = ledger.now();
        String[] leftOut = leftOut(LAPSE, now);
        List<DueHold> due = transactions.run(c -> operations.dueHolds(c, now, batchSize, leftOut));
        int lapsed = 0;
        for (DueHold h : due) {
            String what = "hold " + h.redemptionId() + " of member " + h.memberId();
            if (attempt(
                    LAPSE,
                    h.redemptionId().toString(),
                    what,
                    () -> transactions.run(c -> ledger.lapse(c, h.redemptionId(), h.memberId())))) {
                lapsed++;
            }
        }
        return lapsed;
    }

    /** Members with lots due to mature or expire: answers how many members were brought up to date. */
    public int matureAndExpire() {
        return matureAndExpire(config.jobBatchSize());
    }

    /** As {@link #matureAndExpire()}, at most {@code batchSize} members. */
    public int matureAndExpire(int batchSize) {
        Instant now = ledger.now();
        String[] leftOut = leftOut(EXPIRE, now);
        List<String> members = transactions.run(c -> postings.membersWithDueLots(c, now, batchSize, leftOut));
        int done = 0;
        for (String member : members) {
            if (attempt(
                    EXPIRE, member, "member " + member, () -> transactions.run(c -> ledger.expireMember(c, member)))) {
                done++;
            }
        }
        return done;
    }

    public int noticeExpiring() {
        return transactions.run(c -> ledger.noticeExpiring(c, config.jobBatchSize()));
    }

    /**
     * One item's transaction: its own failure is logged, counted and the item left out for a while, and the job goes
     * on; the database being away ends the job's run (the items are not at fault).
     */
    private boolean attempt(String job, String id, String what, BooleanSupplier work) {
        try {
            return work.getAsBoolean();
        } catch (RuntimeException e) {
            if (EventInbox.databaseAway(e)) {
                throw e;
            }
            failures(job).increment();
            Map<String, Instant> items = failing.computeIfAbsent(job, k -> new ConcurrentHashMap<>());
            Instant until = ledger.now().plus(config.jobFailureBackoff());
            if (items.size() < MAX_LEFT_OUT) {
                items.put(id, until);
            }
            LOG.errorf(e, "ledger job %s failed on %s; left out until %s, the job goes on", job, what, until);
            return false;
        }
    }

    /** The job's items still left out at {@code now} (the others are forgotten: tried again). */
    private String[] leftOut(String job, Instant now) {
        Map<String, Instant> items = failing.get(job);
        if (items == null || items.isEmpty()) {
            return new String[0];
        }
        items.values().removeIf(until -> !until.isAfter(now));
        return items.keySet().toArray(new String[0]);
    }

    private Counter failures(String job) {
        return Counter.builder("pointmesh.ledger.job.failures")
                .tag("ledger_job", job) // not "job": Prometheus's own label for the scrape job would rename it
                .description("ledger job runs or items (a hold, a member) that failed for a reason other than the "
                        + "database being away; the job went on without them")
                .register(registry);
    }
}
