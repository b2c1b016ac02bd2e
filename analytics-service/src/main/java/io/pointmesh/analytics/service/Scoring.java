package io.pointmesh.analytics.service;

import io.pointmesh.analytics.BgNbd;
import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.FactRepository;
import io.pointmesh.events.Grade;
import io.pointmesh.events.Segment;
import io.pointmesh.events.analytics.GradeChanged;
import io.pointmesh.events.analytics.GradeThresholdsPublished;
import io.pointmesh.events.analytics.SegmentChanged;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Grades, strategic segments and churn scores over the per-member features, each as of a date
 * (see docs/analytics.md for every definition). Set-based SQL: one statement ranks every member.
 * A stored grade or segment is replaced only by a computation as of the same or a later date,
 * and every change is published (through the outbox, in the same transaction).
 */
@ApplicationScoped
public class Scoring {

    /** What a grade computation did. */
    /** What a grade computation did; {@code source}: "summary" (the per-member summary) or "history" (every member-day). */
    public record GradeRun(LocalDate asOf, long ranked, long changed, Map<String, Long> counts, Map<String, BigDecimal> thresholds,
                           String source, long millis) {
    }

    public record SegmentRun(LocalDate asOf, long members, long changed, Map<String, Long> counts, String source, long millis) {
    }

    public record ChurnRun(LocalDate asOf, BgNbd.Params params, long customers, long scored, String source, long millis) {
    }

    /**
     * Members with a purchase in the 12 months up to {@code asOf}, ranked by net spend in them
     * (descending, ties by member id): rank <= ceil(5 % of N) VVIP, <= ceil(20 % of N) VIP,
     * <= ceil(40 % of N) LOYAL, the rest GENERAL. Members who left are not ranked. {@code spend}
     * answers (member_id, s) for every member with a purchase in the window.
     */
    static String ranking(String spend) {
        return "WITH spend AS (" + spend + "), "
                + "ranked AS (SELECT member_id, s, row_number() OVER (ORDER BY s DESC, member_id) AS rk, count(*) OVER () AS n FROM spend) "
                + "SELECT member_id, s, CASE WHEN rk <= ceil(n * 0.05) THEN 'VVIP' WHEN rk <= ceil(n * 0.20) THEN 'VIP' "
                + "WHEN rk <= ceil(n * 0.40) THEN 'LOYAL' ELSE 'GENERAL' END AS grade FROM ranked";
    }

    private static final String NOT_LEFT = "NOT EXISTS (SELECT 1 FROM member_dim d WHERE d.member_id = %s.member_id AND d.status = 'LEFT')";

    /** The 12-month spend from every member-day (the reference; any date). */
    static String spendFromHistory(LocalDate asOf) {
        return "SELECT member_id, sum(net_spend) AS s FROM member_day md WHERE day > DATE '" + asOf.minusMonths(12) + "' AND day <= DATE '"
                + asOf + "' AND " + NOT_LEFT.formatted("md") + " GROUP BY member_id";
    }

    /** The 12-month spend from the summary: one row per member, valid when the window is as of the date. */
    static final String SPEND_FROM_SUMMARY = "SELECT member_id, spend_12m AS s FROM member_features f WHERE days_12m > 0 AND "
            + NOT_LEFT.formatted("f");

    @Inject
    Transactions transactions;

    @Inject
    Outbox outbox;

    @Inject
    AnalyticsConfig config;

    @Inject
    Clock clock;

    public LocalDate today() {
        return LocalDate.now(clock.withZone(config.zone()));
    }

    /** The grade of every ranked member as of the date, from every member-day, without storing anything. */
    public static String gradesAsOf(LocalDate asOf) {
        return ranking(spendFromHistory(asOf));
    }

    /** One recomputation at a time across replicas (and the job against an operator's request). */
    static final String ONE_AT_A_TIME = "SELECT pg_advisory_xact_lock(7460723155)";

    /**
     * Moves the members' 12-month spend (member_features.spend_12m, days_12m) to the window
     * ending {@code asOf}, in a transaction of its own. Invariant (W): for every member, spend_12m
     * and days_12m are the sum of net spend and the count of their member-days in
     * (window - 12 months, window], where window is scoring_state 'window'. Ingestion keeps W for
     * each fact (FactRepository, under the shared WINDOW_LOCK); moving the window from A0 to A adds
     * the days in (A0, A] and takes away those in (A0 - 12 months, A - 12 months] (days in both
     * ranges cancel: they were in neither window), under the exclusive lock, so no fact is missed or
     * counted twice. The first time the window is built from every member-day. A date before the
     * window leaves it alone (the regrade then ranks from every member-day).
     */
    void rollWindow(LocalDate asOf) {
        transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            Sql.one(c, "SELECT pg_advisory_xact_lock(" + FactRepository.WINDOW_LOCK + ")", rs -> null);
            Optional<LocalDate> window = Sql.one(c, "SELECT as_of FROM scoring_state WHERE kind = 'window'", rs -> rs.getObject(1, LocalDate.class));
            if (window.isPresent() && window.get().isAfter(asOf)) {
                return null;
            }
            if (window.isEmpty()) {
                Sql.update(c, "UPDATE member_features SET spend_12m = 0, days_12m = 0 WHERE spend_12m <> 0 OR days_12m <> 0");
                Sql.update(c, "UPDATE member_features f SET spend_12m = x.s, days_12m = x.n FROM (SELECT member_id, sum(net_spend) AS s, "
                        + "count(*) AS n FROM member_day WHERE day > ? AND day <= ? GROUP BY member_id) x WHERE f.member_id = x.member_id",
                        asOf.minusMonths(12), asOf);
            } else if (window.get().isBefore(asOf)) {
                LocalDate from = window.get();
                Sql.update(c, "UPDATE member_features f SET spend_12m = f.spend_12m + x.s, days_12m = f.days_12m + x.n FROM ("
                                + "SELECT member_id, sum(CASE WHEN day > ? AND day <= ? THEN net_spend ELSE 0 END) "
                                + "- sum(CASE WHEN day > ? AND day <= ? THEN net_spend ELSE 0 END) AS s, "
                                + "count(*) FILTER (WHERE day > ? AND day <= ?) - count(*) FILTER (WHERE day > ? AND day <= ?) AS n "
                                + "FROM member_day WHERE (day > ? AND day <= ?) OR (day > ? AND day <= ?) GROUP BY member_id) x "
                                + "WHERE f.member_id = x.member_id",
                        from, asOf, from.minusMonths(12), asOf.minusMonths(12), from, asOf, from.minusMonths(12), asOf.minusMonths(12),
                        from, asOf, from.minusMonths(12), asOf.minusMonths(12));
            }
            Sql.update(c, "INSERT INTO scoring_state (kind, as_of) VALUES ('window', ?) ON CONFLICT (kind) DO UPDATE SET as_of = EXCLUDED.as_of",
                    asOf);
            return null;
        });
    }

    /**
     * Whether a computation as of the date may store its results: none stored yet, or the stored
     * one is as of the same or an earlier date (then it records the date). An earlier computation
     * only reports.
     */
    static boolean mayStore(Connection c, String kind, LocalDate asOf) throws SQLException {
        Optional<LocalDate> stored = Sql.one(c, "SELECT as_of FROM scoring_state WHERE kind = ?", rs -> rs.getObject(1, LocalDate.class), kind);
        if (stored.isPresent() && stored.get().isAfter(asOf)) {
            return false;
        }
        Sql.update(c, "INSERT INTO scoring_state (kind, as_of) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET as_of = EXCLUDED.as_of", kind, asOf);
        return true;
    }

    /** Whether the per-member summary describes the members as of the date: no purchase day after it. */
    static boolean summaryCurrent(Connection c, LocalDate asOf) throws SQLException {
        return Sql.one(c, "SELECT max(day) FROM member_day", rs -> rs.getObject(1, LocalDate.class)).map(d -> !d.isAfter(asOf)).orElse(true);
    }

    public GradeRun regrade(LocalDate asOf) {
        long started = System.nanoTime();
        rollWindow(asOf);
        return transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            boolean fromSummary = asOf.equals(Sql.one(c, "SELECT as_of FROM scoring_state WHERE kind = 'window'",
                    rs -> rs.getObject(1, LocalDate.class)).orElse(null));
            Sql.update(c, "CREATE TEMP TABLE grade_now ON COMMIT DROP AS " + ranking(fromSummary ? SPEND_FROM_SUMMARY : spendFromHistory(asOf)));
            Map<String, Long> counts = new TreeMap<>();
            Map<String, BigDecimal> thresholds = new TreeMap<>();
            for (Object[] r : Sql.list(c, "SELECT grade, count(*), min(s) FROM grade_now GROUP BY grade",
                    rs -> new Object[]{rs.getString(1), rs.getLong(2), rs.getBigDecimal(3)})) {
                counts.put((String) r[0], (Long) r[1]);
                if (!Grade.GENERAL.name().equals(r[0])) {
                    thresholds.put((String) r[0], (BigDecimal) r[2]);
                }
            }
            long ranked = counts.values().stream().mapToLong(Long::longValue).sum();
            List<Object[]> changes = List.of();
            if (mayStore(c, "grades", asOf)) {
                // members whose stored grade differs (those not ranked are GENERAL)
                changes = Sql.list(c, "UPDATE member_dim d SET grade = x.grade, grade_as_of = ? FROM ("
                                + "SELECT d2.member_id, d2.grade AS previous, coalesce(g.grade, 'GENERAL') AS grade, coalesce(g.s, 0) AS s "
                                + "FROM member_dim d2 LEFT JOIN grade_now g USING (member_id) WHERE d2.status <> 'LEFT' "
                                + "AND d2.grade <> coalesce(g.grade, 'GENERAL')) x "
                                + "WHERE d.member_id = x.member_id RETURNING x.member_id, x.previous, x.grade, x.s",
                        rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4)}, asOf);
                outbox.publishAll(c, changes.stream().map(ch -> new GradeChanged((String) ch[0], Grade.valueOf((String) ch[1]),
                        Grade.valueOf((String) ch[2]), asOf, (BigDecimal) ch[3])).toList());
                if (!thresholds.isEmpty()) {
                    outbox.publish(c, new GradeThresholdsPublished(asOf, thresholds));
                }
            }
            return new GradeRun(asOf, ranked, changes.size(), counts, thresholds, fromSummary ? "summary" : "history", millisSince(started));
        });
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Each member's strategic segment as of the date (see docs/analytics.md), as a query over every member-day. */
    public String segmentsAsOf(LocalDate asOf) {
        return segments(asOf, "SELECT DISTINCT ON (member_id) member_id, first, day AS last, prev FROM (SELECT member_id, day, "
                + "lag(day) OVER (PARTITION BY member_id ORDER BY day) AS prev, min(day) OVER (PARTITION BY member_id) AS first "
                + "FROM member_day WHERE day <= DATE '" + asOf + "') w ORDER BY member_id, day DESC");
    }

    /**
     * The same segments from the per-member summary (first, last and second-to-last purchase
     * days): one row per member instead of every member-day. Valid when no purchase day is after
     * the date ({@link #summaryCurrent}).
     */
    String segmentsFromSummary(LocalDate asOf) {
        return segments(asOf, "SELECT member_id, first_day AS first, last_day AS last, prev_day AS prev FROM member_features "
                + "WHERE first_day IS NOT NULL");
    }

    /** The segment rules, in order, over each purchasing member's (first, last, prev) purchase days as of the date. */
    private String segments(LocalDate asOf, String days) {
        AnalyticsConfig.Segments s = config.segments();
        String day = "DATE '" + asOf + "'";
        return "SELECT d.member_id, CASE "
                + "WHEN f.member_id IS NULL THEN 'PROSPECTIVE' "
                + "WHEN f.last <= " + day + " - " + s.churnDays() + " THEN 'CHURNED' "
                + "WHEN f.last <= " + day + " - " + s.activeDays() + " THEN 'DORMANT' "
                + "WHEN f.first > " + day + " - " + s.newDays() + " THEN 'NEW' "
                + "WHEN f.prev IS NOT NULL AND f.last - f.prev >= " + s.reactivationGapDays() + " THEN 'REACTIVATED' "
                + "ELSE 'ACTIVE' END AS segment "
                + "FROM member_dim d LEFT JOIN (" + days + ") f USING (member_id) "
                // a member by then: joined, or already buying (history a partner brought with its customers predates the join)
                + "WHERE d.status <> 'LEFT' AND (f.member_id IS NOT NULL OR d.joined_at < (" + day + " + 1)::timestamp AT TIME ZONE '"
                + config.zone() + "')";
    }

    public SegmentRun resegment(LocalDate asOf) {
        long started = System.nanoTime();
        return transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            boolean fromSummary = summaryCurrent(c, asOf);
            Sql.update(c, "CREATE TEMP TABLE segment_now ON COMMIT DROP AS " + (fromSummary ? segmentsFromSummary(asOf) : segmentsAsOf(asOf)));
            Map<String, Long> counts = new TreeMap<>();
            for (Object[] r : Sql.list(c, "SELECT segment, count(*) FROM segment_now GROUP BY segment",
                    rs -> new Object[]{rs.getString(1), rs.getLong(2)})) {
                counts.put((String) r[0], (Long) r[1]);
            }
            List<Object[]> changes = List.of();
            if (mayStore(c, "segments", asOf)) {
                changes = Sql.list(c, "UPDATE member_dim d SET segment = x.segment, segment_as_of = ? FROM ("
                                + "SELECT d2.member_id, d2.segment AS previous, s.segment FROM member_dim d2 JOIN segment_now s USING (member_id) "
                                + "WHERE d2.segment IS DISTINCT FROM s.segment) x "
                                + "WHERE d.member_id = x.member_id RETURNING x.member_id, x.previous, x.segment",
                        rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3)}, asOf);
                outbox.publishAll(c, changes.stream().map(ch -> new SegmentChanged((String) ch[0], ch[1] == null ? null
                        : Segment.valueOf((String) ch[1]), Segment.valueOf((String) ch[2]), asOf)).toList());
            }
            return new SegmentRun(asOf, counts.values().stream().mapToLong(Long::longValue).sum(), changes.size(), counts,
                    fromSummary ? "summary" : "history", millisSince(started));
        });
    }

    /** At most this many customers are fitted (a deterministic sample by member id); every customer is scored. */
    static final long FIT_SAMPLE = 20_000;

    /**
     * Fits BG/NBD to the purchasing members' histories up to the date (x = purchase days - 1,
     * t_x and T in whole weeks from the first purchase day), on a deterministic sample of at most
     * {@link #FIT_SAMPLE} customers when there are more (the parameters describe the population;
     * a sample of that size pins them down), and scores every member: P(alive) and the expected
     * purchase days in the next 90 days. Members with the same (x, t_x, T) share one computation.
     */
    public ChurnRun fitChurn(LocalDate asOf) {
        long started = System.nanoTime();
        return transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            boolean fromSummary = summaryCurrent(c, asOf);
            String summary = fromSummary
                    ? "SELECT member_id, (purchase_days - 1)::int AS x, ((last_day - first_day) / 7)::int AS tx_w, "
                    + "((DATE '" + asOf + "' - first_day) / 7)::int AS t_w FROM member_features WHERE first_day IS NOT NULL"
                    // the same column types either way: the statements reading the temporary table are prepared once
                    : "SELECT member_id, (count(*) - 1)::int AS x, ((max(day) - min(day)) / 7)::int AS tx_w, "
                    + "((DATE '" + asOf + "' - min(day)) / 7)::int AS t_w FROM member_day WHERE day <= DATE '" + asOf + "' GROUP BY member_id";
            String source = fromSummary ? "summary" : "history";
            Sql.update(c, "CREATE TEMP TABLE churn_summary ON COMMIT DROP AS " + summary);
            long customers = Sql.scalarLong(c, "SELECT count(*) FROM churn_summary");
            if (customers == 0) {
                return new ChurnRun(asOf, null, 0, 0, source, millisSince(started));
            }
            long buckets = Math.max(1, (customers + FIT_SAMPLE - 1) / FIT_SAMPLE);
            List<BgNbd.Group> groups = Sql.list(c, "SELECT x, tx_w, t_w, count(*) FROM churn_summary WHERE abs(hashtext(member_id)::bigint) % ? = 0 "
                            + "GROUP BY 1, 2, 3", rs -> new BgNbd.Group(new BgNbd.Customer(rs.getInt(1), rs.getInt(2), rs.getInt(3)), rs.getLong(4)),
                    buckets);
            if (groups.isEmpty()) {
                groups = Sql.list(c, "SELECT x, tx_w, t_w, count(*) FROM churn_summary GROUP BY 1, 2, 3",
                        rs -> new BgNbd.Group(new BgNbd.Customer(rs.getInt(1), rs.getInt(2), rs.getInt(3)), rs.getLong(4)));
            }
            BgNbd.Params params = BgNbd.fit(groups);
            Sql.update(c, "CREATE TEMP TABLE churn_by_summary (x INT, tx_w INT, t_w INT, p_alive DOUBLE PRECISION, "
                    + "expected_90d DOUBLE PRECISION) ON COMMIT DROP");
            List<int[]> keys = Sql.list(c, "SELECT DISTINCT x, tx_w, t_w FROM churn_summary", rs -> new int[]{rs.getInt(1), rs.getInt(2), rs.getInt(3)});
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO churn_by_summary VALUES (?, ?, ?, ?, ?)")) {
                int batch = 0;
                for (int[] k : keys) {
                    BgNbd.Customer customer = new BgNbd.Customer(k[0], k[1], k[2]);
                    insert.setInt(1, k[0]);
                    insert.setInt(2, k[1]);
                    insert.setInt(3, k[2]);
                    insert.setDouble(4, BgNbd.probabilityAlive(params, customer));
                    insert.setDouble(5, BgNbd.expectedPurchases(params, customer, 90 / 7.0));
                    insert.addBatch();
                    if (++batch % 5000 == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            Sql.update(c, "INSERT INTO churn_fit (as_of, r, alpha, a, b, log_likelihood, customers, fitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (as_of) DO UPDATE SET r = EXCLUDED.r, alpha = EXCLUDED.alpha, a = EXCLUDED.a, b = EXCLUDED.b, "
                            + "log_likelihood = EXCLUDED.log_likelihood, customers = EXCLUDED.customers, fitted_at = EXCLUDED.fitted_at",
                    asOf, params.r(), params.alpha(), params.a(), params.b(), params.logLikelihood(), customers, Instant.now(clock));
            long scored = 0;
            if (mayStore(c, "churn", asOf)) {
                // every purchasing member is scored by this fit: the table is replaced whole (a bulk load, not a million upserts)
                Sql.update(c, "TRUNCATE churn_score");
                scored = Sql.update(c, "INSERT INTO churn_score (member_id, as_of, p_alive, expected_90d) "
                        + "SELECT s.member_id, ?, b.p_alive, b.expected_90d FROM churn_summary s JOIN churn_by_summary b USING (x, tx_w, t_w)", asOf);
            }
            return new ChurnRun(asOf, params, customers, scored, source, millisSince(started));
        });
    }
}
