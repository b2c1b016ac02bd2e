package io.pointmesh.platform.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Group commit: units of work sent by many request threads are written in one database transaction
 * per batch, so a transaction's fixed costs (its begin, its commit and WAL flush, the round trips
 * around them) are paid once per batch instead of once per request. Batches form by themselves:
 * while a lane writes one batch, the next requests queue, and the lane takes up to
 * {@code maxBatch} of them at once (no timer: an idle lane writes a lone request at once).
 *
 * <p>What a caller can rely on:
 * <ul>
 *   <li><b>Answers only after the commit.</b> {@link #run} returns once the transaction holding the
 *       unit committed, so a crash loses nothing that was answered.
 *   <li><b>Each unit as if alone.</b> The units of a batch run one after another on the batch's
 *       connection; a unit sees the writes of the units before it, as if they had committed just
 *       before it (a serial order of requests that were in flight together).
 *   <li><b>A failing unit fails alone.</b> When a unit throws, the batch is rolled back, the other
 *       units are written again as a batch, and the failing unit is run again alone in its own
 *       transaction (through {@link Transactions#run}, with its retries): its answer is exactly
 *       what it would have been without batching.
 *   <li><b>A failed commit is not guessed at.</b> When the commit itself is refused in a way that
 *       certainly rolled back (a serialization failure, a deadlock, a deferred constraint), every
 *       unit is run again alone. When the connection is lost during the commit, nobody can know
 *       whether it committed: every unit of the batch fails with a {@link Transactions.DatabaseException},
 *       as a lone transaction would (the client's retry with its idempotency key finds the truth).
 *   <li><b>A caller waits a bounded time.</b> A lane writes one batch at a time on one connection, so a
 *       connection that hangs (dropped by the network without a reset, or waiting on a lock held for
 *       minutes) would hold every caller of the lane. A caller waits at most {@code answerTimeout}: a unit
 *       not yet taken by its lane is withdrawn and never written; a unit being written has an unknown
 *       outcome. Either way the caller gets a {@link Transactions.DatabaseException} (a 503: the client
 *       retries with its idempotency key, which finds what was written).
 * </ul>
 * So a unit must do everything inside the transaction it is given and nothing outside it: it may be
 * rolled back and run again.
 *
 * <p><b>Lanes.</b> Each lane has one thread and uses one connection at a time; units of one kind
 * (below) with the same lane key are written in the order they were sent. Lanes run in parallel, so a caller chooses lane
 * keys such that two lanes' batches do not lock rows in opposite orders (the ledger: the member's
 * shard, so two lanes never share a member row or a partner's shard row). A deadlock between lanes
 * or with other writers is still safe (the database aborts one, its units run again alone), only slow.
 *
 * <p>Batches are capped ({@code maxBatch}) to bound a batch's latency and how long its row locks are
 * held.
 *
 * <p><b>Bulk work waits for interactive work.</b> Units sent with {@link #runBulk} (the purchases of
 * a partner's upload) are taken into a batch only after every unit sent with {@link #run} that is
 * waiting in the lane (a till waiting for its answer): an upload fills the transactions a lane has
 * spare, and a lone request waits for at most the batch being written, never behind the upload's
 * queue. Within one kind, a lane writes units in the order they were sent.
 */
public final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final DataSource dataSource;
    private final Transactions transactions;
    private final int maxBatch;
    private final long answerTimeoutNanos;
    private final Lane[] lanes;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean open = true;

    public GroupCommit(DataSource dataSource, Transactions transactions, String name, int lanes, int maxBatch) {
        this(dataSource, transactions, name, lanes, maxBatch, java.time.Duration.ofSeconds(30));
    }

    public GroupCommit(
            DataSource dataSource,
            Transactions transactions,
            String name,
            int lanes,
            int maxBatch,
            java.time.Duration answerTimeout) {
        if (lanes < 1 || maxBatch < 1 || answerTimeout.isNegative() || answerTimeout.isZero()) {
            throw new IllegalArgumentException("lanes and maxBatch must be at least 1, answerTimeout positive");
        }
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.maxBatch = maxBatch;
        this.answerTimeoutNanos = answerTimeout.toNanos();
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane(name + "-" + i);
        }
    }

    /**
     * Runs the unit in the transaction of the next batch of lane {@code laneKey} (any int: it is
     * reduced modulo the number of lanes) and returns its result once that transaction committed.
     * Throws what the unit throws (run alone), or {@link Transactions.DatabaseException}.
     */
    public <T> T run(int laneKey, Transactions.Work<T> work) {
        return send(laneKey, work, false);
    }

    /** As {@link #run}, for bulk work: taken after the interactive units waiting in its lane (see the class). */
    public <T> T runBulk(int laneKey, Transactions.Work<T> work) {
        return send(laneKey, work, true);
    }

    private <T> T send(int laneKey, Transactions.Work<T> work, boolean bulk) {
        if (!open) {
            throw new IllegalStateException("group commit is closed");
        }
        // the caller's trace context goes with the unit to the lane's thread: what the unit writes (its outbox
        // events' traceparent) belongs to the request that sent it
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        Unit<T> unit = new Unit<>(
                c -> {
                    try (io.opentelemetry.context.Scope scope = trace.makeCurrent()) {
                        return work.apply(c);
                    }
                },
                bulk,
                sent.incrementAndGet());
        Lane lane = lanes[Math.floorMod(laneKey, lanes.length)];
        lane.queue.add(unit);
        if (!open && lane.queue.remove(unit)) {
            // closed while this unit was queued, after close() drained the queue: nobody would write it
            throw new IllegalStateException("group commit is closed");
        }
        return unit.await(answerTimeoutNanos, lane.queue);
    }

    /** Batches written so far (a batch of one included). */
    public long batches() {
        return batches.get();
    }

    /** Units written so far: units / batches is the mean batch size. */
    public long units() {
        return units.get();
    }

    @Override
    public void close() {
        open = false;
        for (Lane lane : lanes) {
            lane.thread.interrupt();
        }
        for (Lane lane : lanes) {
            try {
                lane.thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Unit<?>> left = new ArrayList<>();
            lane.queue.drainTo(left);
            left.forEach(u -> u.result.completeExceptionally(new IllegalStateException("group commit closed")));
        }
    }

    private final class Lane implements Runnable {
        // interactive units first, then bulk ones; each kind in the order sent (drainTo takes them in this order)
        final PriorityBlockingQueue<Unit<?>> queue = new PriorityBlockingQueue<>(64, Unit.ORDER);
        final Thread thread;

        Lane(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            List<Unit<?>> batch = new ArrayList<>(maxBatch);
            while (open) {
                try {
                    Unit<?> first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                    write(batch);
                } catch (InterruptedException e) {
                    break;
                } catch (Throwable unexpected) {
                    // never leave a caller waiting: whatever was not answered fails
                    LOG.error("group commit lane failed", unexpected);
                    batch.forEach(u -> u.result.completeExceptionally(unexpected));
                } finally {
                    batch.clear();
                }
            }
        }
    }

    /** Writes the units as one transaction, or (after a failure) as described on the class. */
    private void write(List<Unit<?>> batch) {
        batches.incrementAndGet();
        units.addAndGet(batch.size());
        if (batch.size() == 1) {
            batch.get(0).runAlone(transactions);
            return;
        }
        int failed = -1;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (int i = 0; i < batch.size() && failed < 0; i++) {
                    if (!batch.get(i).apply(connection)) {
                        failed = i;
                    }
                }
                if (failed >= 0) {
                    connection.rollback();
                } else {
                    connection.commit();
                }
            } catch (SQLException | RuntimeException | Error commitRefused) {
                // roll back before autocommit is restored: restoring it would commit what was written
                rollbackQuietly(connection);
                throw commitRefused;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            if (failed < 0 && certainlyRolledBack(e)) {
                LOG.debugf("group commit of %d refused (%s): each runs alone", batch.size(), e.getSQLState());
                batch.forEach(u -> u.runAlone(transactions));
            } else if (failed < 0) {
                // the outcome of the commit is unknown: answer as a lone transaction would
                batch.forEach(u -> u.result.completeExceptionally(new Transactions.DatabaseException(e)));
            } else {
                // the rollback after a unit's failure did not reach the database: it rolls back on its own
                retryWithout(batch, failed);
            }
            return;
        }
        if (failed >= 0) {
            retryWithout(batch, failed);
            return;
        }
        batch.forEach(Unit::answer);
    }

    private void retryWithout(List<Unit<?>> batch, int failed) {
        List<Unit<?>> rest = new ArrayList<>(batch);
        Unit<?> alone = rest.remove(failed);
        rest.forEach(Unit::forget);
        if (!rest.isEmpty()) {
            write(rest);
        }
        alone.runAlone(transactions);
    }

    /** A refusal after which the database has rolled the whole transaction back. */
    private static boolean certainlyRolledBack(SQLException e) {
        if (Transactions.isRetryable(e)) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && state.startsWith("23"); // integrity constraint violation (a deferred trigger)
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the database rolls back on its own
        }
    }

    private static final class Unit<T> {
        static final java.util.Comparator<Unit<?>> ORDER =
                java.util.Comparator.<Unit<?>>comparingInt(u -> u.bulk ? 1 : 0).thenComparingLong(u -> u.seq);

        final Transactions.Work<T> work;
        final boolean bulk;
        final long seq;
        final CompletableFuture<T> result = new CompletableFuture<>();
        private T pending;

        Unit(Transactions.Work<T> work, boolean bulk, long seq) {
            this.work = work;
            this.bulk = bulk;
            this.seq = seq;
        }

        /** Runs in the batch's transaction; false if the unit threw (the batch must roll back). */
        boolean apply(Connection connection) {
            try {
                pending = work.apply(connection);
                return true;
            } catch (Throwable e) { // an Error too: the batch must roll back, never commit half a unit
                return false;
            }
        }

        void forget() {
            pending = null;
        }

        void answer() {
            result.complete(pending);
        }

        void runAlone(Transactions transactions) {
            try {
                result.complete(transactions.run(work));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        T await(long timeoutNanos, java.util.Queue<Unit<?>> queue) {
            try {
                return result.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // withdrawn if its lane has not taken it: then it is never written; else its outcome is unknown
                boolean withdrawn = queue.remove(this);
                throw new Transactions.DatabaseException(new java.sql.SQLTransientConnectionException(
                        withdrawn
                                ? "group commit: the lane did not take the unit in time; it was not written"
                                : "group commit: no answer from the database in time; the outcome is unknown"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the group commit was writing", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new CompletionException(cause);
            }
        }
    }
}
