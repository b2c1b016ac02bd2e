package io.pointmesh.ledger;

import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.ledger.audit.LedgerModel;
import io.pointmesh.ledger.audit.LedgerModel.Answer;
import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.AccountQueryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.ImportRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.repository.RewardRepository;
import io.pointmesh.ledger.service.AccountQueryService;
import io.pointmesh.ledger.service.EarnService;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.ledger.service.LedgerJobs;
import io.pointmesh.ledger.service.MemberPointsService;
import io.pointmesh.ledger.service.ParticipantCheck;
import io.pointmesh.ledger.service.RedemptionService;
import io.pointmesh.ledger.service.RewardService;
import io.pointmesh.platform.config.GradeTerms;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.GroupCommit;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.pointmesh.testing.TestClock;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The auditor (docs/ledger.md, "The auditor"): random operations run on the real ledger services
 * (EarnService, RedemptionService, MemberPointsService, LedgerJobs, AccountQueryService and Ledger, on
 * the real schema of PostgreSQL, no container) and on {@link LedgerModel}, a plain-Java reference
 * model. After every step the service's answer must be the model's (outcome, points, debt, miles,
 * status), and the whole state must agree: every member's stored breakdown and lots (remaining per
 * lot, in order), the balance API's view, every redemption's status, campaign budgets, per-partner
 * settlement totals, and the ledger_invariant_violation view must be empty. Steps include retries
 * with the same idempotency key (the original answer) or a different body (409), concurrent
 * duplicates (applied once), the clock crossing pending, expiry and hold-timeout boundaries, the
 * jobs, and member and partner status changes.
 */
class LedgerAuditorTest {

    static final String DB =
            PointmeshTestResource.testDatabase("ledger").replace("pointmesh_ledger_test", "pointmesh_ledger_auditor");
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final LedgerModel.Config CONFIG = new LedgerModel.Config(
            Duration.ofMinutes(15),
            100,
            20,
            4,
            500,
            800,
            ZoneId.of("Asia/Seoul"),
            Map.of(
                    "VVIP",
                    new BigDecimal("1.5"),
                    "VIP",
                    new BigDecimal("1.2"),
                    "LOYAL",
                    new BigDecimal("1.1"),
                    "GENERAL",
                    BigDecimal.ONE),
            // a referral bonus pending two days at least (prod: 14): histories move the clock by hours and days
            Duration.ofDays(2));
    static final String[] GRADES = {"GENERAL", "VIP", "VVIP", "LOYAL"};
    static final String[] STORES = {"S1", "S2"};
    /** Rewards of a history: partner A's shipped (stock 3, 2 a member), partner B's voucher (unlimited), the
     * network's shipped (stock 2), partner A's coupon (3 codes). */
    static final int REWARDS = 4;

    static final String ADDRESS = "1 Audit Street";
    static final BigDecimal[] AMOUNTS = Stream.of("500", "999", "1000", "1500", "4321", "12345", "30000", "99999")
            .map(BigDecimal::new)
            .toArray(BigDecimal[]::new);
    static final Duration[] BACKDATE = {
        Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofDays(2), Duration.ofDays(31)
    };
    static final Duration[] ADVANCE = {
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(16),
        Duration.ofDays(1),
        Duration.ofDays(3),
        Duration.ofDays(10),
        Duration.ofDays(40),
        Duration.ofDays(75)
    };

    static Transactions transactions;
    static GroupCommit groupCommit;
    static final TestClock clock = TestClock.stoppedAt(Instant.parse("2026-01-01T00:00:00Z"));
    static Ledger ledger;
    static EarnService earn;
    static RedemptionService redemptions;
    static MemberPointsService memberPoints;
    static LedgerJobs jobs;
    static AccountQueryService accounts;
    static RewardService rewards;
    static Instant tryStart = START;
    static final ExecutorService twins = Executors.newFixedThreadPool(2);
    static long steps;
    /**
     * A concurrent duplicate must answer the original's result, as docs/ledger.md says (the bug that made the loser refuse
     * is fixed; -Dauditor.strictTwins=false tolerates it again, for bisecting).
     */
    static final boolean STRICT_TWINS = !"false".equals(System.getProperty("auditor.strictTwins"));

    static final String KNOWN_TWIN_REFUSALS = "insufficient-points|gift-daily-limit|debt-outstanding";
    static long knownTwinRefusals;
    /** reward steps: orders placed, refunds (cancelled or failed), top-ups applied, refused reward operations */
    static final long[] rewardSteps = new long[4];

    static final Map<String, Long> rewardRefusals = new java.util.concurrent.ConcurrentSkipListMap<>();

    static long started;

    @BeforeContainer
    static void database() {
        PGSimpleDataSource ds = ScratchLedgerDatabase.migrated(DB);
        Pool pool = new Pool(ds, 4);
        transactions = new Transactions(pool);
        // earnings through group commit, as in the service: twins and concurrent steps share batches
        groupCommit = new GroupCommit(pool, transactions, "auditor-earn", 2, 32);
        ledger = new Ledger(
                new PostingRepository(),
                new OperationRepository(),
                new DirectoryRepository(),
                new ReferralRepository(),
                clock,
                (c, e, postedAt) -> {},
                new Ledger.Policy(
                        CONFIG.holdTimeout(),
                        CONFIG.referralBonus(),
                        CONFIG.referralQualifying(),
                        CONFIG.referralHold(),
                        CONFIG.defaultValidityMonths(),
                        CONFIG.giftMax(),
                        CONFIG.giftDailyMax(),
                        30,
                        CONFIG.zone()));
        LedgerConfig config = config();
        DirectoryRepository directory = new DirectoryRepository();
        ParticipantCheck participants = wire(new ParticipantCheck(), Map.of("directory", directory));
        earn = wire(
                new EarnService(),
                Map.of(
                        "transactions",
                        transactions,
                        "ledger",
                        ledger,
                        "directory",
                        directory,
                        "imports",
                        new ImportRepository(),
                        "config",
                        config,
                        "grades",
                        (GradeTerms) CONFIG::gradeMultipliers,
                        "groupCommit",
                        groupCommit,
                        "limiter",
                        new io.pointmesh.platform.security.RateLimiter()));
        redemptions = wire(
                new RedemptionService(),
                Map.of("transactions", transactions, "ledger", ledger, "participants", participants));
        memberPoints = wire(
                new MemberPointsService(),
                Map.of(
                        "transactions",
                        transactions,
                        "ledger",
                        ledger,
                        "participants",
                        participants,
                        "directory",
                        directory));
        jobs = wire(
                new LedgerJobs(),
                Map.of(
                        "transactions",
                        transactions,
                        "ledger",
                        ledger,
                        "postings",
                        new PostingRepository(),
                        "operations",
                        new OperationRepository(),
                        "config",
                        config,
                        "registry",
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        accounts = wire(
                new AccountQueryService(),
                Map.of(
                        "transactions",
                        transactions,
                        "postings",
                        new PostingRepository(),
                        "queries",
                        new AccountQueryRepository(),
                        "ledger",
                        ledger));
        rewards = wire(
                new RewardService(),
                Map.of(
                        "transactions",
                        transactions,
                        "ledger",
                        ledger,
                        "rewards",
                        new RewardRepository(),
                        "directory",
                        directory,
                        "participants",
                        participants,
                        "accounts",
                        accounts));
        started = System.nanoTime();
    }

    @AfterContainer
    static void report() {
        twins.shutdown();
        groupCommit.close();
        System.out.printf(
                "auditor: earnings written in %d transactions for %d (group commit)%n",
                groupCommit.batches(), groupCommit.units());
        System.out.printf(
                "auditor: %d steps in %.1f s; concurrent duplicates refused instead of replayed: %d%n",
                steps, (System.nanoTime() - started) / 1e9, knownTwinRefusals);
        System.out.printf(
                "auditor: reward orders placed %d, refunded %d, top-ups %d, reward operations refused %d%n",
                rewardSteps[0], rewardSteps[1], rewardSteps[2], rewardSteps[3]);
        System.out.printf("auditor: reward refusals %s%n", rewardRefusals);
    }

    // ------------------------------------------------------------------ operations

    sealed interface Op
            permits Earn,
                    Retry,
                    Twins,
                    Hold,
                    Capture,
                    Void,
                    ReverseEarning,
                    ReverseRedemption,
                    Gift,
                    Convert,
                    Adjust,
                    Advance,
                    Jobs,
                    MemberStatus,
                    PartnerStatus,
                    OrderReward,
                    RetryOrder,
                    CancelOrder,
                    DecideOrder,
                    TopUpStock,
                    Reprice,
                    WithdrawReward {}

    record Earn(int member, int partner, int store, int amount, int backdate) implements Op {}

    /** kind: 0 earn, 1 hold, 2 gift, 3 earning reversal, 4 adjustment; same: the same body, else a different one. */
    record Retry(int kind, int index, boolean same) implements Op {}

    /**
     * Two threads send one new request with one key at once. kind: 0 earn, 1 hold, 2 gift, 3 a reward order (the
     * reward: other modulo the rewards).
     */
    record Twins(int kind, int member, int other, long points) implements Op {}

    record Hold(int member, int partner, long points) implements Op {}

    /** percent 0: capture all (no points in the request). */
    record Capture(int hold, int percent) implements Op {}

    record Void(int hold) implements Op {}

    record ReverseEarning(int earning, int percent) implements Op {}

    record ReverseRedemption(int hold, boolean retry) implements Op {}

    record Gift(int from, int to, long points) implements Op {}

    record Convert(int member, long points) implements Op {}

    record Adjust(int member, long points) implements Op {}

    record Advance(int by) implements Op {}

    record Jobs() implements Op {}

    record MemberStatus(int member, boolean active) implements Op {}

    record PartnerStatus(int partner, boolean active) implements Op {}

    /** A member orders one of the history's rewards (docs/rewards.md) under a new key. */
    record OrderReward(int member, int reward) implements Op {}

    /** An order sent again with its key: the same reward (the stored order), or another one (409). */
    record RetryOrder(int index, boolean same) implements Op {}

    /** own: the order's member cancels, else another member (not found). */
    record CancelOrder(int order, boolean own) implements Op {}

    /** caller: 0 the reward's partner (an operator for a network reward), 1 an operator, 2 another partner. */
    record DecideOrder(int order, boolean fulfil, int caller) implements Op {}

    /** Units more of a reward; retry: the previous top-up's key and body again. */
    record TopUpStock(int reward, long units, boolean retry) implements Op {}

    /** A new price, for new orders. */
    record Reprice(int reward, long price) implements Op {}

    record WithdrawReward(int reward) implements Op {}

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Integer> member = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> partner = Arbitraries.integers().between(0, 1);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 40);
        Arbitrary<Op> op = Arbitraries.frequencyOf(List.of(
                f(
                        8,
                        Combinators.combine(
                                        member,
                                        partner,
                                        Arbitraries.integers().between(0, 1),
                                        Arbitraries.integers().between(0, AMOUNTS.length - 1),
                                        Arbitraries.integers().between(0, BACKDATE.length - 1))
                                .as(Earn::new)),
                f(
                        3,
                        Combinators.combine(Arbitraries.integers().between(0, 4), index, Arbitraries.of(true, false))
                                .as(Retry::new)),
                f(
                        1,
                        Combinators.combine(
                                        Arbitraries.integers().between(0, 3),
                                        member,
                                        member,
                                        Arbitraries.longs().between(1, 300))
                                .as(Twins::new)),
                f(
                        5,
                        Combinators.combine(member, partner, Arbitraries.longs().between(1, 400))
                                .as(Hold::new)),
                f(
                        3,
                        Combinators.combine(index, Arbitraries.of(0, 0, 30, 100, 120))
                                .as(Capture::new)),
                f(2, index.map(Void::new)),
                f(3, Combinators.combine(index, Arbitraries.of(10, 33, 50, 100)).as(ReverseEarning::new)),
                f(1, Combinators.combine(index, Arbitraries.of(false, true)).as(ReverseRedemption::new)),
                f(
                        3,
                        Combinators.combine(member, member, Arbitraries.of(1L, 50L, 120L, 300L, 501L))
                                .as(Gift::new)),
                f(
                        1,
                        Combinators.combine(member, Arbitraries.of(150L, 200L, 230L, 250L))
                                .as(Convert::new)),
                f(
                        2,
                        Combinators.combine(member, Arbitraries.of(-400L, -50L, 30L, 200L))
                                .as(Adjust::new)),
                f(5, Arbitraries.integers().between(0, ADVANCE.length - 1).map(Advance::new)),
                f(2, Arbitraries.just(new Jobs())),
                f(
                        1,
                        Combinators.combine(member, Arbitraries.of(false, true, true))
                                .as(MemberStatus::new)),
                f(
                        1,
                        Combinators.combine(partner, Arbitraries.of(false, true, true))
                                .as(PartnerStatus::new)),
                f(
                        5,
                        Combinators.combine(member, Arbitraries.integers().between(0, REWARDS - 1))
                                .as(OrderReward::new)),
                f(
                        1,
                        Combinators.combine(index, Arbitraries.of(true, true, false))
                                .as(RetryOrder::new)),
                f(
                        2,
                        Combinators.combine(index, Arbitraries.of(true, true, true, false))
                                .as(CancelOrder::new)),
                f(
                        2,
                        Combinators.combine(index, Arbitraries.of(true, false), Arbitraries.of(0, 0, 0, 1, 2))
                                .as(DecideOrder::new)),
                f(
                        2,
                        Combinators.combine(
                                        Arbitraries.integers().between(0, REWARDS - 1),
                                        Arbitraries.longs().between(1, 3),
                                        Arbitraries.of(false, false, true))
                                .as(TopUpStock::new)),
                f(
                        1,
                        Combinators.combine(
                                        Arbitraries.integers().between(0, REWARDS - 1), Arbitraries.of(10L, 45L, 150L))
                                .as(Reprice::new)),
                f(
                        1,
                        // one in three names a reward (a withdrawn reward takes no order: rarely, so the rest stay in
                        // play)
                        Arbitraries.integers().between(0, 3 * REWARDS - 1).map(WithdrawReward::new))));
        // uniform sizes from 1 to 300 (some 100 steps a try on average); no minimum, so a failure shrinks to the few
        // steps that matter
        return op.list().ofMinSize(1).ofMaxSize(300).withSizeDistribution(net.jqwik.api.RandomDistribution.uniform());
    }

    private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<Op>> f(int weight, Arbitrary<? extends Op> op) {
        return net.jqwik.api.Tuple.of(weight, op.map(x -> (Op) x));
    }

    @Property(tries = 30)
    void theLedgerDoesWhatTheModelSays(@ForAll("histories") List<Op> history) {
        new Audit().run(history);
    }

    // ------------------------------------------------------------------ one history

    /** A history's world: two partners, four members (with referrals and grades), two campaigns with budgets. */
    static final class Audit {
        final String tag = UUID.randomUUID().toString().substring(0, 8);
        final List<String> partners = List.of("pa-" + tag, "pb-" + tag);
        final List<String> members = new ArrayList<>();
        LedgerModel model;
        /** the requests sent so far, per kind, for retries */
        final List<Object[]> earnReqs = new ArrayList<>();

        final List<Object[]> holdReqs = new ArrayList<>();
        final List<Object[]> giftReqs = new ArrayList<>();
        final List<Object[]> reversalReqs = new ArrayList<>();
        final List<Object[]> adjustReqs = new ArrayList<>();
        /** real ids of the model's earnings and redemptions, by partner|txId */
        final Map<String, UUID> earningIds = new java.util.HashMap<>();

        final Map<String, UUID> redemptionIds = new java.util.HashMap<>();
        final List<String> acceptedEarnings = new ArrayList<>();
        final List<String> acceptedHolds = new ArrayList<>();
        final Map<String, Answer> firstAnswers = new java.util.HashMap<>();
        /** the history's rewards (real ids, the model's too), the orders sent {member, reward, key}, accepted ones */
        final List<String> rewardIds = new ArrayList<>();

        final List<String[]> orderReqs = new ArrayList<>();
        final List<String> acceptedOrders = new ArrayList<>(); // member|key
        final Map<String, String> orderIds = new java.util.HashMap<>();
        final Map<Integer, String[]> lastTopUp = new java.util.HashMap<>(); // reward -> {key, units}

        void run(List<Op> history) {
            tryStart =
                    tryStart.plus(Duration.ofDays(400)); // after everything of earlier tries (campaigns run until 9000)
            clock.set(tryStart);
            model = new LedgerModel(CONFIG, clock.instant());
            setUp();
            int step = 0;
            for (Op op : history) {
                step++;
                clock.advance(Duration.ofSeconds(1)); // every posting at its own instant
                model.now = clock.instant();
                try {
                    apply(op);
                    compareState();
                } catch (AssertionError e) {
                    throw new AssertionError("step " + step + " " + op + ": " + e.getMessage(), e);
                }
                steps++;
            }
        }

        void setUp() {
            LedgerModel.Rule a = new LedgerModel.Rule(
                    new BigDecimal("0.01"),
                    Map.of("S2", new BigDecimal("0.05")),
                    Map.of("mart", new BigDecimal("0.02")),
                    new BigDecimal("1000"),
                    500L,
                    0,
                    2,
                    30);
            LedgerModel.Rule b = new LedgerModel.Rule(
                    new BigDecimal("0.03"),
                    Map.of(),
                    Map.of("mart", new BigDecimal("0.1")),
                    BigDecimal.ZERO,
                    null,
                    3,
                    3,
                    30);
            model.addPartner(partners.get(0), "mart", a, new LedgerModel.Program(new BigDecimal("0.5"), 200, 50));
            model.addPartner(partners.get(1), "fuel", b, null);
            var c1 = new LedgerModel.Campaign(
                    "c1-" + tag, partners.get(0), true, new BigDecimal("2"), 0, null, 600, false);
            var c2 = new LedgerModel.Campaign("c2-" + tag, partners.get(1), false, null, 40, "VIP", 150, true);
            model.addCampaign(c1);
            model.addCampaign(c2);
            for (int i = 0; i < 4; i++) {
                members.add("m" + i + "-" + tag);
            }
            String[] referredBy = {null, members.get(0), members.get(1), members.get(0)};
            for (int i = 0; i < 4; i++) {
                model.addMember(members.get(i), GRADES[i], referredBy[i]);
            }
            transactions.run(c -> {
                for (String p : partners) {
                    LedgerModel.Partner mp = model.partners.get(p);
                    Sql.update(
                            c,
                            "INSERT INTO partner_directory (partner_id, legal_name, category, status, updated_at) "
                                    + "VALUES (?, ?, ?, 'ACTIVE', now())",
                            p,
                            "Partner " + p,
                            mp.category);
                    for (String s : STORES) {
                        Sql.update(
                                c,
                                "INSERT INTO store_directory (partner_id, store_code, name, channel, open, updated_at) "
                                        + "VALUES (?, ?, ?, 'OFFLINE', true, now())",
                                p,
                                s,
                                s);
                    }
                    var r = mp.rule;
                    Sql.update(
                            c,
                            "INSERT INTO earn_rule (partner_id, version, base_rate, store_rates, category_rates, minimum_purchase, "
                                    + "per_transaction_cap, pending_days, validity_months, backdating_days, effective_from) "
                                    + "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            p,
                            r.baseRate(),
                            RateOverrides.toText(r.storeRates()),
                            RateOverrides.toText(r.categoryRates()),
                            r.minimumPurchase(),
                            r.cap(),
                            r.pendingDays(),
                            r.validityMonths(),
                            r.backdatingDays(),
                            Instant.parse("2020-01-01T00:00:00Z"));
                    if (mp.program != null) {
                        Sql.update(
                                c,
                                "INSERT INTO mileage_program (partner_id, program_code, miles_per_point, minimum_points, step_points) "
                                        + "VALUES (?, 'MILES', ?, ?, ?)",
                                p,
                                mp.program.milesPerPoint(),
                                mp.program.minimum(),
                                mp.program.step());
                    }
                    ledger.openPartnerAccounts(c, p);
                }
                for (LedgerModel.Campaign k : model.campaigns.values()) {
                    Sql.update(
                            c,
                            "INSERT INTO campaign (campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, starts_at, "
                                    + "ends_at, target, target_value, budget_points, treatment_share, funded_by) "
                                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                            k.id(),
                            k.partnerId(),
                            k.id(),
                            k.multiplier() ? "MULTIPLIER" : "FIXED",
                            k.factor(),
                            k.fixedPoints(),
                            Instant.parse("2020-01-01T00:00:00Z"),
                            Instant.parse("9000-01-01T00:00:00Z"),
                            k.targetGrade() == null ? "EVERYONE" : "GRADE",
                            k.targetGrade(),
                            k.budget(),
                            k.networkFunded() ? "NETWORK" : "PARTNER");
                }
                for (int i = 0; i < 4; i++) {
                    String m = members.get(i);
                    Sql.update(
                            c,
                            "INSERT INTO member_directory (member_id, status, referred_by, grade, joined_at) VALUES (?, 'ACTIVE', ?, ?, now())",
                            m,
                            model.members.get(m).referredBy,
                            GRADES[i]);
                    Sql.update(
                            c, "INSERT INTO card (card_number, member_id, status) VALUES (?, ?, 'ACTIVE')", card(m), m);
                    ledger.openMemberAccount(c, m);
                }
                return null;
            });
            publishRewards();
        }

        void publishRewards() {
            String a = partners.get(0);
            String b = partners.get(1);
            Object[][] specs = {
                {a, "SHIPPING", 2, 40L, 3L}, {b, "PARTNER_VOUCHER", null, 90L, null},
                {null, "SHIPPING", null, 25L, 2L}, {a, "COUPON_CODE", null, 15L, null}
            };
            for (int i = 0; i < REWARDS; i++) {
                Object[] spec = specs[i];
                String partner = (String) spec[0];
                var row = rewards.publish(
                                partner,
                                "auditor",
                                new RewardService.Publication(
                                        partner,
                                        "reward " + i,
                                        null,
                                        null,
                                        (Long) spec[3],
                                        (Long) spec[4],
                                        (Integer) spec[2],
                                        null,
                                        null,
                                        (String) spec[1],
                                        List.of(),
                                        List.of()),
                                null)
                        .result();
                String id = row.id().toString();
                rewardIds.add(id);
                Long stock = (Long) spec[4];
                if ("COUPON_CODE".equals(spec[1])) {
                    rewards.uploadCodes(partner, row.id(), "code\nA-" + tag + "\nB-" + tag + "\nC-" + tag + "\n");
                    stock = 3L;
                }
                model.addReward(id, partner, (String) spec[1], (Integer) spec[2], (Long) spec[3], stock);
            }
        }

        /** The reward's own partner, or an operator (null) for a network reward. */
        String ownerOf(String rewardId) {
            return model.rewards.get(rewardId).partnerId;
        }

        void sendOrder(String member, String rewardId, String key) {
            Real got = check("reward order", run(m -> m.orderReward(member, rewardId, key)), () -> {
                var out = rewards.order(member, rewardId, ADDRESS, null, key);
                return new Real(
                        out.replayed() ? "REPLAYED" : "OK",
                        out.result().points(),
                        0,
                        out.result().status(),
                        out.result().id().toString());
            });
            orderReqs.add(new String[] {member, rewardId, key});
            String orderKey = member + "|" + key;
            if (got.outcome().equals("OK")) {
                acceptedOrders.add(orderKey);
                orderIds.put(orderKey, got.id());
            } else if (got.outcome().equals("REPLAYED") && !got.id().equals(orderIds.get(orderKey))) {
                throw new AssertionError("a retried order answered another order: " + got.id());
            }
        }

        /** Counts what a reward step did, so the report shows the histories exercise orders. */
        void countReward(String what, Real got) {
            if (got.outcome().equals("OK")) {
                switch (what) {
                    case "reward order" -> rewardSteps[0]++;
                    case "stock top-up" -> rewardSteps[2]++;
                    default -> {
                        if ("CANCELLED".equals(got.status()) || "FAILED".equals(got.status())) {
                            rewardSteps[1]++;
                        }
                    }
                }
            } else if (!got.outcome().equals("REPLAYED")) {
                rewardSteps[3]++;
                rewardRefusals.merge(got.outcome(), 1L, Long::sum);
            }
        }

        void rewardStep(Op op) {
            if (op instanceof OrderReward o) {
                sendOrder(
                        members.get(o.member()),
                        rewardIds.get(o.reward()),
                        UUID.randomUUID().toString());
            } else if (op instanceof RetryOrder r) {
                String[] q = pick(orderReqs, r.index());
                if (q != null) {
                    String reward = r.same() ? q[1] : rewardIds.get((rewardIds.indexOf(q[1]) + 1) % rewardIds.size());
                    sendOrder(q[0], reward, q[2]);
                }
            } else if (op instanceof CancelOrder k) {
                String key = pick(acceptedOrders, k.order());
                if (key != null) {
                    String owner = key.substring(0, key.indexOf('|'));
                    String caller = k.own() ? owner : members.get((members.indexOf(owner) + 1) % members.size());
                    check(
                            "reward order cancellation",
                            run(m -> m.cancelRewardOrder(caller, m.rewardOrders.get(key))),
                            () -> {
                                var out = rewards.cancel(caller, orderIds.get(key));
                                return new Real(
                                        out.replayed() ? "REPLAYED" : "OK",
                                        out.result().points(),
                                        0,
                                        out.result().status(),
                                        null);
                            });
                }
            } else if (op instanceof DecideOrder d) {
                String key = pick(acceptedOrders, d.order());
                if (key != null) {
                    String owner = model.rewardOrders.get(key).partnerId;
                    String caller = switch (d.caller()) {
                        case 0 -> owner;
                        case 1 -> null;
                        default -> partners.get(0).equals(owner) ? partners.get(1) : partners.get(0);
                    };
                    String outcome = d.fulfil() ? "FULFILLED" : "FAILED";
                    check(
                            "reward order decision",
                            run(m -> m.decideRewardOrder(caller, m.rewardOrders.get(key), outcome)),
                            () -> {
                                var out =
                                        rewards.decide(caller, orderIds.get(key), outcome, d.fulfil() ? null : "audit");
                                return new Real(
                                        out.replayed() ? "REPLAYED" : "OK",
                                        out.result().points(),
                                        0,
                                        out.result().status(),
                                        null);
                            });
                }
            } else if (op instanceof TopUpStock t) {
                String reward = rewardIds.get(t.reward());
                String caller = ownerOf(reward);
                String[] last = lastTopUp.get(t.reward());
                String key =
                        t.retry() && last != null ? last[0] : UUID.randomUUID().toString();
                long units = t.retry() && last != null ? Long.parseLong(last[1]) : t.units();
                check("stock top-up", run(m -> m.topUp(caller, reward, units, key)), () -> {
                    var out = rewards.topUp(caller, "auditor", reward, new RewardService.TopUpRequest(units), key);
                    return new Real(
                            out.replayed() ? "REPLAYED" : "OK",
                            out.result().units(),
                            out.result().stockLeftAfter(),
                            null,
                            null);
                });
                lastTopUp.put(t.reward(), new String[] {key, Long.toString(units)});
            } else if (op instanceof Reprice r) {
                String reward = rewardIds.get(r.reward());
                String caller = ownerOf(reward);
                LedgerModel.Reward mr = model.rewards.get(reward);
                check("reward edit", run(m -> m.reprice(caller, reward, r.price())), () -> {
                    var row = rewards.edit(
                            caller,
                            "auditor",
                            reward,
                            new RewardService.TermsChange(
                                    "reward " + r.reward(),
                                    null,
                                    null,
                                    r.price(),
                                    mr.perMemberLimit,
                                    null,
                                    null,
                                    List.of(),
                                    List.of()));
                    return new Real("OK", row.pricePoints(), 0, null, null);
                });
            } else if (op instanceof WithdrawReward w && w.reward() < REWARDS) {
                String reward = rewardIds.get(w.reward());
                String caller = ownerOf(reward);
                check("reward withdrawal", run(m -> m.withdraw(caller, reward)), () -> {
                    var out = rewards.withdraw(caller, "auditor", reward);
                    return new Real(out.replayed() ? "REPLAYED" : "OK", 0, 0, "WITHDRAWN", null);
                });
            }
        }

        static String card(String memberId) {
            return "card-" + memberId;
        }

        <T> T pick(List<T> list, int index) {
            return list.isEmpty() ? null : list.get(index % list.size());
        }

        // -------------------------------------------------------------- one step

        void apply(Op op) {
            if (op instanceof Earn e) {
                sendEarn(
                        new Object[] {
                            partners.get(e.partner()),
                            UUID.randomUUID().toString(),
                            members.get(e.member()),
                            STORES[e.store()],
                            AMOUNTS[e.amount()],
                            clock.instant().minus(BACKDATE[e.backdate()])
                        },
                        null);
            } else if (op instanceof Retry r) {
                retry(r);
            } else if (op instanceof Twins t) {
                twins(t);
            } else if (op instanceof Hold h) {
                sendHold(
                        new Object[] {
                            partners.get(h.partner()),
                            UUID.randomUUID().toString(),
                            members.get(h.member()),
                            "S1",
                            h.points()
                        },
                        null);
            } else if (op instanceof Capture k) {
                String key = pick(acceptedHolds, k.hold());
                if (key != null) {
                    String partner = key.substring(0, key.indexOf('|'));
                    long held = model.redemption(partner, txOf(key)).points;
                    Long points = k.percent() == 0
                            ? null
                            : Math.max(1, held * k.percent() / 100 + (k.percent() > 100 ? 1 : 0));
                    check("capture", run(m -> m.capture(partner, m.redemption(partner, txOf(key)), points)), () -> {
                        var out = redemptions.capture(partner, redemptionIds.get(key), points);
                        boolean lapsed = out.result().status() == RedemptionStatus.LAPSED;
                        return new Real(
                                lapsed ? "hold-lapsed" : out.replayed() ? "REPLAYED" : "OK",
                                out.result().captured(),
                                0,
                                out.result().status().name(),
                                null);
                    });
                }
            } else if (op instanceof Void v) {
                String key = pick(acceptedHolds, v.hold());
                if (key != null) {
                    String partner = key.substring(0, key.indexOf('|'));
                    check("void", run(m -> m.voidHold(partner, m.redemption(partner, txOf(key)))), () -> {
                        var out = redemptions.voidHold(partner, redemptionIds.get(key));
                        return new Real(
                                out.replayed() ? "REPLAYED" : "OK",
                                0,
                                0,
                                out.result().status().name(),
                                null);
                    });
                }
            } else if (op instanceof ReverseEarning r) {
                String key = pick(acceptedEarnings, r.earning());
                if (key != null) {
                    BigDecimal amount = (BigDecimal) earnReqs.stream()
                            .filter(q -> (q[0] + "|" + q[1]).equals(key))
                            .findFirst()
                            .orElseThrow()[4];
                    BigDecimal refund = amount.multiply(BigDecimal.valueOf(r.percent()))
                            .divide(BigDecimal.valueOf(100), 0, java.math.RoundingMode.FLOOR)
                            .max(BigDecimal.ONE);
                    sendReversal(
                            new Object[] {
                                key.substring(0, key.indexOf('|')),
                                UUID.randomUUID().toString(),
                                key,
                                refund
                            },
                            null);
                }
            } else if (op instanceof ReverseRedemption r) {
                String key = pick(acceptedHolds, r.hold());
                if (key != null) {
                    String partner = key.substring(0, key.indexOf('|'));
                    String tx = UUID.randomUUID().toString();
                    int times = r.retry() ? 2 : 1;
                    for (int i = 0; i < times; i++) {
                        check(
                                "redemption reversal",
                                run(m -> m.reverseRedemption(partner, m.redemption(partner, txOf(key)), tx)),
                                () -> {
                                    var out = redemptions.reverse(partner, redemptionIds.get(key), tx);
                                    return new Real(
                                            out.replayed() ? "REPLAYED" : "OK",
                                            out.result().captured(),
                                            0,
                                            out.result().status().name(),
                                            null);
                                });
                    }
                }
            } else if (op instanceof Gift g) {
                sendGift(
                        new Object[] {
                            members.get(g.from()),
                            members.get(g.to()),
                            g.points(),
                            UUID.randomUUID().toString()
                        },
                        null);
            } else if (op instanceof Convert k) {
                String member = members.get(k.member());
                String key = UUID.randomUUID().toString();
                check("conversion", run(m -> m.convert(member, partners.get(0), k.points(), key)), () -> {
                    var out = memberPoints.convert(member, partners.get(0), k.points(), key);
                    return new Real(
                            out.replayed() ? "REPLAYED" : "OK",
                            out.result().points(),
                            out.result().miles(),
                            null,
                            null);
                });
            } else if (op instanceof Adjust a) {
                sendAdjust(
                        new Object[] {
                            members.get(a.member()),
                            a.points(),
                            "audit",
                            UUID.randomUUID().toString()
                        },
                        null);
            } else if (op instanceof Advance a) {
                clock.advance(ADVANCE[a.by()]);
                model.now = clock.instant();
            } else if (op instanceof Jobs) {
                jobs.lapseHolds();
                jobs.matureAndExpire();
                jobs.noticeExpiring();
                model.runJobs();
            } else if (op instanceof MemberStatus s) {
                String member = members.get(s.member());
                String status = s.active() ? "ACTIVE" : "SUSPENDED";
                transactions.run(c ->
                        Sql.update(c, "UPDATE member_directory SET status = ? WHERE member_id = ?", status, member));
                model.members.get(member).status = status;
            } else if (op instanceof OrderReward
                    || op instanceof RetryOrder
                    || op instanceof CancelOrder
                    || op instanceof DecideOrder
                    || op instanceof TopUpStock
                    || op instanceof Reprice
                    || op instanceof WithdrawReward) {
                rewardStep(op);
            } else if (op instanceof PartnerStatus s) {
                String partner = partners.get(s.partner());
                String status = s.active() ? "ACTIVE" : "SUSPENDED";
                transactions.run(c ->
                        Sql.update(c, "UPDATE partner_directory SET status = ? WHERE partner_id = ?", status, partner));
                model.partners.get(partner).status = status;
            }
        }

        static String txOf(String key) {
            return key.substring(key.indexOf('|') + 1);
        }

        /** Runs an operation on a copy of the model, kept unless the operation was refused (a rolled-back transaction). */
        Answer run(java.util.function.Function<LedgerModel, Answer> operation) {
            LedgerModel next = model.copy();
            Answer answer = operation.apply(next);
            if (!answer.refused() || answer.outcome().equals("hold-lapsed")) {
                model = next;
            }
            return answer;
        }

        /** The real answer: outcome (OK, REPLAYED or a problem code), its numbers, status and the operation's id. */
        record Real(String outcome, long points, long second, String status, String id) {}

        Real call(Supplier<Real> real) {
            try {
                return real.get();
            } catch (ProblemException p) {
                return new Real(p.code(), 0, 0, null, null);
            }
        }

        Real check(String what, Answer expected, Supplier<Real> real) {
            Real got = call(real);
            if (what.startsWith("reward") || what.equals("stock top-up")) {
                countReward(what, got);
            }
            if (!expected.outcome().equals(got.outcome())) {
                throw new AssertionError(what + ": the model answers " + expected + ", the ledger " + got);
            }
            if (!expected.refused()
                    && (expected.points() != got.points()
                            || expected.second() != got.second()
                            || (expected.status() != null && !expected.status().equals(got.status())))) {
                throw new AssertionError(what + ": the model answers " + expected + ", the ledger " + got);
            }
            return got;
        }

        // -------------------------------------------------------------- requests that may be retried

        /** {partner, txId, member, store, amount, occurredAt} */
        void sendEarn(Object[] q, Boolean same) {
            String partner = (String) q[0];
            String tx = (String) q[1];
            String member = (String) q[2];
            String store = (String) q[3];
            BigDecimal amount = (BigDecimal) q[4];
            Instant at = (Instant) q[5];
            String key = partner + "|" + tx;
            boolean wasThere = model.hasEarning(partner, tx);
            Real got = check("earn", run(m -> m.earn(partner, tx, member, store, amount, at)), () -> {
                var out = earn.earn(
                        partner, new EarnService.EarnCommand(tx, card(member), null, store, amount, "KRW", at));
                return new Real(
                        out.replayed() ? "REPLAYED" : "OK",
                        out.result().points(),
                        0,
                        null,
                        out.result().id().toString());
            });
            remember(key, got, wasThere, earningIds, acceptedEarnings);
            if (same == null) {
                earnReqs.add(q);
            }
        }

        /** {partner, txId, member, store, points} */
        void sendHold(Object[] q, Boolean same) {
            String partner = (String) q[0];
            String tx = (String) q[1];
            String member = (String) q[2];
            String store = (String) q[3];
            long points = (Long) q[4];
            String key = partner + "|" + tx;
            boolean wasThere = model.redemption(partner, tx) != null;
            Real got = check("hold", run(m -> m.hold(partner, tx, member, store, points)), () -> {
                var out = redemptions.holdForMember(
                        "auditor",
                        partner,
                        "support case",
                        new RedemptionService.HoldCommand(tx, null, null, null, member, store, points));
                return new Real(
                        out.replayed() ? "REPLAYED" : "OK",
                        out.result().points(),
                        0,
                        out.replayed() ? null : out.result().status().name(),
                        out.result().id().toString());
            });
            remember(key, got, wasThere, redemptionIds, acceptedHolds);
            if (same == null) {
                holdReqs.add(q);
            }
        }

        /** A new operation's real id is remembered; a replay must answer the id of the original. */
        void remember(String key, Real got, boolean wasThere, Map<String, UUID> ids, List<String> accepted) {
            if (got.id() == null) {
                return;
            }
            UUID id = UUID.fromString(got.id());
            if (wasThere) {
                if (!id.equals(ids.get(key))) {
                    throw new AssertionError(
                            "a retry of " + key + " answered " + id + ", not the original " + ids.get(key));
                }
            } else {
                ids.put(key, id);
                accepted.add(key);
            }
        }

        /** {giver, recipient, points, key} */
        void sendGift(Object[] q, Boolean same) {
            String from = (String) q[0];
            String to = (String) q[1];
            long points = (Long) q[2];
            String key = (String) q[3];
            Real got = check("gift", run(m -> m.gift(from, to, points, key)), () -> {
                var out = memberPoints.gift(from, card(to), points, key);
                return new Real(
                        out.replayed() ? "REPLAYED" : "OK",
                        out.result().points(),
                        0,
                        null,
                        out.result().id().toString());
            });
            sameIdOnReplay("gift " + key, got);
            if (same == null) {
                giftReqs.add(q);
            }
        }

        /** {caller partner, txId, earning partner|txId, refund} */
        void sendReversal(Object[] q, Boolean same) {
            String partner = (String) q[0];
            String tx = (String) q[1];
            String earningKey = (String) q[2];
            BigDecimal refund = (BigDecimal) q[3];
            Real got = check(
                    "earning reversal",
                    run(m -> m.reverseEarning(
                            partner, tx, earningKey.substring(0, earningKey.indexOf('|')), txOf(earningKey), refund)),
                    () -> {
                        var out = earn.reverse(partner, earningIds.get(earningKey), tx, refund);
                        return new Real(
                                out.replayed() ? "REPLAYED" : "OK",
                                out.result().points(),
                                out.result().debtIncurred(),
                                null,
                                out.result().id().toString());
                    });
            sameIdOnReplay("reversal " + tx, got);
            if (same == null) {
                reversalReqs.add(q);
            }
        }

        /** {member, points, reason, key} */
        void sendAdjust(Object[] q, Boolean same) {
            String member = (String) q[0];
            long points = (Long) q[1];
            String reason = (String) q[2];
            String key = (String) q[3];
            Real got = check("adjustment", run(m -> m.adjust(member, points, reason, key)), () -> {
                var out = memberPoints.adjust("auditor", member, points, reason, key);
                return new Real(
                        out.replayed() ? "REPLAYED" : "OK",
                        out.result().points(),
                        0,
                        null,
                        out.result().id().toString());
            });
            sameIdOnReplay("adjustment " + key, got);
            if (same == null) {
                adjustReqs.add(q);
            }
        }

        final Map<String, String> memberOpIds = new java.util.HashMap<>();

        void sameIdOnReplay(String key, Real got) {
            if (got.id() == null) {
                return;
            }
            if (got.outcome().equals("REPLAYED")) {
                if (!got.id().equals(memberOpIds.get(key))) {
                    throw new AssertionError("a retry of " + key + " answered " + got.id() + ", not the original "
                            + memberOpIds.get(key));
                }
            } else {
                memberOpIds.put(key, got.id());
            }
        }

        void retry(Retry r) {
            switch (r.kind()) {
                case 0 -> {
                    Object[] q = pick(earnReqs, r.index());
                    if (q != null) {
                        Object[] again = q.clone();
                        if (!r.same()) {
                            again[4] = ((BigDecimal) q[4]).add(BigDecimal.ONE);
                        }
                        sendEarn(again, r.same());
                    }
                }
                case 1 -> {
                    Object[] q = pick(holdReqs, r.index());
                    if (q != null) {
                        Object[] again = q.clone();
                        if (!r.same()) {
                            again[4] = (Long) q[4] + 1;
                        }
                        sendHold(again, r.same());
                    }
                }
                case 2 -> {
                    Object[] q = pick(giftReqs, r.index());
                    if (q != null) {
                        Object[] again = q.clone();
                        if (!r.same()) {
                            again[2] = (Long) q[2] + 1;
                        }
                        sendGift(again, r.same());
                    }
                }
                case 3 -> {
                    Object[] q = pick(reversalReqs, r.index());
                    if (q != null) {
                        Object[] again = q.clone();
                        if (!r.same()) {
                            again[3] = ((BigDecimal) q[3]).add(BigDecimal.ONE);
                        }
                        sendReversal(again, r.same());
                    }
                }
                default -> {
                    Object[] q = pick(adjustReqs, r.index());
                    if (q != null) {
                        Object[] again = q.clone();
                        if (!r.same()) {
                            long p = (Long) q[1];
                            again[1] = p + 1 == 0 ? p + 2 : p + 1;
                        }
                        sendAdjust(again, r.same());
                    }
                }
            }
        }

        /** Two threads, one new key, at once: the model applies it once; both answers are that one operation. */
        void twins(Twins t) {
            String member = members.get(t.member());
            String other = members.get(t.other());
            String tx = UUID.randomUUID().toString();
            Answer expected;
            Supplier<Real> real;
            switch (t.kind()) {
                case 0 -> {
                    String partner = partners.get(0);
                    BigDecimal amount = BigDecimal.valueOf(t.points() * 100);
                    Instant at = clock.instant();
                    expected = run(m -> m.earn(partner, tx, member, "S1", amount, at));
                    real = () -> {
                        var out = earn.earn(
                                partner, new EarnService.EarnCommand(tx, card(member), null, "S1", amount, "KRW", at));
                        return new Real(
                                out.replayed() ? "REPLAYED" : "OK",
                                out.result().points(),
                                0,
                                null,
                                out.result().id().toString());
                    };
                    earnReqs.add(new Object[] {partner, tx, member, "S1", amount, at});
                }
                case 1 -> {
                    String partner = partners.get(1);
                    expected = run(m -> m.hold(partner, tx, member, "S1", t.points()));
                    real = () -> {
                        var out = redemptions.holdForMember(
                                "auditor",
                                partner,
                                "support case",
                                new RedemptionService.HoldCommand(tx, null, null, null, member, "S1", t.points()));
                        return new Real(
                                out.replayed() ? "REPLAYED" : "OK",
                                out.result().points(),
                                0,
                                null,
                                out.result().id().toString());
                    };
                    holdReqs.add(new Object[] {partner, tx, member, "S1", t.points()});
                }
                case 3 -> {
                    String reward = rewardIds.get(t.other() % REWARDS);
                    expected = run(m -> m.orderReward(member, reward, tx));
                    real = () -> {
                        var out = rewards.order(member, reward, ADDRESS, null, tx);
                        return new Real(
                                out.replayed() ? "REPLAYED" : "OK",
                                out.result().points(),
                                0,
                                out.result().status(),
                                out.result().id().toString());
                    };
                    orderReqs.add(new String[] {member, reward, tx});
                }
                default -> {
                    expected = run(m -> m.gift(member, other, t.points(), tx));
                    real = () -> {
                        var out = memberPoints.gift(member, card(other), t.points(), tx);
                        return new Real(
                                out.replayed() ? "REPLAYED" : "OK",
                                out.result().points(),
                                0,
                                null,
                                out.result().id().toString());
                    };
                    giftReqs.add(new Object[] {member, other, t.points(), tx});
                }
            }
            CountDownLatch go = new CountDownLatch(1);
            Supplier<Real> both = () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return call(real);
            };
            CompletableFuture<Real> a = CompletableFuture.supplyAsync(both, twins);
            CompletableFuture<Real> b = CompletableFuture.supplyAsync(both, twins);
            go.countDown();
            Real ra = a.join();
            Real rb = b.join();
            if (expected.refused()) {
                if (!ra.outcome().equals(expected.outcome()) || !rb.outcome().equals(expected.outcome())) {
                    throw new AssertionError("twins: the model refuses " + expected.outcome() + ", the ledger answered "
                            + ra + " and " + rb);
                }
                return;
            }
            long fresh = List.of(ra, rb).stream()
                    .filter(x -> x.outcome().equals("OK"))
                    .count();
            if (!STRICT_TWINS
                    && fresh == 1
                    && (ra.outcome().equals("OK") ? rb : ra).outcome().matches(KNOWN_TWIN_REFUSALS)) {
                // Known bug (docs/ledger.md, "The auditor"): the loser of the race passed the replay check before the
                // winner committed, waited for the member's lock and then refused against the winner's balance instead
                // of
                // answering the winner's result. Applied once still holds: the state is compared after this step.
                Real winner = ra.outcome().equals("OK") ? ra : rb;
                if (winner.points() != expected.points()) {
                    throw new AssertionError(
                            "twins: expected " + expected.points() + " points, the ledger answered " + winner);
                }
                knownTwinRefusals++;
                rememberTwin(t, tx, winner);
                return;
            }
            if (fresh != 1
                    || !Objects.equals(ra.id(), rb.id())
                    || ra.points() != expected.points()
                    || rb.points() != expected.points()) {
                throw new AssertionError("twins: expected one operation of " + expected.points()
                        + " points, the ledger answered " + ra + " and " + rb);
            }
            rememberTwin(t, tx, ra);
        }

        void rememberTwin(Twins t, String tx, Real winner) {
            String key = (t.kind() == 0 ? partners.get(0) : partners.get(1)) + "|" + tx;
            if (t.kind() == 0) {
                earningIds.put(key, UUID.fromString(winner.id()));
                acceptedEarnings.add(key);
            } else if (t.kind() == 1) {
                redemptionIds.put(key, UUID.fromString(winner.id()));
                acceptedHolds.add(key);
            } else if (t.kind() == 3) {
                String orderKey = members.get(t.member()) + "|" + tx;
                orderIds.put(orderKey, winner.id());
                acceptedOrders.add(orderKey);
            } else {
                memberOpIds.put("gift " + tx, winner.id());
            }
        }

        // -------------------------------------------------------------- the whole state

        record LotRow(
                String source,
                long points,
                long remaining,
                long expired,
                long owed,
                Instant availableAt,
                Instant expiresAt,
                boolean matured) {}

        void compareState() {
            List<String> diffs = new ArrayList<>();
            transactions.run(c -> {
                for (String member : members) {
                    LedgerModel.Member mm = model.members.get(member);
                    List<Long> stored = Sql.one(
                                    c,
                                    "SELECT available, pending, held, debt, lifetime_earned, spent, expired "
                                            + "FROM member_balance WHERE member_id = ?",
                                    rs -> List.of(
                                            rs.getLong(1),
                                            rs.getLong(2),
                                            rs.getLong(3),
                                            rs.getLong(4),
                                            rs.getLong(5),
                                            rs.getLong(6),
                                            rs.getLong(7)),
                                    member)
                            .orElseThrow();
                    if (!stored.equals(mm.breakdown())) {
                        diffs.add(member
                                + " breakdown [available, pending, held, debt, lifetimeEarned, spent, expired]: ledger "
                                + stored + ", model " + mm.breakdown());
                    }
                    List<LotRow> lots = Sql.list(
                            c,
                            "SELECT source, points, remaining, expired, owed, available_at, expires_at, matured FROM lot "
                                    + "WHERE member_id = ? ORDER BY id",
                            rs -> new LotRow(
                                    rs.getString(1),
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    Sql.instant(rs, "available_at"),
                                    Sql.instant(rs, "expires_at"),
                                    rs.getBoolean(8)),
                            member);
                    List<LotRow> expected = model.lotsOf(member).stream()
                            .map(l -> new LotRow(
                                    l.source,
                                    l.points,
                                    l.remaining,
                                    l.expired,
                                    l.owed,
                                    l.availableAt,
                                    l.expiresAt,
                                    l.matured))
                            .toList();
                    if (!lots.equals(expected)) {
                        diffs.add(member + " lots: ledger " + lots + ", model " + expected);
                    }
                }
                for (String key : acceptedHolds) {
                    var r = model.redemption(key.substring(0, key.indexOf('|')), txOf(key));
                    String got = Sql.one(
                                    c,
                                    "SELECT status || ' ' || captured FROM redemption WHERE id = ?",
                                    rs -> rs.getString(1),
                                    redemptionIds.get(key))
                            .orElse("missing");
                    if (!got.equals(r.status + " " + r.captured)) {
                        diffs.add("redemption " + key + ": ledger " + got + ", model " + r.status + " " + r.captured);
                    }
                }
                for (String reward : rewardIds) {
                    LedgerModel.Reward mr = model.rewards.get(reward);
                    String got = Sql.one(
                                    c,
                                    "SELECT coalesce(stock_left::text, 'unlimited') || ' ' || price_points || ' ' "
                                            + "|| (withdrawn_at IS NOT NULL) FROM reward WHERE id = ?",
                                    rs -> rs.getString(1),
                                    UUID.fromString(reward))
                            .orElse("missing");
                    String expected = (mr.stockLeft == null ? "unlimited" : mr.stockLeft.toString()) + " " + mr.price
                            + " " + mr.withdrawn;
                    if (!got.equals(expected)) {
                        diffs.add("reward " + reward + " [stock, price, withdrawn]: ledger " + got + ", model "
                                + expected);
                    }
                }
                for (String key : acceptedOrders) {
                    LedgerModel.RewardOrder o = model.rewardOrders.get(key);
                    String got = Sql.one(
                                    c,
                                    "SELECT status || ' ' || points FROM reward_order WHERE id = ?",
                                    rs -> rs.getString(1),
                                    UUID.fromString(orderIds.get(key)))
                            .orElse("missing");
                    if (!got.equals(o.status + " " + o.points)) {
                        diffs.add("reward order " + key + ": ledger " + got + ", model " + o.status + " " + o.points);
                    }
                }
                for (var k : model.campaignSpent.entrySet()) {
                    long spent =
                            Sql.scalarLong(c, "SELECT spent_points FROM campaign WHERE campaign_id = ?", k.getKey());
                    if (spent != k.getValue()) {
                        diffs.add("campaign " + k.getKey() + " spent: ledger " + spent + ", model " + k.getValue());
                    }
                }
                return null;
            });
            for (String partner : partners) {
                var t = accounts.totals(
                        partner, Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("9999-12-31T00:00:00Z"), null);
                List<Long> got = List.of(
                        t.pointsIssued(),
                        t.pointsIssuedReversed(),
                        t.networkFundedPoints(),
                        t.networkFundedReversed(),
                        t.pointsRedeemed(),
                        t.pointsRedemptionReversed(),
                        t.pointsConverted(),
                        t.pointsRedeemedRewards(),
                        t.pointsRedeemedRewardsReversed());
                List<Long> expected = java.util.Arrays.stream(model.partners.get(partner).totals)
                        .boxed()
                        .toList();
                if (!got.equals(expected)) {
                    diffs.add(partner
                            + " totals [issued, issuedReversed, networkFunded, networkFundedReversed, redeemed, "
                            + "redemptionReversed, converted, redeemedRewards, redeemedRewardsReversed]: ledger " + got
                            + ", model " + expected);
                }
            }
            Map<String, List<Long>> effective = model.effective();
            for (String member : members) {
                var b = accounts.balance(member);
                List<Long> got = List.of(
                        b.available(), b.pending(), b.held(), b.debt(), b.lifetimeEarned(), b.spent(), b.expired());
                if (!got.equals(effective.get(member))) {
                    diffs.add(member + " balance API: ledger " + got + ", model " + effective.get(member));
                }
            }
            if (!diffs.isEmpty()) {
                throw new AssertionError(String.join("\n  ", diffs));
            }
            InvariantCheck.assertHolds(DB);
        }
    }

    // ------------------------------------------------------------------ wiring without a container

    /** Sets the services' injected fields, as CDI would. */
    static <T> T wire(T bean, Map<String, Object> fields) {
        fields.forEach((name, value) -> {
            try {
                var f = bean.getClass().getDeclaredField(name);
                f.setAccessible(true);
                f.set(bean, value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        return bean;
    }

    /** The configuration the services read, the values the model is given. */
    static LedgerConfig config() {
        InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
            case "zone" -> CONFIG.zone().getId();
            case "currencies" -> List.of("KRW");
            case "maxPurchaseAmount" -> new BigDecimal("100000000");
            case "jobBatchSize" -> 500;
            case "jobFailureBackoff" -> java.time.Duration.ofMinutes(10);
            case "holdTimeout" -> CONFIG.holdTimeout();
            case "defaultValidityMonths" -> CONFIG.defaultValidityMonths();
            case "referralBonusPoints" -> CONFIG.referralBonus();
            case "giftMaxPoints" -> CONFIG.giftMax();
            case "giftDailyMaxPoints" -> CONFIG.giftDailyMax();
            case "expiryNoticeDays" -> 30;
            case "referralQualifyingPoints" -> CONFIG.referralQualifying();
            case "referralBonusHold" -> CONFIG.referralHold();
            case "cardFailuresPerPartner" -> 1000;
            case "cardFailuresWindow" -> java.time.Duration.ofMinutes(10);
            case "toString" -> "auditor config";
            case "hashCode" -> 0;
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException("auditor config: " + method.getName());
        };
        return (LedgerConfig)
                Proxy.newProxyInstance(LedgerConfig.class.getClassLoader(), new Class<?>[] {LedgerConfig.class}, h);
    }

    /** A few reused connections (a new PostgreSQL connection per transaction would dominate the run). */
    static final class Pool implements DataSource {
        private final DataSource target;
        private final BlockingQueue<Connection> idle;

        Pool(DataSource target, int size) {
            this.target = target;
            this.idle = new ArrayBlockingQueue<>(size);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = idle.poll();
            if (c == null || !c.isValid(1)) {
                c = target.getConnection();
            }
            Connection real = c;
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            if (!real.getAutoCommit()) {
                                real.rollback();
                                real.setAutoCommit(true);
                            }
                            if (!idle.offer(real)) {
                                real.close();
                            }
                            return null;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
