package io.pointmesh.platform.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Group commit on a real PostgreSQL: many callers' units share transactions, yet each caller gets
 * its own answer only after its unit committed, a failing unit fails alone, and nothing is written
 * twice or lost (a unique key and a deferred constraint stand for the ledger's).
 */
class GroupCommitTest {

    private static PGSimpleDataSource db;
    private static Transactions transactions;
    private static ExecutorService callers;

    @BeforeAll
    static void database() throws SQLException {
        LocalInfra.ensureRunning();
        String name = PointmeshTestResource.testDatabase("groupcommit");
        LocalInfra.recreateDatabase(name, "ledger");
        db = new PGSimpleDataSource();
        db.setURL("jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/" + name);
        db.setUser("ledger");
        db.setPassword("ledger");
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE posting (key TEXT PRIMARY KEY, amount BIGINT NOT NULL CHECK (amount > 0),"
                    + " batch BIGINT NOT NULL DEFAULT txid_current())");
            // a deferred check, as the ledger's consistency triggers are: it can only fail at commit
            s.execute("CREATE FUNCTION no_thirteen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.amount = 13 THEN RAISE EXCEPTION 'thirteen' USING ERRCODE = '23514'; END IF;"
                    + " RETURN NULL; END $$");
            s.execute("CREATE CONSTRAINT TRIGGER no_thirteen AFTER INSERT ON posting"
                    + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION no_thirteen()");
        }
        transactions = new Transactions(db);
        callers = Executors.newFixedThreadPool(64);
    }

    @AfterAll
    static void stop() {
        callers.shutdownNow();
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE posting");
        }
    }

    /** Inserts a row; a taken key is the caller's problem (as a duplicate request is), not a batch's. */
    private static Transactions.Work<String> post(String key, long amount) {
        return c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO posting (key, amount) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")) {
                insert.setString(1, key);
                insert.setLong(2, amount);
                if (insert.executeUpdate() == 0) {
                    throw new IllegalArgumentException("duplicate " + key);
                }
            }
            return key;
        };
    }

    private static List<Future<Object>> race(GroupCommit group, List<Transactions.Work<String>> units)
            throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> answers = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            Transactions.Work<String> unit = units.get(i);
            int lane = i;
            answers.add(callers.submit(() -> {
                go.await();
                try {
                    return group.run(lane, unit);
                } catch (RuntimeException e) {
                    return e;
                }
            }));
        }
        go.countDown();
        return answers;
    }

    private static Set<String> stored() throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT key FROM posting")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    private static long transactionsUsed() throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(DISTINCT batch) FROM posting")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void everyCallerGetsItsOwnAnswerAndConcurrentUnitsShareTransactions() throws Exception {
        try (GroupCommit group = new GroupCommit(db, transactions, "test", 1, 32)) {
            List<Transactions.Work<String>> units = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                units.add(post("k" + i, 1 + i % 7));
            }
            List<Future<Object>> answers = race(group, units);
            Set<String> answered = new HashSet<>();
            for (Future<Object> answer : answers) {
                answered.add((String) answer.get(30, TimeUnit.SECONDS));
            }
            assertEquals(400, answered.size());
            assertEquals(answered, stored());
            // the 400 units were written in fewer transactions than units: batches formed
            assertTrue(transactionsUsed() < 400, "transactions: " + transactionsUsed());
            assertTrue(group.units() == 400 && group.batches() < 400, group.batches() + " batches");
        }
    }

    @Test
    void aUnitThatThrowsFailsAloneAndTheOthersCommit() throws Exception {
        try (GroupCommit group = new GroupCommit(db, transactions, "test", 1, 32)) {
            List<Transactions.Work<String>> units = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // every tenth unit tries a key another unit holds, or an amount the CHECK refuses
                units.add(i % 10 == 0 ? post("k" + (i + 1), 5) : i % 10 == 5 ? post("bad" + i, -1) : post("k" + i, 5));
            }
            List<Future<Object>> answers = race(group, units);
            int ok = 0;
            for (int i = 0; i < answers.size(); i++) {
                Object answer = answers.get(i).get(30, TimeUnit.SECONDS);
                if (i % 10 == 5) {
                    // the CHECK violation, answered as a lone transaction answers it
                    assertInstanceOf(Transactions.DatabaseException.class, answer, "unit " + i);
                } else if (answer instanceof String) {
                    ok++;
                } else {
                    // a duplicate: one of k(i+1)'s two writers lost, and was told so
                    assertInstanceOf(IllegalArgumentException.class, answer, "unit " + i + ": " + answer);
                }
            }
            Set<String> keys = stored();
            assertEquals(ok, keys.size(), "every unit answered with success is stored, and only those");
            for (int i = 0; i < 200; i++) {
                if (i % 10 != 0 && i % 10 != 5) {
                    assertTrue(keys.contains("k" + i), "k" + i + " lost");
                }
            }
        }
    }

    @Test
    void aCommitRefusedByADeferredConstraintRunsEachUnitAlone() throws Exception {
        try (GroupCommit group = new GroupCommit(db, transactions, "test", 1, 32)) {
            List<Transactions.Work<String>> units = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                units.add(post("k" + i, i % 25 == 0 ? 13 : 2));
            }
            List<Future<Object>> answers = race(group, units);
            for (int i = 0; i < answers.size(); i++) {
                Object answer = answers.get(i).get(30, TimeUnit.SECONDS);
                if (i % 25 == 0) {
                    assertInstanceOf(Transactions.DatabaseException.class, answer, "unit " + i);
                } else {
                    assertEquals("k" + i, answer);
                }
            }
            assertEquals(96, stored().size());
        }
    }

    @Test
    void anAnswerIsGivenOnlyOnceItsTransactionCommitted() throws Exception {
        try (GroupCommit group = new GroupCommit(db, transactions, "test", 1, 32)) {
            List<Future<Object>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 64; i++) {
                String key = "k" + i;
                answers.add(callers.submit(() -> {
                    go.await();
                    String answer = group.run(0, post(key, 3));
                    // seen by another connection the moment the caller has its answer
                    try (Connection c = db.getConnection();
                            PreparedStatement q = c.prepareStatement("SELECT count(*) FROM posting WHERE key = ?")) {
                        q.setString(1, key);
                        try (ResultSet rs = q.executeQuery()) {
                            rs.next();
                            return rs.getLong(1) == 1 ? answer : "not committed: " + key;
                        }
                    }
                }));
            }
            go.countDown();
            for (int i = 0; i < answers.size(); i++) {
                assertEquals("k" + i, answers.get(i).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void anErrorInAUnitRollsTheBatchBackInsteadOfCommittingHalfOfIt() throws Exception {
        try (GroupCommit group = new GroupCommit(db, transactions, "test", 1, 32)) {
            Transactions.Work<String> half = c -> {
                post("half", 1).apply(c);
                throw new AssertionError("a unit dies after its first write");
            };
            List<Future<Object>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                Transactions.Work<String> unit = i == 10 ? half : post("k" + i, 1);
                answers.add(callers.submit(() -> {
                    go.await();
                    try {
                        return group.run(0, unit);
                    } catch (Throwable t) {
                        return t;
                    }
                }));
            }
            go.countDown();
            for (int i = 0; i < 20; i++) {
                Object answer = answers.get(i).get(30, TimeUnit.SECONDS);
                if (i == 10) {
                    assertInstanceOf(AssertionError.class, answer);
                } else {
                    assertEquals("k" + i, answer);
                }
            }
            assertTrue(!stored().contains("half"), "half a unit was committed");
            assertEquals(19, stored().size());
        }
    }

    @Test
    void aClosedGroupCommitRefusesNewWork() {
        GroupCommit group = new GroupCommit(db, transactions, "test", 2, 8);
        group.close();
        assertThrows(IllegalStateException.class, () -> group.run(0, post("late", 1)));
    }

    /**
     * A lane whose connection hangs (here: waiting on a row lock another session holds) holds every caller of the
     * lane; before, they all waited for ever. Now each waits at most the answer timeout: the unit being written has
     * an unknown outcome (it commits once the lock is released), the one queued behind it is withdrawn and never
     * written, and the lane goes on once its connection is back.
     */
    @Test
    void aCallerWaitsABoundedTimeForAHungLaneAndAWithdrawnUnitIsNeverWritten() throws Exception {
        try (Connection holder = db.getConnection();
                GroupCommit group = new GroupCommit(db, transactions, "test", 1, 4, java.time.Duration.ofMillis(500))) {
            group.run(0, post("locked", 1));
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT * FROM posting WHERE key = 'locked' FOR UPDATE");
            }
            CountDownLatch writing = new CountDownLatch(1);
            Future<Object> hung = callers.submit(() -> {
                try {
                    return group.run(0, c -> {
                        writing.countDown();
                        try (Statement s = c.createStatement()) {
                            s.execute("UPDATE posting SET amount = 2 WHERE key = 'locked'");
                        }
                        return post("behind-the-lock", 1).apply(c);
                    });
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertTrue(writing.await(10, TimeUnit.SECONDS));
            Object queued;
            try {
                queued = group.run(0, post("queued", 1));
            } catch (RuntimeException e) {
                queued = e;
            }
            assertInstanceOf(Transactions.DatabaseException.class, queued, "the queued caller is answered");
            assertInstanceOf(Transactions.DatabaseException.class, hung.get(10, TimeUnit.SECONDS));
            holder.rollback();
            // the lane is free again: a new unit is written, the withdrawn one never is
            assertEquals("after", group.run(0, post("after", 1)));
            Set<String> keys = stored();
            assertTrue(keys.contains("behind-the-lock"), "the hung unit committed once the lock was released");
            assertTrue(!keys.contains("queued"), "a withdrawn unit is never written: " + keys);
        }
    }

    @Test
    void aLoneUnitIsWrittenBeforeTheBulkUnitsQueuedAheadOfIt() throws Exception {
        try (GroupCommit group = new GroupCommit(db, transactions, "test", 1, 4)) {
            List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch lanesBusy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // the lane is busy writing a unit, while an upload's units queue up behind it
            Future<Object> blocker = callers.submit(() -> group.runBulk(0, c -> {
                lanesBusy.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                written.add("blocker");
                return post("blocker", 1).apply(c);
            }));
            assertTrue(lanesBusy.await(10, TimeUnit.SECONDS));
            List<Future<Object>> upload = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String key = "bulk" + i;
                upload.add(callers.submit(() -> group.runBulk(0, c -> {
                    written.add(key);
                    return post(key, 1).apply(c);
                })));
            }
            Thread.sleep(300); // the upload's units are in the lane's queue
            Future<Object> lone = callers.submit(() -> group.run(0, c -> {
                written.add("lone");
                return post("lone", 1).apply(c);
            }));
            Thread.sleep(100);
            release.countDown();
            assertEquals("lone", lone.get(30, TimeUnit.SECONDS));
            blocker.get(30, TimeUnit.SECONDS);
            for (Future<Object> f : upload) {
                f.get(30, TimeUnit.SECONDS);
            }
            // the till's unit went into the first batch after the one being written, ahead of all 20
            assertEquals(List.of("blocker", "lone"), written.subList(0, 2), written.toString());
            assertEquals(22, stored().size());
            assertEquals(20, written.stream().filter(k -> k.startsWith("bulk")).count());
        }
    }
}
