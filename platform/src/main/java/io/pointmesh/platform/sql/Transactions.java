package io.pointmesh.platform.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Runs blocking JDBC work in one database transaction, retrying it from the start when PostgreSQL
 * aborts it for a serialization failure or a deadlock (SQLSTATE 40001, 40P01): such an abort
 * rolled everything back, so running the whole unit again is safe and is the only correct reaction.
 * Any other failure rolls back and propagates.
 */
public final class Transactions {

    private static final Logger LOG = Logger.getLogger(Transactions.class);
    private static final int ATTEMPTS = 8;

    /** A unit of work on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    public Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Read-only work of one statement, in autocommit (the statement is its own transaction): one
     * round trip instead of the begin and commit around it. Not for writes, nor for reads that
     * must see one snapshot across statements.
     */
    public <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    public <T> T run(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.apply(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    // roll back before autocommit is restored: restoring it would commit what was written
                    rollbackQuietly(connection);
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (!isRetryable(e) || attempt == ATTEMPTS) {
                    throw new DatabaseException(e);
                }
                LOG.debugf("transaction aborted (%s), attempt %d, retrying", e.getSQLState(), attempt);
                backOff(attempt);
            }
        }
    }

    /** Serialization failures and deadlocks: the database undid the work and asks for it again. */
    public static boolean isRetryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it and the database has rolled back
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A database failure that is not the caller's fault (answers 500/503, never a 4xx). */
    public static final class DatabaseException extends RuntimeException {
        public DatabaseException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
