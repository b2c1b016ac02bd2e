package io.pointmesh.platform.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.platform.sql.Transactions;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A dependency that is down answers 503 with Retry-After; anything else unexpected is a 500 (a bug). */
class ProblemMappersTest {

    final ProblemMappers mappers = new ProblemMappers();

    @org.junit.jupiter.api.BeforeAll
    static void quiet() {
        // the 500s below are on purpose: keep their "unexpected failure" lines out of the run's log,
        // which ./pointmesh test scans for real ones
        java.util.logging.Logger.getLogger(ProblemMappers.class.getName()).setLevel(java.util.logging.Level.OFF);
    }

    @Test
    void aDatabaseThatIsDownIs503WithRetryAfter() {
        for (RuntimeException down : new RuntimeException[] {
            new Transactions.DatabaseException(new SQLException("Connection to 127.0.0.1:55432 refused", "08001")),
            new Transactions.DatabaseException(
                    new SQLException("terminating connection due to administrator command", "57P01")),
            new Transactions.DatabaseException(
                    new SQLException("Acquisition timeout while waiting for new connection")),
            new CompletionException(new ConnectException("Connection refused"))
        }) {
            assertTrue(ProblemMappers.dependencyDown(down), down.toString());
            var response = mappers.unexpected(down, null);
            assertEquals(503, response.getStatus());
            assertEquals("5", response.getHeaderString("Retry-After"));
        }
    }

    @Test
    void aBugIs500() {
        RuntimeException bug =
                new Transactions.DatabaseException(new SQLException("new row violates check constraint", "23514"));
        assertFalse(ProblemMappers.dependencyDown(bug));
        assertEquals(500, mappers.unexpected(bug, null).getStatus());
        assertEquals(
                500, mappers.unexpected(new IllegalStateException("oops"), null).getStatus());
    }
}
