package io.pointmesh.analytics.service;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.ReportRepository;
import io.pointmesh.analytics.repository.ReportRepository.Scope;
import io.pointmesh.analytics.repository.RewardRepository;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports for a partner (its own customers) or the network (operators), over purchases in
 * [from, to) and scores as of {@code asOf}. Every figure is a row (section, label, metric, value):
 * the same rows make the JSON, the CSV and the dashboard's charts. Demographics count only members
 * who allow personalization.
 *
 * <p>What a partner sees follows docs/privacy.md ({@link Disclosure}): its window covers at least
 * {@code minimum-window-days} and is widened to whole ISO weeks; every row is about at least k
 * ({@code minimum-group}) distinct members, or is left out; counts its own records do not tell it
 * carry noise keyed to the report. Operators see the figures as computed (demographic groups,
 * store profiles and shared customers under k suppressed, as before).
 *
 * <p>The rewards report is about the catalogue's orders placed in [from, to) instead of purchases
 * (a partner's: of its own rewards), by the ordering member's grade and segment when they ordered.
 */
@ApplicationScoped
public class ReportService {

    public enum Kind {
        MEMBERS,
        TRANSACTIONS,
        STORES,
        REWARDS
    }

    @RegisterForReflection
    public record Row(String section, String label, String metric, BigDecimal value) {}

    @RegisterForReflection
    public record Report(
            String kind,
            String scope,
            LocalDate from,
            LocalDate to,
            LocalDate asOf,
            int minimumGroup,
            Double noiseEpsilon,
            Instant computedAt,
            List<Row> rows) {}

    @Inject
    Transactions transactions;

    @Inject
    AnalyticsConfig config;

    @Inject
    Scoring scoring;

    @Inject
    ReportRepository repository;

    @Inject
    ReportSnapshots snapshots;

    @Inject
    RewardRepository rewardOrders;

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ReportService.class);

    private volatile byte[] noiseKey;

    /** A report as operators see it (every figure as computed). */
    public Report report(String partnerId, Kind kind, LocalDate from, LocalDate to, LocalDate asOf) {
        return report(partnerId, kind, from, to, asOf, false);
    }

    /**
     * A report; {@code partnerView}: as the partner itself sees it (docs/privacy.md). A partner's
     * budget of distinct reports is spent before the snapshot is looked up: a served snapshot costs
     * what a computed answer does.
     */
    public Report report(
            String partnerId, Kind kind, LocalDate from, LocalDate to, LocalDate asOf, boolean partnerView) {
        Request r = resolve(partnerId, kind, from, to, asOf, partnerView, true);
        ReportSnapshots.Snapshot s = snapshots.serve(key(r), () -> compute(r));
        if (partnerView) {
            // each different answer is a fresh sample of the noise (a change of the window's customers redraws
            // it): it is what the budget counts, not the request, else asking again after a test purchase in the
            // window gave free samples to average
            spendReportBudget(partnerId, budgetKey(r), s.rows());
        }
        return answer(r, s);
    }

    /**
     * A resolved request: the window and scores' date the answer is about (a partner's widened to
     * whole weeks and clamped to its purchase weeks), and the view. Two requests that resolve alike
     * get the same answer (and the same snapshot).
     */
    public record Request(
            String partnerId, Kind kind, LocalDate from, LocalDate to, LocalDate asOf, boolean partnerView) {}

    /** Resolves a request's window and scores' date; {@code spendBudget}: a partner's own request, which spends its budget. */
    Request resolve(
            String partnerId,
            Kind kind,
            LocalDate from,
            LocalDate to,
            LocalDate asOf,
            boolean partnerView,
            boolean spendBudget) {
        if (partnerView && partnerId == null) {
            throw new IllegalArgumentException("a partner's view is of a partner");
        }
        LocalDate end = asOf != null ? asOf : to != null ? to.minusDays(1) : scoring.today();
        LocalDate toDate = to != null ? to : end.plusDays(1);
        LocalDate fromDate = from != null ? from : toDate.minusMonths(12);
        if (!fromDate.isBefore(toDate)) {
            throw ProblemException.invalidField("from", "before to");
        }
        if (fromDate.plusYears(5).isBefore(toDate)) {
            throw ProblemException.invalidField("from", "a report covers at most five years");
        }
        if (partnerView) {
            // a narrow window could single a member out: a minimum length, and whole weeks (two windows that differ by
            // less than a week at either end are the same report)
            long days = java.time.temporal.ChronoUnit.DAYS.between(fromDate, toDate);
            if (days < config.minimumWindowDays()) {
                throw ProblemException.badRequest(
                        "window-too-short",
                        "a partner's report covers at least " + config.minimumWindowDays() + " days (from " + fromDate
                                + " to " + toDate + " is " + days + "), so that no member can be singled out");
            }
            fromDate = fromDate.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            toDate = toDate.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
            // ...and no wider than the weeks the partner has purchases in (the rewards report: orders of its rewards):
            // windows padded with empty weeks are the same report (the same noise), so asking many of them averages
            // nothing away
            LocalDate[] span = activityWeeks(partnerId, kind);
            if (span != null) {
                fromDate = fromDate.isBefore(span[0]) ? span[0] : fromDate;
                toDate = toDate.isAfter(span[1]) ? span[1] : toDate;
            }
            if (!fromDate.isBefore(toDate)) {
                fromDate = toDate.minusWeeks(1); // no purchases in the window: an empty week, nobody in it
            }
            if (asOf != null) {
                // scores as of a week's end only: a handful of distinct past reports, not one per day
                end = asOf.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
                end = end.isAfter(scoring.today()) ? scoring.today() : end;
            }
            if (asOf == null && to != null) {
                // scores as of the widened window's last day (not after today): the same for every window widened alike
                LocalDate last = toDate.minusDays(1);
                LocalDate today = scoring.today();
                end = last.isAfter(today) ? today : last;
            }
            if (spendBudget) {
                // before any computation: a partner whose budget is spent gets no new report computed; the answer
                // it is served is charged in report()
                requireReportBudgetLeft(
                        partnerId, budgetKey(new Request(partnerId, kind, fromDate, toDate, end, true)));
            }
        }
        return new Request(partnerId, kind, fromDate, toDate, end, partnerView);
    }

    /** The request's rows, computed now (what a snapshot stores). */
    List<Row> compute(Request r) {
        Scope scope = new Scope(
                r.partnerId(),
                r.from().atStartOfDay(config.zone()).toInstant(),
                r.to().atStartOfDay(config.zone()).toInstant(),
                r.asOf());
        String context = r.partnerId() + "|" + r.kind() + "|" + r.from() + "|" + r.to();
        return transactions.run(c -> {
            Disclosure d = r.partnerView()
                    ? Disclosure.partner(
                            config.minimumGroup(),
                            config.noiseEpsilon(),
                            noiseKey(),
                            context + "|"
                                    + (r.kind() == Kind.REWARDS
                                            ? rewardOrders.orderersFingerprint(c, scope)
                                            : repository.customersFingerprint(c, scope)))
                    : Disclosure.exact(config.minimumGroup());
            return switch (r.kind()) {
                case MEMBERS -> members(c, scope, d);
                case TRANSACTIONS -> transactions(c, scope, d);
                case STORES -> stores(c, scope, d);
                case REWARDS -> rewards(c, scope, d);
            };
        });
    }

    private Report answer(Request r, ReportSnapshots.Snapshot s) {
        return new Report(
                r.kind().name().toLowerCase(),
                r.partnerId() == null ? "network" : r.partnerId(),
                r.from(),
                r.to(),
                r.asOf(),
                config.minimumGroup(),
                r.partnerView() ? config.noiseEpsilon() : null,
                s.computedAt(),
                s.rows());
    }

    /**
     * The snapshot key: the resolved request, and a fingerprint of what else shapes the figures (k,
     * epsilon, the zone and the segment thresholds; for a partner's view also the noise key), so
     * that an answer computed under other settings, or a partner's view under another process's
     * random noise key, is never served. Operators' views have no noise: theirs survive a restart.
     */
    ReportSnapshots.Key key(Request r) {
        return new ReportSnapshots.Key(
                r.partnerId() == null ? "network" : "partner:" + r.partnerId(),
                r.kind().name().toLowerCase(),
                r.from(),
                r.to(),
                r.asOf(),
                r.partnerView(),
                r.partnerView() ? partnerSettings() : operatorSettings());
    }

    private volatile String partnerSettings;
    private volatile String operatorSettings;

    private String operatorSettings() {
        String s = operatorSettings;
        if (s == null) {
            s = fingerprint("operator".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            operatorSettings = s;
        }
        return s;
    }

    private String partnerSettings() {
        String s = partnerSettings;
        if (s == null) {
            // keyed by the noise key (an HMAC, not a hash of it: the table must not help guess a weak secret)
            s = fingerprint(noiseKey());
            partnerSettings = s;
        }
        return s;
    }

    /** The settings that shape a report's figures, as an HMAC under the key. */
    private String fingerprint(byte[] key) {
        var seg = config.segments();
        String described = config.minimumGroup() + "|" + config.noiseEpsilon() + "|" + config.zone() + "|"
                + seg.newDays() + "|" + seg.activeDays() + "|" + seg.churnDays() + "|" + seg.reactivationGapDays();
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.HexFormat.of()
                    .formatHex(mac.doFinal(described.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The default-window reports (no from, to or asOf) of the network and of each partner with
     * purchases in the last year, in both views, computed ahead so that the dashboard's first load
     * reads them (after each regrade: {@code force}; daily otherwise: only those missing). Runs on
     * its own thread, one run at a time; spends no partner's budget (no partner asked).
     */
    public void precomputeDefaults(boolean force) {
        if (!snapshots.enabled() || !config.reports().precompute()) {
            return;
        }
        precomputing.execute(() -> {
            long t0 = System.nanoTime();
            int computed = 0;
            List<Request> defaults = new ArrayList<>();
            for (Kind kind : Kind.values()) {
                defaults.add(resolve(null, kind, null, null, null, false, false));
            }
            LocalDate today = scoring.today();
            List<String> partners = transactions.read(c -> repository.partnersWithPurchasesSince(
                    c, today.minusMonths(12).atStartOfDay(config.zone()).toInstant()));
            for (boolean partnerView : new boolean[] {true, false}) { // the partners' staff first, then operators
                for (String partnerId : partners) {
                    for (Kind kind : Kind.values()) {
                        defaults.add(resolve(partnerId, kind, null, null, null, partnerView, false));
                    }
                }
            }
            for (Request r : defaults) {
                ReportSnapshots.Key key = key(r);
                if (force || snapshots.missing(key)) {
                    try {
                        snapshots.recompute(key, () -> compute(r));
                        computed++;
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "precomputing %s failed", key);
                    }
                }
            }
            snapshots.dropExpired();
            LOG.infof(
                    "precomputed %d of %d default reports in %d ms",
                    computed, defaults.size(), (System.nanoTime() - t0) / 1_000_000);
        });
    }

    /** One precomputation at a time, and at most one more waiting (a second regrade while one runs). */
    private final java.util.concurrent.ThreadPoolExecutor precomputing = new java.util.concurrent.ThreadPoolExecutor(
            1,
            1,
            30,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(1),
            r -> {
                Thread t = new Thread(r, "report-precompute");
                t.setDaemon(true);
                return t;
            },
            new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());

    @jakarta.annotation.PreDestroy
    void stopPrecomputing() {
        precomputing.shutdownNow();
    }

    /** Daily (and soon after start): the default reports when today's are missing. */
    @io.quarkus.scheduler.Scheduled(
            every = "${pointmesh.analytics.reports.precompute-every:10m}",
            delayed = "${pointmesh.analytics.reports.precompute-delay:1m}",
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void precomputeMissing() {
        precomputeDefaults(false);
    }

    /**
     * Monday of the partner's first purchase week, and the Monday after its last (for the rewards report: of its
     * rewards' orders); null when it has none.
     */
    private LocalDate[] activityWeeks(String partnerId, Kind kind) {
        return transactions
                .run(c -> kind == Kind.REWARDS
                        ? rewardOrders.orderDays(c, partnerId)
                        : repository.purchaseDays(c, partnerId))
                .map(days -> new LocalDate[] {
                    days[0].with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)),
                    days[1].plusDays(1).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY))
                })
                .orElse(null);
    }

    /** A resolved request as the budget knows it: kind, the final window and scores' date. */
    private static String budgetKey(Request r) {
        return r.kind() + "|" + r.from() + "|" + r.to() + "|" + r.asOf();
    }

    /**
     * Refused (429) when the partner has spent its budget and has not had this report today: a new report would
     * be a new answer. A report it has had may be asked again (its answer, if unchanged, is free). Read without a
     * lock: the charge after the answer ({@link #spendReportBudget}) is what cannot overshoot.
     */
    private void requireReportBudgetLeft(String partnerId, String report) {
        LocalDate today = scoring.today();
        long[] charged = transactions.read(c -> Sql.one(
                        c,
                        "SELECT count(*), count(*) FILTER (WHERE report = ?) FROM report_budget_answer "
                                + "WHERE partner_id = ? AND day = ?",
                        rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                        report,
                        partnerId,
                        today)
                .orElseThrow());
        if (charged[1] == 0 && charged[0] >= config.distinctReportsPerDay()) {
            throw budgetSpent(charged[0]);
        }
    }

    /**
     * A partner may have at most {@code pointmesh.analytics.distinct-reports-per-day} different answers a day
     * (429): each different answer carries fresh noise (another window, or the same window after its customers
     * changed), so an unbounded number of them could be averaged; the budget bounds it (docs/privacy.md). The same
     * answer again is free. Kept in the database (V13), shared by every instance and kept across restarts, and
     * charged under the partner's advisory lock, so racing requests on any instance cannot overshoot.
     */
    private void spendReportBudget(String partnerId, String report, List<Row> rows) {
        String answer;
        try {
            // the rows' values as numbers, not as written: an answer read back from its snapshot is the same answer
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            for (Row row : rows) {
                String line = row.section()
                        + '\u0000'
                        + row.label()
                        + '\u0000'
                        + row.metric()
                        + '\u0000'
                        + (row.value() == null
                                ? ""
                                : row.value().stripTrailingZeros().toPlainString())
                        + '\n';
                digest.update(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            answer = java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Long spent = transactions.run(c -> {
            Sql.one(
                    c,
                    "SELECT pg_advisory_xact_lock(hashtext('pointmesh.report-budget'), hashtext(?))",
                    rs -> 1,
                    partnerId);
            // the day as it is once the lock is held: a request that waited past midnight is charged to the new day
            LocalDate today = scoring.today();
            long[] had = Sql.one(
                            c,
                            "SELECT count(*), count(*) FILTER (WHERE report = ? AND answer = ?) FROM report_budget_answer "
                                    + "WHERE partner_id = ? AND day = ?",
                            rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                            report,
                            answer,
                            partnerId,
                            today)
                    .orElseThrow();
            if (had[1] > 0) {
                return null; // the same answer again: free
            }
            if (had[0] >= config.distinctReportsPerDay()) {
                return had[0];
            }
            // earlier days' answers no longer count; yesterday's stay, for an instance whose clock is still there
            Sql.update(
                    c,
                    "DELETE FROM report_budget_answer WHERE partner_id = ? AND day < ?",
                    partnerId,
                    today.minusDays(1));
            Sql.update(
                    c,
                    "INSERT INTO report_budget_answer (partner_id, day, report, answer) VALUES (?, ?, ?, ?)",
                    partnerId,
                    today,
                    report,
                    answer);
            return null;
        });
        if (spent != null) {
            throw budgetSpent(spent);
        }
    }

    private ProblemException budgetSpent(long answers) {
        // Retry-After: the start of the next day, when the budget is new
        long untilTomorrow = java.time.Duration.between(
                        java.time.Instant.now(),
                        scoring.today().plusDays(1).atStartOfDay(config.zone()).toInstant())
                .toSeconds();
        return ProblemException.tooManyRequests(
                "report-budget-spent",
                "this partner had " + answers
                        + " different report answers today; the answers it had can be asked again while they do not "
                        + "change, new ones tomorrow",
                Math.max(1, untilTomorrow));
    }

    private byte[] noiseKey() {
        byte[] key = noiseKey;
        if (key == null) {
            key = config.noiseSecret()
                    .filter(x -> !x.isBlank())
                    .map(x -> x.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .orElseGet(() -> {
                        byte[] random = new byte[32];
                        new java.security.SecureRandom().nextBytes(random);
                        return random;
                    });
            noiseKey = key;
        }
        return key;
    }

    // ---------------------------------------------------------------- members

    private List<Row> members(Connection c, Scope s, Disclosure d) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int k = config.minimumGroup();
        long customers = repository.collectCustomers(c, s);
        own(rows, d, "summary", "customers", "members", customers);
        Instant activeSince = s.asOf()
                .minusDays(config.segments().activeDays())
                .atStartOfDay(config.zone())
                .toInstant();
        own(rows, d, "summary", "active", "members", repository.customersActiveSince(c, activeSince));

        // demographics: consenting customers only, small groups suppressed
        grouped(rows, d, "gender", "", repository.consentingByGender(c), k);
        grouped(
                rows,
                d,
                "age",
                "|" + s.asOf().getYear(),
                repository.consentingByAge(c, s.asOf().getYear()),
                k);
        grouped(rows, d, "region", "", repository.consentingByRegion(c), k);

        // grades and segments: as stored when asOf is the latest computation's date or later, else computed as of asOf
        // (a report on a past date shows that date's grades, e.g. the CDNOW replay as of 1998-06-30)
        boolean stored = repository.scoresStoredBy(c, s.asOf());
        repository.collectScores(c, s.asOf(), stored);
        // the scores these rows describe: their noise stays the same while they do (asking as of another day changes
        // nothing)
        String scores = "|" + repository.scoringDates(c) + (stored ? "" : "|asOf=" + s.asOf());
        grouped(rows, d, "grade", scores, repository.customersByGrade(c), 0);
        grouped(rows, d, "segment", scores, repository.customersBySegment(c), 0);
        // segment flows: each customer's segment the day before the window against as of asOf ("NONE": not yet a
        // member)
        LocalDate before = s.from().atZone(config.zone()).toLocalDate().minusDays(1);
        grouped(rows, d, "segment-flow", "|asOf=" + s.asOf(), repository.segmentFlows(c, before, s.asOf()), 0);
        derived(rows, d, "risk", "churned", scores, repository.churnedCustomers(c));
        derived(rows, d, "risk", "at-risk", scores, repository.atRiskCustomers(c));

        // RFM within the window: quintile scores (recency inverted: the most recent get 5), ties by member id
        repository.scoreRfm(c);
        // (the partner's own purchases: exact, in groups of at least k)
        for (String score : List.of("r", "f", "m")) {
            for (Object[] r : repository.rfmQuintiles(c, score)) {
                own(rows, d, "rfm-" + score, String.valueOf(r[0]), "members", (Long) r[1]);
            }
        }
        for (Object[] r : repository.rfmRecencyByFrequency(c)) {
            own(rows, d, "rfm-rf", r[0] + "" + r[1], "members", (Long) r[2]);
        }
        for (Object[] r : repository.topRfmCodes(c)) {
            own(rows, d, "rfm-code", String.valueOf(r[0]), "members", (Long) r[1]);
        }

        // purchase cycle: days between a customer's consecutive purchases (in this scope)
        for (Object[] r : repository.purchaseCycle(c, s)) {
            if (d.shown((Long) r[2])) {
                rows.add(row("purchase-cycle", (String) r[0], "intervals", (Long) r[1]));
            }
        }
        vintage(c, s, d, rows);
        return rows;
    }

    /**
     * Monthly cohorts for up to 24 months: for the network, every member by member-since date, the
     * share with a purchase anywhere in that month, and the average points balance at its end
     * (points earned minus points redeemed; expiry, gifts and adjustments are the ledger's and not
     * counted). For a partner, its own records only: the window's customers by the month of their
     * first purchase at the partner, and the share who bought at the partner in that month (no
     * network activity, no balances). A partner sees cohorts of at least k members only.
     */
    private void vintage(Connection c, Scope s, Disclosure d, List<Row> rows) throws SQLException {
        if (s.partnerId() != null) {
            partnerVintage(c, s, d, rows);
            return;
        }
        List<Object[]> cells = repository.networkVintage(c, s.asOf());
        for (Object[] cell : cells) {
            String label = cell[0] + "+" + cell[1];
            long n = (Long) cell[2];
            rows.add(row("vintage", label, "members", n));
            rows.add(new Row(
                    "vintage",
                    label,
                    "active-share",
                    BigDecimal.valueOf((Long) cell[3])
                            .divide(BigDecimal.valueOf(n), 4, java.math.RoundingMode.HALF_UP)));
            rows.add(new Row(
                    "vintage",
                    label,
                    "average-balance",
                    ((BigDecimal) cell[4]).divide(BigDecimal.valueOf(n), 1, java.math.RoundingMode.HALF_UP)));
        }
    }

    private void partnerVintage(Connection c, Scope s, Disclosure d, List<Row> rows) throws SQLException {
        List<Object[]> cells = repository.partnerVintage(c, s);
        for (Object[] cell : cells) {
            String label = cell[0] + "+" + cell[1];
            long n = (Long) cell[2];
            if (!d.shown(n)) {
                continue;
            }
            rows.add(row("vintage", label, "members", n));
            rows.add(new Row(
                    "vintage",
                    label,
                    "active-share",
                    BigDecimal.valueOf((Long) cell[3])
                            .divide(BigDecimal.valueOf(n), 4, java.math.RoundingMode.HALF_UP)));
        }
    }

    // ---------------------------------------------------------------- transactions

    private List<Row> transactions(Connection c, Scope s, Disclosure d) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int k = config.minimumGroup();
        for (String unit : List.of("day", "week", "month")) {
            for (Object[] r : repository.sales(c, s, unit)) {
                if (!d.shown((Long) r[3])) {
                    continue;
                }
                rows.add(new Row("sales-by-" + unit, (String) r[0], "sales", (BigDecimal) r[1]));
                rows.add(row("sales-by-" + unit, (String) r[0], "purchases", (Long) r[2]));
                rows.add(row("sales-by-" + unit, (String) r[0], "customers", (Long) r[3]));
            }
        }
        // retention: the share of last month's customers who bought again this month
        for (Object[] r : repository.retention(c, s)) {
            long base = (Long) r[1];
            if (!d.shown(base)) {
                continue;
            }
            rows.add(row("retention", (String) r[0], "previous-customers", base));
            rows.add(new Row(
                    "retention",
                    (String) r[0],
                    "rate",
                    base == 0
                            ? null
                            : BigDecimal.valueOf((Long) r[2])
                                    .divide(BigDecimal.valueOf(base), 4, java.math.RoundingMode.HALF_UP)));
        }
        if (s.partnerId() != null) {
            // cross-partner propensity: of this partner's customers, the share who also bought at another partner, and
            // the lift
            // over that partner's reach among all purchasing members; groups under the minimum are suppressed
            for (Object[] r : repository.crossPartner(c, s)) {
                long both = (Long) r[2];
                long theirs = (Long) r[3];
                long mine = (Long) r[4];
                long everyone = (Long) r[5];
                String label = (String) r[1];
                if (d.partner) {
                    // the customers shared with another partner, and that partner's reach: noisy, and only for groups
                    // of at least k
                    String other = "cross-partner|" + r[0];
                    Long shared = d.count(other + "|shared-customers", both);
                    if (shared == null || theirs < k) {
                        continue;
                    }
                    both = shared;
                    theirs = d.total(other + "|theirs", theirs);
                    everyone = d.total("cross-partner|everyone", everyone);
                } else if (both < k) {
                    rows.add(new Row("cross-partner", label, "suppressed", null));
                    continue;
                }
                BigDecimal share =
                        BigDecimal.valueOf(both).divide(BigDecimal.valueOf(mine), 4, java.math.RoundingMode.HALF_UP);
                rows.add(row("cross-partner", label, "shared-customers", both));
                rows.add(new Row("cross-partner", label, "share", share));
                rows.add(new Row("cross-partner", label, "lift", crossPartnerLift(both, mine, theirs, everyone)));
            }
        }
        // day of week (1 = Monday) x hour of day, in the analytics zone
        for (Object[] r : repository.dayHour(c, s)) {
            if (!d.shown((Long) r[3])) {
                continue;
            }
            rows.add(row("day-hour", r[0] + "-" + String.format("%02d", (Integer) r[1]), "purchases", (Long) r[2]));
        }
        return rows;
    }

    /**
     * The share of this partner's customers who also bought at the other, over the other's reach among all
     * purchasing members: both x everyone / (mine x theirs), in one division. (The reach rounded first went to 0
     * once everyone passed two million customers against a small noisy reach, and the division answered 500.)
     */
    static BigDecimal crossPartnerLift(long both, long mine, long theirs, long everyone) {
        return BigDecimal.valueOf(both)
                .multiply(BigDecimal.valueOf(everyone))
                .divide(
                        BigDecimal.valueOf(mine).multiply(BigDecimal.valueOf(theirs)),
                        2,
                        java.math.RoundingMode.HALF_UP);
    }

    // ---------------------------------------------------------------- stores

    private List<Row> stores(Connection c, Scope s, Disclosure d) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int k = config.minimumGroup();
        for (Object[] r : repository.stores(c, s)) {
            String label = (String) r[0] + " " + r[1];
            BigDecimal sales = (BigDecimal) r[2];
            long purchases = (Long) r[3];
            if (!d.shown((Long) r[4])) {
                continue; // a partner sees stores with at least k customers in the window
            }
            rows.add(new Row("stores", label, "sales", sales));
            rows.add(row("stores", label, "purchases", purchases));
            rows.add(row("stores", label, "customers", (Long) r[4]));
            rows.add(new Row(
                    "stores",
                    label,
                    "average-basket",
                    sales.divide(BigDecimal.valueOf(purchases), 0, java.math.RoundingMode.HALF_UP)));
            long consenting = (Long) r[5];
            if (d.partner) {
                // the profile: noisy counts of consenting and female customers (no average age: one member's age moves
                // it too far)
                if (consenting >= k) {
                    long n = Math.max(k, d.total("stores|" + r[0] + "|consenting", consenting));
                    long female = Math.min(n, Math.max(0, d.total("stores|" + r[0] + "|female", (Long) r[6])));
                    rows.add(new Row(
                            "stores",
                            label,
                            "share-female",
                            BigDecimal.valueOf(female)
                                    .divide(BigDecimal.valueOf(n), 4, java.math.RoundingMode.HALF_UP)));
                }
            } else if (consenting < k) {
                rows.add(new Row("stores", label, "profile-suppressed", null));
            } else {
                rows.add(new Row(
                        "stores",
                        label,
                        "share-female",
                        BigDecimal.valueOf((Long) r[6])
                                .divide(BigDecimal.valueOf(consenting), 4, java.math.RoundingMode.HALF_UP)));
                rows.add(new Row(
                        "stores",
                        label,
                        "average-age",
                        r[7] == null ? null : ((BigDecimal) r[7]).setScale(1, java.math.RoundingMode.HALF_UP)));
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- rewards

    /** At most this many rewards in {@code top-items}. */
    static final int TOP_ITEMS = 10;

    /**
     * The catalogue's orders placed in the window: the partner's own rewards (a partner's scope) or every
     * reward, network rewards included (the network's). Who ordered which of its rewards is the partner's own
     * record (it fulfils them): exact, each row about at least k members. The grade and segment of those
     * members are not: noisy member counts for a partner; exact for operators, a group under k suppressed.
     */
    private List<Row> rewards(Connection c, Scope s, Disclosure d) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int k = config.minimumGroup();
        RewardRepository.Summary t = rewardOrders.summary(c, s);
        own(rows, d, "summary", "placed", "orders", t.placed(), t.members());
        own(rows, d, "summary", "open", "orders", t.open(), t.openMembers());
        own(rows, d, "summary", "fulfilled", "orders", t.fulfilled(), t.fulfilledMembers());
        own(rows, d, "summary", "cancelled", "orders", t.cancelled(), t.cancelledMembers());
        own(rows, d, "summary", "failed", "orders", t.failed(), t.failedMembers());
        own(rows, d, "summary", "points-spent", "points", t.pointsSpent(), t.spendingMembers());
        own(rows, d, "summary", "members", "members", t.members());
        // top items: rewards ordered by at least k distinct members only, in either view (an item of a handful of
        // members would tell who they are by what they ordered)
        for (RewardRepository.Item i : rewardOrders.topItems(c, s, k, TOP_ITEMS)) {
            String label = i.key() + " " + i.title();
            rows.add(row("top-items", label, "orders", i.orders()));
            rows.add(row("top-items", label, "points", i.points()));
            rows.add(row("top-items", label, "members", i.members()));
        }
        ordersBy(rows, d, "grade", rewardOrders.byGrade(c, s), k);
        ordersBy(rows, d, "segment", rewardOrders.bySegment(c, s), k);
        return rows;
    }

    /**
     * Orders by a trait of the ordering member that the partner's records do not tell it: for a partner only the
     * noisy count of members (orders and points per group would move by a whole member's orders); for operators
     * members, orders and points, a group of under k members reported as suppressed.
     */
    private static void ordersBy(
            List<Row> rows, Disclosure d, String section, List<RewardRepository.Item> groups, int k) {
        for (RewardRepository.Item g : groups) {
            if (d.partner) {
                derived(rows, d, section, g.key(), "", g.members());
            } else if (g.members() < k) {
                rows.add(new Row(section, g.key(), "suppressed", null));
            } else {
                rows.add(row(section, g.key(), "members", g.members()));
                rows.add(row(section, g.key(), "orders", g.orders()));
                rows.add(row(section, g.key(), "points", g.points()));
            }
        }
    }

    /** An exact figure of the partner's own records about {@code members} members: a partner sees it only for at least k. */
    private static void own(
            List<Row> rows, Disclosure d, String section, String label, String metric, long value, long members) {
        if (d.shown(members)) {
            rows.add(row(section, label, metric, value));
        }
    }

    private static Row row(String section, String label, String metric, long value) {
        return new Row(section, label, metric, BigDecimal.valueOf(value));
    }

    /** An exact row from the partner's own records: a partner sees it only if it is about at least k members. */
    private static void own(List<Row> rows, Disclosure d, String section, String label, String metric, long members) {
        if (d.shown(members)) {
            rows.add(row(section, label, metric, members));
        }
    }

    /** A count the partner's records do not tell it (noisy for a partner, left out under k); {@code depends}: what else it describes. */
    private static void derived(
            List<Row> rows, Disclosure d, String section, String label, String depends, long members) {
        Long value = d.count(section + "|" + label + depends, members);
        if (value != null) {
            rows.add(row(section, label, "members", value));
        }
    }

    /**
     * (label, count) groups the partner's records do not tell it: for a partner noisy and only groups of
     * at least k; for operators exact, a group under {@code minimum} reported as suppressed.
     */
    private static void grouped(
            List<Row> rows, Disclosure d, String section, String depends, List<Object[]> groups, int minimum) {
        for (Object[] r : groups) {
            long n = (Long) r[1];
            if (d.partner) {
                derived(rows, d, section, (String) r[0], depends, n);
            } else {
                rows.add(
                        n < minimum
                                ? new Row(section, (String) r[0], "suppressed", null)
                                : row(section, (String) r[0], "members", n));
            }
        }
    }
}
