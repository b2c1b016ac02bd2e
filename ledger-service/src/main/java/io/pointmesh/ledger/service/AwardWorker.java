package io.pointmesh.ledger.service;

import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.AwardRepository;
import io.pointmesh.ledger.repository.AwardRepository.AwardRow;
import io.pointmesh.ledger.service.Ledger.AwardCredit;
import io.pointmesh.ledger.service.Ledger.AwardTerms;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Credits accepted bulk awards (docs/ledger.md, "Bulk awards"). Every instance runs it; a batch is
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so instances share an award's members without
 * waiting for each other. One transaction per batch: every member's credit (its posting and its
 * event through the outbox), its row marked CREDITED or SKIPPED, and the award's counts. A crash
 * or a failure anywhere in the batch rolls all of it back, and the rows are PENDING again for
 * the next run, on this instance or another: nothing is lost and nothing is credited twice (I15).
 */
@ApplicationScoped
public class AwardWorker {

    private static final Logger LOG = Logger.getLogger(AwardWorker.class);

    /** Called before each member of a batch is credited, in the batch's transaction (tests inject failures here). */
    @FunctionalInterface
    public interface Hook {
        Hook NONE = (index, memberId) -> {};

        void beforeMember(int index, String memberId);
    }

    /** What one batch did. */
    public record Batch(UUID award, int credited, int skipped) {
        public int members() {
            return credited + skipped;
        }
    }

    @Inject
    Transactions transactions;

    @Inject
    AwardRepository awards;

    @Inject
    Ledger ledger;

    @Inject
    LedgerConfig config;

    @Scheduled(
            every = "${pointmesh.ledger.awards.interval:1s}",
            delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            drain(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warnf("bulk awards: a batch failed and was rolled back, will retry: %s", e.toString());
        }
    }

    /** Processes batches until no award has a claimable member or {@code budget} is spent; answers the batches. */
    public int drain(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int batches = 0;
        while (System.nanoTime() < deadline) {
            List<UUID> open = transactions.run(c -> awards.openAwards(c, 20));
            boolean worked = false;
            for (UUID award : open) {
                try {
                    if (processBatch(award, config.awards().batchSize(), Hook.NONE)
                                    .members()
                            > 0) {
                        worked = true;
                        batches++;
                    }
                } catch (RuntimeException e) {
                    // rolled back whole: its members are pending again; the other awards go on
                    LOG.warnf("bulk award %s: a batch failed and was rolled back, will retry: %s", award, e.toString());
                }
            }
            if (!worked) {
                break;
            }
        }
        return batches;
    }

    /**
     * One batch of an award, in one transaction: up to {@code limit} pending members claimed in
     * member order, each credited (or skipped with why) and marked, and the award's counts; the
     * award is DONE with its last member.
     */
    public Batch processBatch(UUID award, int limit, Hook hook) {
        return transactions.run(c -> {
            List<String> members = awards.claim(c, award, limit);
            if (members.isEmpty()) {
                return new Batch(award, 0, 0);
            }
            AwardRow a = awards.find(c, award).orElseThrow();
            AwardTerms terms = new AwardTerms(
                    a.awardId(),
                    a.points(),
                    a.reason(),
                    a.campaignRef(),
                    FundedBy.valueOf(a.fundedBy()),
                    a.partnerId(),
                    a.owner());
            int credited = 0;
            int skipped = 0;
            for (int i = 0; i < members.size(); i++) {
                String member = members.get(i);
                hook.beforeMember(i, member);
                AwardCredit credit = ledger.award(c, member, terms);
                boolean marked = credit.credited()
                        ? awards.markCredited(c, award, member, credit.postingId(), credit.at())
                        : awards.markSkipped(c, award, member, credit.skipReason(), ledger.now());
                if (!marked) {
                    // the claim holds the row's lock: only a bug gets here; roll the whole batch back
                    throw new IllegalStateException("award " + award + " member " + member + " was not pending");
                }
                if (credit.credited()) {
                    credited++;
                } else {
                    skipped++;
                }
            }
            awards.recordBatch(c, award, credited, skipped, ledger.now());
            return new Batch(award, credited, skipped);
        });
    }
}
