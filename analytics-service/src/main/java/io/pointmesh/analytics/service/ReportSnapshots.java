package io.pointmesh.analytics.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.service.ReportService.Row;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Report snapshots: HTTP's stale-while-revalidate for reports (docs/analytics.md, "Report
 * snapshots"). A snapshot younger than {@code max-age} is served as is; older by less than
 * {@code stale-while-revalidate} it is served and recomputed in the background; older (or absent)
 * it is computed on the request and stored. One computation per key at a time on this instance:
 * concurrent requests for a key being computed wait for that computation (no thundering herd), and
 * background recomputations run on a small bounded pool. With both durations 0 nothing is read or
 * stored: every report is computed on its request.
 *
 * <p>Privacy is the caller's: the key carries the view (a partner's own or operators'), and the
 * partner's budget is spent before {@link #serve} is called (ReportService).
 */
@ApplicationScoped
public class ReportSnapshots {

    private static final Logger LOG = Logger.getLogger(ReportSnapshots.class);

    /** Everything a report's answer depends on. */
    public record Key(
            String scope,
            String kind,
            LocalDate from,
            LocalDate to,
            LocalDate asOf,
            boolean partnerView,
            String settings) {
        String view() {
            return partnerView ? "partner" : "operator";
        }

        /** The key's columns, in the table's order, followed by {@code more}. */
        Object[] columns(Object... more) {
            List<Object> out = new java.util.ArrayList<>(List.of(scope, kind, from, to, asOf, view(), settings));
            out.addAll(List.of(more));
            return out.toArray();
        }
    }

    /** An answer and when its computation started (the data it reflects is at least that recent). */
    public record Snapshot(List<Row> rows, Instant computedAt) {}

    private static final TypeReference<List<Row>> ROWS = new TypeReference<>() {};

    @Inject
    Transactions transactions;

    @Inject
    AnalyticsConfig config;

    @Inject
    Clock clock;

    @Inject
    ObjectMapper json;

    private volatile Duration maxAge;
    private volatile Duration staleWhileRevalidate;

    /** The computation of each key running now: later requests for the key wait for it instead of starting another. */
    private final ConcurrentHashMap<Key, CompletableFuture<Snapshot>> running = new ConcurrentHashMap<>();

    private final AtomicLong computations = new AtomicLong();
    private ThreadPoolExecutor refreshes;

    @PostConstruct
    void start() {
        maxAge = config.reports().maxAge();
        staleWhileRevalidate = config.reports().staleWhileRevalidate();
        int workers = Math.max(1, config.reports().refreshWorkers());
        AtomicInteger n = new AtomicInteger();
        refreshes = new ThreadPoolExecutor(
                workers,
                workers,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.reports().refreshQueue())),
                r -> {
                    Thread t = new Thread(r, "report-refresh-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        refreshes.allowCoreThreadTimeOut(true);
    }

    @PreDestroy
    void stop() {
        refreshes.shutdownNow();
    }

    /** Whether snapshots are served and stored at all. */
    public boolean enabled() {
        return !maxAge.isZero() && !maxAge.isNegative()
                || !staleWhileRevalidate.isZero() && !staleWhileRevalidate.isNegative();
    }

    /** Changes max-age and stale-while-revalidate at runtime (tests; both 0: off). */
    public void policy(Duration maxAge, Duration staleWhileRevalidate) {
        this.maxAge = maxAge;
        this.staleWhileRevalidate = staleWhileRevalidate;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /** How many computations this instance has run (served snapshots not counted). */
    public long computations() {
        return computations.get();
    }

    /** The answer for the key, from its snapshot or computed (see the class comment). */
    public Snapshot serve(Key key, Supplier<List<Row>> compute) {
        if (!enabled()) {
            computations.incrementAndGet();
            return new Snapshot(compute.get(), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
        Optional<Snapshot> stored = read(key);
        if (stored.isPresent()) {
            Duration age = Duration.between(stored.get().computedAt(), clock.instant());
            if (age.compareTo(maxAge) < 0) {
                return stored.get();
            }
            if (age.compareTo(maxAge.plus(staleWhileRevalidate)) < 0) {
                refresh(key, compute);
                return stored.get();
            }
        }
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> theirs = running.putIfAbsent(key, mine);
        if (theirs == null) {
            compute(key, compute, mine); // on the request's thread, as without snapshots
        }
        Snapshot s;
        try {
            s = (theirs == null ? mine : theirs).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        // null: the one we waited for was a background recomputation the full pool turned away; ask again
        return s != null ? s : serve(key, compute);
    }

    /**
     * Recomputes the key in the background unless it is being computed already; answers whether
     * this call started a computation (false too when the pool's queue is full: a later stale
     * request asks again).
     */
    public boolean refresh(Key key, Supplier<List<Row>> compute) {
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        if (running.putIfAbsent(key, mine) != null) {
            return false;
        }
        try {
            refreshes.execute(() -> compute(key, compute, mine));
            return true;
        } catch (RejectedExecutionException e) {
            running.remove(key, mine);
            mine.complete(null);
            return false;
        }
    }

    /** Computes the key now on this thread (unless it is being computed already) and stores it: precomputation. */
    public void recompute(Key key, Supplier<List<Row>> compute) {
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> theirs = running.putIfAbsent(key, mine);
        if (theirs == null) {
            compute(key, compute, mine);
        }
    }

    /** Whether the key has no snapshot at all. */
    public boolean missing(Key key) {
        return read(key).isEmpty();
    }

    private void compute(Key key, Supplier<List<Row>> compute, CompletableFuture<Snapshot> future) {
        try {
            // milliseconds: what the table keeps exactly, so a served snapshot says the same time as the computed
            // answer
            Instant started = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            long t0 = System.nanoTime();
            computations.incrementAndGet();
            Snapshot s = new Snapshot(compute.get(), started);
            store(key, s, (System.nanoTime() - t0) / 1_000_000);
            future.complete(s);
        } catch (Throwable e) {
            if (!(e instanceof RuntimeException)
                    || Thread.currentThread().getName().startsWith("report-refresh")) {
                LOG.warnf(e, "report %s could not be computed", key);
            }
            future.completeExceptionally(e);
        } finally {
            running.remove(key, future);
        }
    }

    private Optional<Snapshot> read(Key key) {
        return transactions.read(c -> Sql.one(
                c,
                "SELECT rows, computed_at FROM report_snapshot WHERE scope = ? AND kind = ? AND from_date = ? AND to_date = ? "
                        + "AND as_of = ? AND view = ? AND settings = ?",
                rs -> new Snapshot(
                        rows(rs.getString(1)),
                        rs.getObject(2, OffsetDateTime.class).toInstant()),
                key.columns()));
    }

    private void store(Key key, Snapshot s, long millis) {
        String rows;
        try {
            rows = json.writeValueAsString(s.rows());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // a slower computation that started earlier never replaces a newer answer
        transactions.run(c -> Sql.update(
                c,
                "INSERT INTO report_snapshot (scope, kind, from_date, to_date, as_of, view, settings, computed_at, millis, rows) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, kind, from_date, to_date, as_of, view, settings) "
                        + "DO UPDATE SET computed_at = EXCLUDED.computed_at, millis = EXCLUDED.millis, rows = EXCLUDED.rows "
                        + "WHERE report_snapshot.computed_at <= EXCLUDED.computed_at",
                key.columns(s.computedAt(), millis, rows)));
    }

    /** Drops snapshots too old to be served (older than max-age + stale-while-revalidate): they would be recomputed anyway. */
    public int dropExpired() {
        Instant before = clock.instant().minus(maxAge.plus(staleWhileRevalidate));
        return transactions.run(c -> Sql.update(
                c, "DELETE FROM report_snapshot WHERE computed_at < ?", before.atOffset(java.time.ZoneOffset.UTC)));
    }

    private List<Row> rows(String text) {
        try {
            return json.readValue(text, ROWS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report_snapshot.rows is not JSON", e);
        }
    }
}
