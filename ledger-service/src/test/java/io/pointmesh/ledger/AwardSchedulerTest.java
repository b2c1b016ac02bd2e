package io.pointmesh.ledger;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The scheduled worker, as it runs in production (on every instance, every second), finishes an award on its own. */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
@TestProfile(AwardSchedulerTest.ScheduledWorker.class)
class AwardSchedulerTest {

    /** The worker on, with small batches, so an award takes several runs. */
    public static class ScheduledWorker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "%test.pointmesh.ledger.awards.interval", "1s",
                    "pointmesh.ledger.awards.interval", "1s",
                    "pointmesh.ledger.awards.batch-size", "40");
        }
    }

    @Inject
    Transactions transactions;

    @Test
    void theScheduledWorkerCreditsAnAcceptedAward() {
        String prefix = "aws-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int n = 150;
        transactions.run(c -> {
            Sql.update(
                    c,
                    "INSERT INTO member_directory (member_id, status, joined_at) "
                            + "SELECT ? || i, 'ACTIVE', now() FROM generate_series(1, ?) i",
                    prefix,
                    n);
            Sql.update(
                    c,
                    "INSERT INTO account (id, kind, owner_id) SELECT 'member:' || ? || i, 'MEMBER', ? || i "
                            + "FROM generate_series(1, ?) i",
                    prefix,
                    prefix,
                    n);
            return Sql.update(
                    c,
                    "INSERT INTO member_balance (member_id, account_id) SELECT ? || i, 'member:' || ? || i "
                            + "FROM generate_series(1, ?) i",
                    prefix,
                    prefix,
                    n);
        });
        List<String> members = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            members.add(prefix + i);
        }
        String awardId = "scheduled-" + UUID.randomUUID();
        AwardTest.post(
                        TestTokens.operator(),
                        AwardTest.award(awardId, 12, "NETWORK", null, Map.of("memberIds", members)))
                .statusCode(202)
                .body("status", is("PENDING"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> AwardTest.get(TestTokens.operator(), awardId, null)
                        .statusCode(200)
                        .body("status", is("DONE"), "credited", is(n)));
        long balances = transactions.run(
                c -> Sql.scalarLong(c, "SELECT sum(balance) FROM member_balance WHERE member_id LIKE ?", prefix + "%"));
        assertEquals(n * 12L, balances);
        InvariantCheck.assertHolds(LedgerScenariosTest.DB);
    }
}
