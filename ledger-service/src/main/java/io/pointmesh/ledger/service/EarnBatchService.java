package io.pointmesh.ledger.service;

import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.service.EarnService.EarnCommand;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Earn in batches: a partner's upload of many purchases (a day's offline sales, an e-commerce order
 * file) in one request. Each purchase is exactly one live earn request ({@link EarnService#earn}):
 * the same checks, the same answer, idempotent on its own partnerTxId, posted through the group
 * commit; a refused purchase fails alone and the others are earned. What the batch saves is what
 * every request pays once: the connection, the token's verification, the request's parsing, and
 * (with many purchases in flight together) commits, which the group commit shares.
 *
 * <p>Purchases run on a pool of {@code earn-batch.workers} threads shared by every batch request, so
 * batches never hold more of the database than that, whatever their number or size; live single
 * earnings do not wait behind them (they run on the request's own thread). A partnerTxId that
 * appears twice in one batch is earned by its first occurrence; the later ones run after it and get
 * the answer a retry would (the stored earning, or 409 if their purchase differs).
 */
@ApplicationScoped
public class EarnBatchService {

    /** One purchase's answer: its outcome, or the failure a lone request would have answered with. */
    public record ItemOutcome(Outcome<EarningRow> outcome, RuntimeException failure) {}

    @Inject
    EarnService earn;

    @Inject
    LedgerConfig config;

    private ExecutorService workers;

    @PostConstruct
    void start() {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.earnBatch().workers(), r -> {
            Thread t = new Thread(r, "earn-batch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /** The answers, in the order of {@code purchases}; the answer only comes once every purchase has one. */
    public List<ItemOutcome> earnAll(String partnerId, List<EarnCommand> purchases) {
        int max = config.earnBatch().maxItems();
        if (purchases == null || purchases.isEmpty() || purchases.size() > max) {
            throw ProblemException.invalidField("earnings", "1 to " + max + " purchases per request");
        }
        ItemOutcome[] answers = new ItemOutcome[purchases.size()];
        Map<String, Integer> first = new HashMap<>();
        List<Integer> repeats = new ArrayList<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        // the request's trace goes with each purchase: its outbox event's traceparent belongs to this request
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        for (int i = 0; i < purchases.size(); i++) {
            EarnCommand cmd = purchases.get(i);
            if (cmd != null && cmd.partnerTxId() != null && first.putIfAbsent(cmd.partnerTxId(), i) != null) {
                repeats.add(i);
                continue;
            }
            int index = i;
            Runnable task = () -> answers[index] = earnOne(partnerId, purchases.get(index));
            running.add(CompletableFuture.runAsync(trace.wrap(task), workers));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        for (int i : repeats) {
            answers[i] = earnOne(partnerId, purchases.get(i));
        }
        return List.of(answers);
    }

    private ItemOutcome earnOne(String partnerId, EarnCommand cmd) {
        try {
            if (cmd == null) {
                throw ProblemException.badRequest("missing-body", "each item of earnings is an earn request");
            }
            return new ItemOutcome(earn.earn(partnerId, cmd), null);
        } catch (RuntimeException e) {
            return new ItemOutcome(null, e);
        }
    }
}
