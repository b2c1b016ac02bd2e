package io.pointmesh.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Property-based: random sequences of ledger operations, run by the real posting code on the real
 * PostgreSQL schema (no container, no mocks), keep every invariant after every step: the sum of
 * all balances is zero, each balance is the sum of its entries, available/pending are the sums of
 * the lots and held the sum of open holds (the ledger_invariant_violation view), no lot or
 * balance component goes negative (database CHECKs: a violation fails the step), and every spend
 * drew oldest-expiry-first.
 */
class LedgerPropertiesTest {

    static final String DB = "pointmesh_ledger_props";
    static Transactions transactions;
    static TestClock clock = TestClock.stoppedAt(Instant.parse("2026-01-01T00:00:00Z"));
    static Ledger ledger;

    @BeforeContainer
    static void database() {
        PGSimpleDataSource ds = ScratchLedgerDatabase.migrated(DB);
        transactions = new Transactions(ds);
        ledger = new Ledger(
                new PostingRepository(),
                new OperationRepository(),
                new DirectoryRepository(),
                new ReferralRepository(),
                clock,
                (c, e, postedAt) -> {},
                new Ledger.Policy(
                        Duration.ofMinutes(15),
                        100,
                        10,
                        Duration.ZERO,
                        60,
                        50_000,
                        100_000,
                        30,
                        ZoneId.of("Asia/Seoul")));
    }

    /** One step of a random history. Indexes pick among members, earnings and holds made so far. */
    sealed interface Op permits Earn, Hold, Capture, Void, ReverseEarning, ReverseRedemption, Gift, Adjust, Advance {}

    record Earn(int member, long points, int pendingDays, int validityDays) implements Op {}

    record Hold(int member, long points) implements Op {}

    record Capture(int hold, int percent) implements Op {}

    record Void(int hold) implements Op {}

    record ReverseEarning(int earning, int percent) implements Op {}

    record ReverseRedemption(int hold) implements Op {}

    record Gift(int from, int to, long points) implements Op {}

    record Adjust(int member, long points) implements Op {}

    record Advance(int days) implements Op {}

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Integer> member = Arbitraries.integers().between(0, 2);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 30);
        Arbitrary<Integer> percent = Arbitraries.integers().between(1, 100);
        Arbitrary<Op> op = Arbitraries.oneOf(
                Combinators.combine(
                                member,
                                Arbitraries.longs().between(1, 500),
                                Arbitraries.of(0, 0, 3),
                                Arbitraries.integers().between(5, 60))
                        .as(Earn::new),
                Combinators.combine(member, Arbitraries.longs().between(1, 400)).as(Hold::new),
                Combinators.combine(index, percent).as(Capture::new),
                index.map(Void::new),
                Combinators.combine(index, percent).as(ReverseEarning::new),
                index.map(ReverseRedemption::new),
                Combinators.combine(member, member, Arbitraries.longs().between(1, 300))
                        .as(Gift::new),
                Combinators.combine(
                                member, Arbitraries.longs().between(-300, 300).filter(p -> p != 0))
                        .as(Adjust::new),
                Arbitraries.integers().between(1, 20).map(Advance::new));
        return op.list().ofMinSize(5).ofMaxSize(40);
    }

    @Property(tries = 60)
    void everyHistoryKeepsTheInvariants(@ForAll("histories") List<Op> history) {
        clock.set(Instant.parse("2026-01-01T00:00:00Z"));
        String partner = "p-" + UUID.randomUUID();
        List<String> members = List.of(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        transactions.run(c -> {
            ledger.openPartnerAccounts(c, partner);
            for (String m : members) {
                Sql.update(
                        c,
                        "INSERT INTO member_directory (member_id, status, joined_at) VALUES (?, 'ACTIVE', now())",
                        m);
                ledger.openMemberAccount(c, m);
            }
            return null;
        });
        List<UUID> earnings = new ArrayList<>();
        List<UUID> holds = new ArrayList<>();
        for (Op op : history) {
            UUID spend = apply(op, partner, members, earnings, holds);
            InvariantCheck.assertHolds(DB);
            if (spend != null) {
                assertFifo(spend);
            }
        }
        // and whatever the history, the jobs bring everything due up to date without breaking anything
        clock.advance(Duration.ofDays(400));
        for (String m : members) {
            transactions.run(c -> ledger.expireMember(c, m));
        }
        InvariantCheck.assertHolds(DB);
        long open = count("SELECT count(*) FROM lot WHERE remaining > 0 AND expires_at <= '" + clock.instant() + "' "
                + "AND member_id IN ('" + String.join("','", members) + "')");
        assertEquals(0, open, "no point outlives its expiry");
    }

    /** Applies one step; business refusals (problems) are fine and must leave no trace. Answers the spend to check for FIFO. */
    private UUID apply(Op op, String partner, List<String> members, List<UUID> earnings, List<UUID> holds) {
        try {
            if (op instanceof Earn e) {
                Instant now = clock.instant();
                UUID id = UUID.randomUUID();
                transactions.run(c -> ledger.earn(
                        c,
                        new Ledger.EarnPosting(
                                id,
                                partner,
                                id.toString(),
                                "h",
                                members.get(e.member()),
                                "S",
                                BigDecimal.valueOf(e.points() * 100),
                                "KRW",
                                now,
                                e.points(),
                                List.of(),
                                BigDecimal.ONE,
                                now.plus(Duration.ofDays(e.pendingDays())),
                                now.plus(Duration.ofDays(e.validityDays())),
                                false,
                                false)));
                earnings.add(id);
            } else if (op instanceof Hold h) {
                var r = transactions.run(c -> ledger.hold(
                        c,
                        partner,
                        UUID.randomUUID().toString(),
                        "h",
                        members.get(h.member()),
                        "S",
                        h.points(),
                        Ledger.HoldAuthorization.PAYMENT_CODE));
                holds.add(r.result().id());
                return r.result().id();
            } else if (op instanceof Capture k && k.hold() < holds.size()) {
                UUID id = holds.get(k.hold());
                transactions.run(c -> {
                    long held = ledger.redemption(c, partner, id).points();
                    return ledger.capture(c, partner, id, Math.max(1, held * k.percent() / 100));
                });
            } else if (op instanceof Void v && v.hold() < holds.size()) {
                transactions.run(c -> ledger.voidHold(c, partner, holds.get(v.hold())));
            } else if (op instanceof ReverseEarning r && r.earning() < earnings.size()) {
                UUID id = earnings.get(r.earning());
                transactions.run(c -> {
                    BigDecimal amount = Sql.one(
                                    c, "SELECT amount FROM earning WHERE id = ?", rs -> rs.getBigDecimal(1), id)
                            .orElseThrow();
                    BigDecimal refund = amount.multiply(BigDecimal.valueOf(r.percent()))
                            .divide(BigDecimal.valueOf(100), 0, java.math.RoundingMode.FLOOR)
                            .max(BigDecimal.ONE);
                    return ledger.reverseEarning(
                            c, partner, id, UUID.randomUUID().toString(), "h", refund);
                });
            } else if (op instanceof ReverseRedemption r && r.hold() < holds.size()) {
                transactions.run(c -> ledger.reverseRedemption(
                        c, partner, holds.get(r.hold()), UUID.randomUUID().toString()));
            } else if (op instanceof Gift g) {
                return transactions
                        .run(c -> ledger.gift(
                                c,
                                members.get(g.from()),
                                members.get(g.to()),
                                g.points(),
                                UUID.randomUUID().toString(),
                                "h"))
                        .result()
                        .id();
            } else if (op instanceof Adjust a) {
                transactions.run(c -> ledger.adjust(
                        c,
                        members.get(a.member()),
                        a.points(),
                        "property test",
                        "test",
                        UUID.randomUUID().toString(),
                        "h"));
            } else if (op instanceof Advance a) {
                clock.advance(Duration.ofDays(a.days()));
            }
            return null;
        } catch (ProblemException refused) {
            return null;
        }
    }

    /** FIFO: once a spend has drawn from a lot, no lot of that member expiring earlier is left with points. */
    private static void assertFifo(UUID spend) {
        long violations = count("SELECT count(*) FROM lot_draw d JOIN lot drawn ON drawn.id = d.lot_id "
                + "JOIN lot other ON other.member_id = drawn.member_id AND other.matured AND other.remaining > 0 "
                + "AND other.expires_at < drawn.expires_at WHERE d.ref = '" + spend + "' AND NOT d.restored");
        assertTrue(violations == 0, "spend " + spend + " skipped an older lot");
    }

    static long count(String sql) {
        return transactions.run(c -> Sql.scalarLong(c, sql));
    }
}
