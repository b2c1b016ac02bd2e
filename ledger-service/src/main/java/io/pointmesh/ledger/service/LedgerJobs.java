package io.pointmesh.ledger.service;

import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.OperationRepository.DueHold;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What the clock does to the ledger: holds lapse, pending points mature, lots expire, members are
 * told about expiry. Each job works in bounded batches, one member per transaction, and is safe
 * with any number of instances running it at once (row locks with SKIP LOCKED, and every step
 * re-checks its condition under the member's lock).
 */
@ApplicationScoped
public class LedgerJobs {

    private static final Logger LOG = Logger.getLogger(LedgerJobs.class);

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

    @Scheduled(
            every = "${pointmesh.ledger.jobs-interval:10s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void runAll() {
        try {
            lapseHolds();
            matureAndExpire();
            noticeExpiring();
            spending.purgeExpiredCodes();
        } catch (RuntimeException e) {
            LOG.warnf("ledger jobs failed, will retry: %s", e.toString());
        }
    }

    /** Holds past their time: answers how many lapsed. */
    public int lapseHolds() {
        List<DueHold> due = transactions.run(c -> operations.dueHolds(c, ledger.now(), config.jobBatchSize()));
        int lapsed = 0;
        for (DueHold h : due) {
            if (transactions.run(c -> ledger.lapse(c, h.redemptionId(), h.memberId()))) {
                lapsed++;
            }
        }
        return lapsed;
    }

    /** Members with lots due to mature or expire: answers how many members were brought up to date. */
    public int matureAndExpire() {
        var now = ledger.now();
        List<String> members = transactions.run(c -> postings.membersWithDueLots(c, now, config.jobBatchSize()));
        int done = 0;
        for (String member : members) {
            if (transactions.run(c -> ledger.expireMember(c, member))) {
                done++;
            }
        }
        return done;
    }

    public int noticeExpiring() {
        return transactions.run(c -> ledger.noticeExpiring(c, config.jobBatchSize()));
    }
}
