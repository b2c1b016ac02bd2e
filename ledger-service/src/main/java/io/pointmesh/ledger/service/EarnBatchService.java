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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Earn in batches: a partner's upload of many purchases (a day's offline sales, an e-commerce order
 * file) in one request. Each purchase is exactly one live earn request ({@link EarnService#earn}):
 * the same checks, the same answer, idempotent on its own partnerTxId, posted through the group
 * commit; a refused purchase fails alone and the others are earned. What the batch saves is what
 * every request pays once: the connection, the token's verification, the request's parsing, and
 * (with many purchases in flight together) commits, which the group commit shares.
 *
 * <p>Purchases run on a pool of {@code earn-batch.workers} threads shared by every batch request, so
 * batches never hold more of the database than that, whatever their number or size, and at most
 * {@code earn-batch.max-in-flight} batches wait for their answers (each holds a request thread):
 * live single earnings, on their own request threads, do not wait behind them. A partnerTxId that
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

    private BatchPacer pacer;

    /** Batches being answered, all partners together, and per partner: bounds the request threads batches hold. */
    private Semaphore inFlight;

    private final ConcurrentHashMap<String, AtomicInteger> inFlightByPartner = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        AtomicInteger n = new AtomicInteger();
        inFlight = new Semaphore(config.earnBatch().maxInFlight());
        pacer = new BatchPacer(config.earnBatch().pacedRate(), TimeUnit.SECONDS.toNanos(1), System::nanoTime);
        workers = Executors.newFixedThreadPool(config.earnBatch().workers(), r -> {
            Thread t = new Thread(r, "earn-batch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() throws InterruptedException {
        // what was accepted is finished (each purchase is a short transaction); nothing new starts
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A till's request (a lone earning, a hold): batch purchases are paced for the next second (BatchPacer). */
    public void tillRequest() {
        pacer.tillRequest();
    }

    /** Whether batch purchases are paced now: a valid till request arrived within the last second. */
    public boolean pacing() {
        return pacer.pacing();
    }

    /**
     * The answers, in the order of {@code purchases}; the answer only comes once every purchase has one.
     * A partner with {@code max-in-flight-per-partner} batches still being answered is told to wait
     * (429), as is everyone when {@code max-in-flight} batches are (503): a batch holds its request's
     * thread until its last purchase, so batches must never take every thread the service answers with.
     */
    public List<ItemOutcome> earnAll(String partnerId, List<EarnCommand> purchases) {
        int max = config.earnBatch().maxItems();
        if (purchases == null || purchases.isEmpty() || purchases.size() > max) {
            throw ProblemException.invalidField("earnings", "1 to " + max + " purchases per request");
        }
        AtomicInteger mine = inFlightByPartner.computeIfAbsent(partnerId, p -> new AtomicInteger());
        if (mine.incrementAndGet() > config.earnBatch().maxInFlightPerPartner()) {
            mine.decrementAndGet();
            throw ProblemException.tooManyRequests(
                    "too-many-batches",
                    "partner " + partnerId + " already has "
                            + config.earnBatch().maxInFlightPerPartner()
                            + " batches being answered; send the next when one is answered",
                    1);
        }
        try {
            if (!inFlight.tryAcquire()) {
                throw ProblemException.unavailable("busy", "the ledger is answering as many batches as it takes", 1);
            }
            try {
                return run(partnerId, purchases);
            } finally {
                inFlight.release();
            }
        } finally {
            mine.decrementAndGet();
        }
    }

    private List<ItemOutcome> run(String partnerId, List<EarnCommand> purchases) {
        ItemOutcome[] answers = new ItemOutcome[purchases.size()];
        Map<String, CompletableFuture<Void>> byTxId = new HashMap<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        // the request's trace goes with each purchase: its outbox event's traceparent belongs to this request
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        // once a purchase met an unavailable database (or a hung lane, after its answer timeout), the whole batch
        // is answered 503 anyway: the purchases not started yet are not started, so the answer comes in one
        // timeout rather than one per round of workers (minutes, past the ingress's own timeout)
        java.util.concurrent.atomic.AtomicBoolean unavailable = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            for (int i = 0; i < purchases.size(); i++) {
                EarnCommand cmd = purchases.get(i);
                int index = i;
                Runnable earnIt = () -> answers[index] = unavailable.get()
                        ? new ItemOutcome(
                                null,
                                ProblemException.unavailable(
                                        "unavailable", "not started: the database was unavailable for this batch", 5))
                        : earnOne(partnerId, purchases.get(index), unavailable);
                Runnable task = trace.wrap(earnIt);
                String txId = cmd == null ? null : cmd.partnerTxId();
                CompletableFuture<Void> earlier = txId == null ? null : byTxId.get(txId);
                // a repeat of a partnerTxId runs after its first occurrence, and is answered as its retry
                CompletableFuture<Void> f = earlier == null
                        ? CompletableFuture.runAsync(task, workers)
                        : earlier.thenRunAsync(task, workers);
                if (txId != null) {
                    byTxId.put(txId, f);
                }
                running.add(f);
            }
        } catch (RejectedExecutionException stopping) {
            throw ProblemException.unavailable("unavailable", "the ledger is stopping; send the batch again", 5);
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RejectedExecutionException) {
                throw ProblemException.unavailable("unavailable", "the ledger is stopping; send the batch again", 5);
            }
            throw e;
        }
        return List.of(answers);
    }

    private ItemOutcome earnOne(
            String partnerId, EarnCommand cmd, java.util.concurrent.atomic.AtomicBoolean unavailable) {
        long wait = pacer.delayForNextPurchase();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        try {
            if (cmd == null) {
                throw ProblemException.badRequest("missing-body", "each item of earnings is an earn request");
            }
            return new ItemOutcome(earn.earnInBatch(partnerId, cmd), null);
        } catch (RuntimeException e) {
            if (io.pointmesh.platform.problem.ProblemMappers.describe(e, "").status() == 503) {
                unavailable.set(true);
            }
            return new ItemOutcome(null, e);
        }
    }
}
