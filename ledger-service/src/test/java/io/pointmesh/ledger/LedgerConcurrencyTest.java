package io.pointmesh.ledger;

import static io.pointmesh.ledger.LedgerFixture.balance;
import static io.pointmesh.ledger.LedgerFixture.card;
import static io.pointmesh.ledger.LedgerFixture.earn;
import static io.pointmesh.ledger.LedgerFixture.hold;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Concurrent requests for one member, released together: no interleaving spends a point twice or applies a request twice. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class LedgerConcurrencyTest {

    @jakarta.inject.Inject
    io.pointmesh.platform.sql.Transactions transactions;

    @AfterEach
    void invariantsHold() {
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }

    @Test
    void hundredConcurrentHoldsOfTenOnAHundredPointsLetExactlyTenThrough() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "10000").statusCode(201).body("points", is(100));
        List<Integer> statuses =
                race(100, i -> hold(partner, member, 10).extract().statusCode());
        assertEquals(10, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(90, statuses.stream().filter(s -> s == 422).count(), statuses.toString());
        balance(member).body("available", is(0), "held", is(100));
    }

    @Test
    void twentyConcurrentGiftsOfAHundredFromAHundredLetAtMostOneThrough() throws Exception {
        String partner = LedgerFixture.partner();
        String giver = LedgerFixture.member();
        List<String> receivers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            receivers.add(LedgerFixture.member());
        }
        earn(partner, giver, "10000").statusCode(201).body("points", is(100));
        List<Integer> statuses = race(
                20,
                i -> LedgerScenariosTest.gift(
                                giver,
                                card(receivers.get(i % 4)),
                                100,
                                UUID.randomUUID().toString())
                        .extract()
                        .statusCode());
        long succeeded = statuses.stream().filter(s -> s == 201).count();
        assertTrue(succeeded <= 1, statuses.toString());
        assertEquals(1, succeeded, "the balance covers one gift: " + statuses);
        balance(giver).body("available", is(0), "spent", is(100));
        long received = receivers.stream().mapToLong(LedgerFixture::available).sum();
        assertEquals(100, received);
    }

    @Test
    void theSamePartnerTransactionSentFiftyTimesAtOnceEarnsOnce() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        String tx = UUID.randomUUID().toString();
        Instant at = Instant.now().minusSeconds(30);
        List<String> ids =
                race(50, i -> earn(partner, member, "10000", tx, at).extract().path("earningId"));
        Set<String> distinct = new HashSet<>(ids);
        assertEquals(1, distinct.size(), ids.toString());
        assertTrue(distinct.iterator().next() != null);
        balance(member).body("available", is(100), "lifetimeEarned", is(100));
    }

    @Test
    void concurrentEarningsAndHoldsForOneMemberAddUp() throws Exception {
        String partner = LedgerFixture.partner();
        String member = LedgerFixture.member();
        earn(partner, member, "10000").statusCode(201);
        List<Integer> statuses = race(
                40,
                i -> i % 2 == 0
                        ? earn(partner, member, "1000").extract().statusCode()
                        : hold(partner, member, 5).extract().statusCode());
        long earned = 0;
        long held = 0;
        for (int i = 0; i < statuses.size(); i++) {
            if (statuses.get(i) == 201) {
                if (i % 2 == 0) {
                    earned += 10;
                } else {
                    held += 5;
                }
            }
        }
        assertEquals(200, earned, statuses.toString());
        balance(member).body("available", is((int) (100 + earned - held)), "held", is((int) held));
    }

    @Test
    void concurrentEarningsOfManyMembersShareCommitsAndEachIsAnsweredWithItsOwn() throws Exception {
        String partner = LedgerFixture.partner();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            members.add(LedgerFixture.member());
        }
        // each member earns 10 points per 1,000 KRW: member i buys (i + 1) thousand
        List<String> ids = race(
                48,
                i -> earn(partner, members.get(i), String.valueOf(1000 * (i + 1)))
                        .statusCode(201)
                        .body("points", is(10 * (i + 1)))
                        .extract()
                        .<String>path("earningId"));
        assertEquals(48, new HashSet<>(ids).size(), ids.toString());
        for (int i = 0; i < 48; i++) {
            balance(members.get(i)).body("available", is(10 * (i + 1)), "lifetimeEarned", is(10 * (i + 1)));
        }
        // group commit (docs/ledger.md): released together, the earnings were written in fewer
        // transactions than requests (xmin: the transaction that wrote each earning's row)
        long used = transactions.run(c -> io.pointmesh.platform.sql.Sql.scalarLong(
                c, "SELECT count(DISTINCT xmin::text) FROM earning WHERE id = ANY(?::uuid[])", (Object)
                        ids.toArray(String[]::new)));
        assertTrue(used < 48, used + " transactions for 48 earnings");
    }

    /** Runs n requests on n threads released at the same moment; answers their results in index order. */
    static <T> List<T> race(int n, IndexedCall<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return call.apply(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface IndexedCall<T> {
        T apply(int index) throws Exception;
    }
}
