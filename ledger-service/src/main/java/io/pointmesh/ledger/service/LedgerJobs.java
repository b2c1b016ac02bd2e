package io.pointmesh.ledger.service;

import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;

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
    LedgerConfig config;

    @Inject
    SpendingAuthorization spending;

    @Scheduled(every = "${pointmesh.ledger.jobs-interval:10s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
        record Hold(UUID id, String memberId) {
        }
        List<Hold> due = transactions.run(c -> Sql.list(c, "SELECT id, member_id FROM redemption WHERE status = 'HELD' "
                + "AND expires_at <= ? ORDER BY expires_at LIMIT ?", rs -> new Hold(rs.getObject(1, UUID.class), rs.getString(2)),
                ledger.now(), config.jobBatchSize()));
        int lapsed = 0;
        for (Hold h : due) {
            if (transactions.run(c -> ledger.lapse(c, h.id(), h.memberId()))) {
                lapsed++;
            }
        }
        return lapsed;
    }

    /** Members with lots due to mature or expire: answers how many members were brought up to date. */
    public int matureAndExpire() {
        var now = ledger.now();
        List<String> members = transactions.run(c -> Sql.list(c, "SELECT member_id FROM ("
                        + "(SELECT member_id FROM lot WHERE remaining > 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?) UNION "
                        + "(SELECT member_id FROM lot WHERE NOT matured AND available_at <= ? ORDER BY available_at LIMIT ?)) due",
                rs -> rs.getString(1), now, config.jobBatchSize(), now, config.jobBatchSize()));
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
