package io.pointmesh.analytics.repository;

import io.pointmesh.analytics.BgNbd;
import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Grades, strategic segments and churn scores (docs/analytics.md has every definition): the
 * grade window of the per-member summary (member_features.spend_12m, days_12m), the ranking and
 * segment rules as set-based SQL over the summary or every member-day, the stored scores on
 * member_dim and churn_score, and what scoring_state says each was last computed as of. Every
 * method runs in the caller's transaction.
 */
@ApplicationScoped
public class ScoringRepository {

    /** One recomputation at a time across replicas (and the job against an operator's request). */
    static final long RECOMPUTATION_LOCK = 7460723155L;

    private static final String NOT_LEFT =
            "NOT EXISTS (SELECT 1 FROM member_dim d WHERE d.member_id = %s.member_id AND d.status = 'LEFT')";

    /** The 12-month spend from the summary: one row per member, valid when the window is as of the date. */
    static final String SPEND_FROM_SUMMARY =
            "SELECT member_id, spend_12m AS s FROM member_features f WHERE days_12m > 0 AND " + NOT_LEFT.formatted("f");

    @Inject
    AnalyticsConfig config;

    /**
     * Members with a purchase in the 12 months up to {@code asOf}, ranked by net spend in them
     * (descending, ties by member id): rank <= ceil(vvip-share x N) VVIP, <= ceil(vip-share x N) VIP,
     * <= ceil(loyal-share x N) LOYAL, the rest GENERAL. Members who left are not ranked. {@code spend}
     * answers (member_id, s) for every member with a purchase in the window. Parameters: the three
     * shares, in that order ({@link #gradeShares()}).
     */
    static String ranking(String spend) {
        return "WITH spend AS (" + spend + "), "
                + "ranked AS (SELECT member_id, s, row_number() OVER (ORDER BY s DESC, member_id) AS rk, count(*) OVER () AS n FROM spend) "
                + "SELECT member_id, s, CASE WHEN rk <= ceil(n * ?) THEN 'VVIP' WHEN rk <= ceil(n * ?) THEN 'VIP' "
                + "WHEN rk <= ceil(n * ?) THEN 'LOYAL' ELSE 'GENERAL' END AS grade FROM ranked";
    }

    /** The 12-month spend from every member-day (the reference; any date). */
    static String spendFromHistory(LocalDate asOf) {
        return "SELECT member_id, sum(net_spend) AS s FROM member_day md WHERE day > DATE '" + asOf.minusMonths(12)
                + "' AND day <= DATE '" + asOf + "' AND " + NOT_LEFT.formatted("md") + " GROUP BY member_id";
    }

    /**
     * The grade of every ranked member as of the date, from every member-day, as a query
     * (member_id, s, grade) whose parameters are {@link #gradeShares()}.
     */
    public static String gradesAsOf(LocalDate asOf) {
        return ranking(spendFromHistory(asOf));
    }

    /** The grade cut-offs (pointmesh.analytics.grades.*), as the ranking's parameters. */
    public Object[] gradeShares() {
        AnalyticsConfig.Grades g = config.grades();
        return new Object[] {g.vvipShare(), g.vipShare(), g.loyalShare()};
    }

    /**
     * Kinds of recomputation, each under its own lock: the three stages run side by side, each one
     * at a time. Grades keep RECOMPUTATION_LOCK; the others are fixed keys of their own (not
     * RECOMPUTATION_LOCK + 1: that is FactRepository.WINDOW_LOCK).
     */
    private static final Map<String, Long> KIND_LOCKS =
            Map.of("grades", RECOMPUTATION_LOCK, "segments", 7460723157L, "churn", 7460723158L);

    /** Grades and segments write member_dim under this lock (see {@link #lockMemberDimWrites}). */
    static final long MEMBER_DIM_WRITE_LOCK = 7460723159L;

    /**
     * Waits for any other recomputation of the kind ('grades', 'segments', 'churn') to end (the
     * lock is held until this transaction ends). One lock per kind: the stages read and write
     * different things, so a regrade may run beside a resegmentation.
     */
    public void lockRecomputation(Connection c, String kind) throws SQLException {
        Long key = KIND_LOCKS.get(kind);
        if (key == null) {
            throw new IllegalArgumentException(kind);
        }
        Sql.one(c, "SELECT pg_advisory_xact_lock(" + key + ")", rs -> null);
    }

    /**
     * Waits for the other stage's write of member_dim to commit: grades and segments update the
     * same rows (other columns), and two such updates in different row orders could deadlock. Taken
     * just before the (small) update of the changed members, held until the transaction ends.
     */
    public void lockMemberDimWrites(Connection c) throws SQLException {
        Sql.one(c, "SELECT pg_advisory_xact_lock(" + MEMBER_DIM_WRITE_LOCK + ")", rs -> null);
    }

    // ---------------------------------------------------------------- the grade window

    /** Holds ingestion off the grade window until this transaction ends (see FactRepository#WINDOW_LOCK). */
    public void lockWindow(Connection c) throws SQLException {
        Sql.one(c, "SELECT pg_advisory_xact_lock(" + FactRepository.WINDOW_LOCK + ")", rs -> null);
    }

    /** The date the members' 12-month spend is as of, if it was ever built. */
    public Optional<LocalDate> window(Connection c) throws SQLException {
        return asOf(c, "window");
    }

    /** Builds every member's 12-month spend afresh from every member-day, for the window ending {@code asOf}. */
    public void buildWindow(Connection c, LocalDate asOf) throws SQLException {
        Sql.update(c, "UPDATE member_features SET spend_12m = 0, days_12m = 0 WHERE spend_12m <> 0 OR days_12m <> 0");
        Sql.update(
                c,
                "UPDATE member_features f SET spend_12m = x.s, days_12m = x.n FROM (SELECT member_id, sum(net_spend) AS s, "
                        + "count(*) AS n FROM member_day WHERE day > ? AND day <= ? GROUP BY member_id) x WHERE f.member_id = x.member_id",
                asOf.minusMonths(12),
                asOf);
    }

    /**
     * Moves every member's 12-month spend from the window ending {@code from} to the one ending
     * {@code asOf} (later): adds the member-days in (from, asOf], takes away those in
     * (from - 12 months, asOf - 12 months].
     */
    public void moveWindow(Connection c, LocalDate from, LocalDate asOf) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_features f SET spend_12m = f.spend_12m + x.s, days_12m = f.days_12m + x.n FROM ("
                        + "SELECT member_id, sum(CASE WHEN day > ? AND day <= ? THEN net_spend ELSE 0 END) "
                        + "- sum(CASE WHEN day > ? AND day <= ? THEN net_spend ELSE 0 END) AS s, "
                        + "count(*) FILTER (WHERE day > ? AND day <= ?) - count(*) FILTER (WHERE day > ? AND day <= ?) AS n "
                        + "FROM member_day WHERE (day > ? AND day <= ?) OR (day > ? AND day <= ?) GROUP BY member_id) x "
                        + "WHERE f.member_id = x.member_id",
                from,
                asOf,
                from.minusMonths(12),
                asOf.minusMonths(12),
                from,
                asOf,
                from.minusMonths(12),
                asOf.minusMonths(12),
                from,
                asOf,
                from.minusMonths(12),
                asOf.minusMonths(12));
    }

    // ---------------------------------------------------------------- what was computed as of when

    /** The date the latest stored computation of a kind ('grades', 'segments', 'churn', 'window') is as of. */
    public Optional<LocalDate> asOf(Connection c, String kind) throws SQLException {
        return Sql.one(
                c, "SELECT as_of FROM scoring_state WHERE kind = ?", rs -> rs.getObject(1, LocalDate.class), kind);
    }

    /** Records that the stored computation of a kind is now as of the date. */
    public void storeAsOf(Connection c, String kind, LocalDate asOf) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO scoring_state (kind, as_of) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET as_of = EXCLUDED.as_of",
                kind,
                asOf);
    }

    /** The latest purchase day of anyone, if there is one. */
    public Optional<LocalDate> lastPurchaseDay(Connection c) throws SQLException {
        return Sql.one(c, "SELECT max(day) FROM member_day", rs -> rs.getObject(1, LocalDate.class));
    }

    // ---------------------------------------------------------------- grades

    /** The member at a grade's last rank (ceil(share x N)): its net spend and id, in the ranking's order. */
    public record Cut(String grade, long rank, BigDecimal s, String memberId) {}

    /**
     * A ranking as of a date without a sort of every member: N members ranked and, per grade
     * (VVIP, VIP, LOYAL), the member at its last rank; a member's grade follows from comparing
     * (s, member_id) with those three, so only the top 40 % are ever ordered. {@code spend} is the
     * query the ranking reads (member_id, s).
     */
    public record Ranking(String spend, long ranked, List<Cut> cuts) {

        /** Members per grade among the ranked (grades nobody reached left out), as the sorted ranking counted them. */
        public Map<String, Long> counts() {
            Map<String, Long> counts = new TreeMap<>();
            long previous = 0;
            for (Cut cut : cuts) {
                if (cut.rank() > previous) {
                    counts.put(cut.grade(), cut.rank() - previous);
                }
                previous = cut.rank();
            }
            if (ranked > previous) {
                counts.put("GENERAL", ranked - previous);
            }
            return counts;
        }

        /** The lowest net spend that reached each grade reached by anyone: the spend at its last rank. */
        public Map<String, BigDecimal> thresholds() {
            Map<String, BigDecimal> thresholds = new TreeMap<>();
            long previous = 0;
            for (Cut cut : cuts) {
                if (cut.rank() > previous) {
                    thresholds.put(cut.grade(), cut.s());
                }
                previous = cut.rank();
            }
            return thresholds;
        }

        /**
         * (member_id, s, grade) of every ranked member: the same grades as {@link #ranking} gives.
         * Rank <= k exactly when (s, member_id) comes no later than the cut's in the order s
         * descending, member_id ascending. A grade nobody reached has the previous one's cut, so
         * the earlier WHEN takes its members.
         */
        String graded() {
            if (cuts.isEmpty()) {
                // nobody ranked (no purchase in the window): "CASE ELSE ... END" is not SQL
                return "SELECT member_id, s, 'GENERAL' AS grade FROM (" + spend + ") sp";
            }
            StringBuilder grade = new StringBuilder("CASE");
            for (int i = 0; i < cuts.size(); i++) {
                grade.append(" WHEN s > ?::numeric OR (s = ?::numeric AND member_id <= ?) THEN '")
                        .append(cuts.get(i).grade())
                        .append("'");
            }
            return "SELECT member_id, s, " + grade + " ELSE 'GENERAL' END AS grade FROM (" + spend + ") sp";
        }

        Object[] gradedParameters() {
            Object[] p = new Object[cuts.size() * 3];
            for (int i = 0; i < cuts.size(); i++) {
                p[3 * i] = cuts.get(i).s();
                p[3 * i + 1] = cuts.get(i).s();
                p[3 * i + 2] = cuts.get(i).memberId();
            }
            return p;
        }
    }

    /**
     * Ranks the members as of the date, from the summary or from every member-day (then first
     * summed into the temporary table grade_spend), with the configured cut-offs: counts them, then
     * reads the first ceil(loyal-share x N) in the ranking's order (the top-N sort keeps only those,
     * not every member) and keeps the member at each grade's last rank.
     */
    public Ranking rankGrades(Connection c, LocalDate asOf, boolean fromSummary) throws SQLException {
        String spend = SPEND_FROM_SUMMARY;
        if (!fromSummary) {
            Sql.update(c, "CREATE TEMP TABLE grade_spend ON COMMIT DROP AS " + spendFromHistory(asOf));
            spend = "SELECT member_id, s FROM grade_spend";
        }
        long n = Sql.scalarLong(c, "SELECT count(*) FROM (" + spend + ") sp");
        if (n == 0) {
            return new Ranking(spend, 0, List.of());
        }
        AnalyticsConfig.Grades g = config.grades();
        String[] grades = {"VVIP", "VIP", "LOYAL"};
        long[] ranks = {lastRank(n, g.vvipShare()), lastRank(n, g.vipShare()), lastRank(n, g.loyalShare())};
        Map<Long, Object[]> at = new HashMap<>();
        Sql.list(
                c,
                "SELECT rk, s, member_id FROM (SELECT s, member_id, row_number() OVER (ORDER BY s DESC, member_id) AS rk FROM ("
                        + "SELECT s, member_id FROM (" + spend + ") sp ORDER BY s DESC, member_id LIMIT ?) top) r "
                        + "WHERE rk IN (?, ?, ?)",
                rs -> at.put(rs.getLong(1), new Object[] {rs.getBigDecimal(2), rs.getString(3)}),
                ranks[2],
                ranks[0],
                ranks[1],
                ranks[2]);
        List<Cut> cuts = new ArrayList<>();
        for (int i = 0; i < grades.length; i++) {
            Object[] m = at.get(ranks[i]);
            cuts.add(new Cut(grades[i], ranks[i], (BigDecimal) m[0], (String) m[1]));
        }
        return new Ranking(spend, n, cuts);
    }

    /** ceil(share x n), exactly (the ranking's {@code ceil(n * share)} in numeric), at most n. */
    static long lastRank(long n, BigDecimal share) {
        return Math.min(
                n,
                BigDecimal.valueOf(n)
                        .multiply(share)
                        .setScale(0, RoundingMode.CEILING)
                        .longValueExact());
    }

    /**
     * Stores the ranking's grades (those not ranked are GENERAL) where they differ from the stored
     * ones: (member_id, previous grade, grade, net spend) of each member changed. The comparison
     * (every member) runs before the write lock; the update touches only the changed rows.
     */
    public List<Object[]> storeGrades(Connection c, LocalDate asOf, Ranking ranking) throws SQLException {
        Sql.update(
                c,
                "CREATE TEMP TABLE grade_changes ON COMMIT DROP AS "
                        + "SELECT d2.member_id, d2.grade AS previous, coalesce(g.grade, 'GENERAL') AS grade, coalesce(g.s, 0) AS s "
                        + "FROM member_dim d2 LEFT JOIN (" + ranking.graded()
                        + ") g USING (member_id) WHERE d2.status <> 'LEFT' "
                        + "AND d2.grade <> coalesce(g.grade, 'GENERAL')",
                ranking.gradedParameters());
        lockMemberDimWrites(c);
        return Sql.list(
                c,
                "UPDATE member_dim d SET grade = x.grade, grade_as_of = ? FROM grade_changes x "
                        + "WHERE d.member_id = x.member_id RETURNING x.member_id, x.previous, x.grade, x.s",
                rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4)},
                asOf);
    }

    // ---------------------------------------------------------------- segments

    /** Each member's strategic segment as of the date (see docs/analytics.md), as a query over every member-day. */
    public String segmentsAsOf(LocalDate asOf) {
        return segments(
                asOf,
                "SELECT DISTINCT ON (member_id) member_id, first, day AS last, prev FROM (SELECT member_id, day, "
                        + "lag(day) OVER (PARTITION BY member_id ORDER BY day) AS prev, min(day) OVER (PARTITION BY member_id) AS first "
                        + "FROM member_day WHERE day <= DATE '" + asOf + "') w ORDER BY member_id, day DESC");
    }

    /**
     * The same segments from the per-member summary (first, last and second-to-last purchase
     * days): one row per member instead of every member-day. Valid when no purchase day is after
     * the date.
     */
    String segmentsFromSummary(LocalDate asOf) {
        return segments(
                asOf,
                "SELECT member_id, first_day AS first, last_day AS last, prev_day AS prev FROM member_features "
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
                // a member by then: joined, or already buying (history a partner brought with its customers predates
                // the join)
                + "WHERE d.status <> 'LEFT' AND (f.member_id IS NOT NULL OR d.joined_at < (" + day
                + " + 1)::timestamp AT TIME ZONE '"
                + config.zone() + "')";
    }

    /** Each member's segment as of the date into the temporary table segment_now (member_id, segment). */
    public void segmentMembers(Connection c, LocalDate asOf, boolean fromSummary) throws SQLException {
        Sql.update(
                c,
                "CREATE TEMP TABLE segment_now ON COMMIT DROP AS "
                        + (fromSummary ? segmentsFromSummary(asOf) : segmentsAsOf(asOf)));
    }

    /** Per segment in segment_now: (segment, members). */
    public List<Object[]> segmentCounts(Connection c) throws SQLException {
        return Sql.list(c, "SELECT segment, count(*) FROM segment_now GROUP BY segment", rs ->
                new Object[] {rs.getString(1), rs.getLong(2)});
    }

    /**
     * Stores segment_now's segments where they differ: (member_id, previous segment or null,
     * segment) of each member changed. Compared before the write lock, as grades are.
     */
    public List<Object[]> storeSegments(Connection c, LocalDate asOf) throws SQLException {
        Sql.update(
                c,
                "CREATE TEMP TABLE segment_changes ON COMMIT DROP AS "
                        + "SELECT d2.member_id, d2.segment AS previous, s.segment FROM member_dim d2 JOIN segment_now s USING (member_id) "
                        + "WHERE d2.segment IS DISTINCT FROM s.segment");
        lockMemberDimWrites(c);
        return Sql.list(
                c,
                "UPDATE member_dim d SET segment = x.segment, segment_as_of = ? FROM segment_changes x "
                        + "WHERE d.member_id = x.member_id RETURNING x.member_id, x.previous, x.segment",
                rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3)},
                asOf);
    }

    // ---------------------------------------------------------------- churn

    /**
     * Each purchasing member's BG/NBD summary as of the date (x = purchase days - 1, t_x and T in
     * whole weeks), grouped by (x, t_x, T) into the temporary table churn_keys (x, tx_w, t_w,
     * customers, sampled: those of them in the fit's sample, one member in {@code buckets} by a hash
     * of the id); answers how many customers there are. From the per-member summary directly (one
     * row per key is all a fit needs), or from every member-day, first into the temporary table
     * churn_summary (member_id, x, tx_w, t_w): {@link #replaceChurnScores} then pins the members whose
     * summary says otherwise.
     */
    public long summarizeForChurn(Connection c, LocalDate asOf, boolean fromSummary) throws SQLException {
        String summary;
        if (fromSummary) {
            summary = "SELECT member_id, (purchase_days - 1)::int AS x, ((last_day - first_day) / 7)::int AS tx_w, "
                    + "((DATE '" + asOf
                    + "' - first_day) / 7)::int AS t_w FROM member_features WHERE first_day IS NOT NULL";
        } else {
            // the same column types either way: the statements reading the temporary tables are prepared once
            Sql.update(
                    c,
                    "CREATE TEMP TABLE churn_summary ON COMMIT DROP AS SELECT member_id, (count(*) - 1)::int AS x, "
                            + "((max(day) - min(day)) / 7)::int AS tx_w, ((DATE '" + asOf
                            + "' - min(day)) / 7)::int AS t_w "
                            + "FROM member_day WHERE day <= DATE '" + asOf + "' GROUP BY member_id");
            summary = "SELECT member_id, x, tx_w, t_w FROM churn_summary";
        }
        long customers = Sql.scalarLong(c, "SELECT count(*) FROM (" + summary + ") s");
        long buckets = Math.max(1, (customers + FIT_SAMPLE - 1) / FIT_SAMPLE);
        Sql.update(
                c,
                "CREATE TEMP TABLE churn_keys ON COMMIT DROP AS SELECT x, tx_w, t_w, count(*) AS customers, "
                        + "count(*) FILTER (WHERE abs(hashtext(member_id)::bigint) % ? = 0) AS sampled FROM (" + summary
                        + ") s GROUP BY 1, 2, 3",
                buckets);
        return customers;
    }

    /** At most this many customers are fitted (a deterministic sample by member id); every customer is scored. */
    public static final long FIT_SAMPLE = 20_000;

    /** The fit's sample from churn_keys, grouped by (x, t_x, T) (every customer when the sample is empty). */
    public List<BgNbd.Group> churnGroups(Connection c) throws SQLException {
        List<BgNbd.Group> sampled = Sql.list(
                c,
                "SELECT x, tx_w, t_w, sampled FROM churn_keys WHERE sampled > 0 ORDER BY 1, 2, 3",
                rs -> new BgNbd.Group(new BgNbd.Customer(rs.getInt(1), rs.getInt(2), rs.getInt(3)), rs.getLong(4)));
        if (!sampled.isEmpty()) {
            return sampled;
        }
        return Sql.list(
                c,
                "SELECT x, tx_w, t_w, customers FROM churn_keys ORDER BY 1, 2, 3",
                rs -> new BgNbd.Group(new BgNbd.Customer(rs.getInt(1), rs.getInt(2), rs.getInt(3)), rs.getLong(4)));
    }

    /** The distinct (x, t_x, T) of the customers, each as {x, t_x, T}. */
    public List<int[]> churnSummaries(Connection c) throws SQLException {
        return Sql.list(
                c, "SELECT x, tx_w, t_w FROM churn_keys", rs -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)});
    }

    /** The scores of one (x, t_x, T), t_x and T in whole weeks. */
    public record SummaryScore(int x, int txWeeks, int tWeeks, double pAlive, double expected90d) {}

    /** The scores per (x, t_x, T) into the temporary table churn_by_summary, in batches. */
    public void scoreSummaries(Connection c, List<SummaryScore> scores) throws SQLException {
        Sql.update(
                c,
                "CREATE TEMP TABLE churn_by_summary (x INT, tx_w INT, t_w INT, p_alive DOUBLE PRECISION, "
                        + "expected_90d DOUBLE PRECISION) ON COMMIT DROP");
        // one statement of five arrays: tens of thousands of rows in one round trip, not one execution each
        int n = scores.size();
        Integer[] x = new Integer[n];
        Integer[] tx = new Integer[n];
        Integer[] t = new Integer[n];
        Double[] pAlive = new Double[n];
        Double[] expected = new Double[n];
        for (int i = 0; i < n; i++) {
            SummaryScore score = scores.get(i);
            x[i] = score.x();
            tx[i] = score.txWeeks();
            t[i] = score.tWeeks();
            pAlive[i] = score.pAlive();
            expected[i] = score.expected90d();
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO churn_by_summary SELECT * FROM unnest(?::int[], ?::int[], ?::int[], ?::float8[], ?::float8[])")) {
            insert.setArray(1, c.createArrayOf("int4", x));
            insert.setArray(2, c.createArrayOf("int4", tx));
            insert.setArray(3, c.createArrayOf("int4", t));
            insert.setArray(4, c.createArrayOf("float8", pAlive));
            insert.setArray(5, c.createArrayOf("float8", expected));
            insert.executeUpdate();
        }
    }

    /** The fitted parameters as of the date (a refit as of the same date replaces them). */
    public void saveFit(Connection c, LocalDate asOf, BgNbd.Params params, long customers, Instant fittedAt)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO churn_fit (as_of, r, alpha, a, b, log_likelihood, customers, fitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (as_of) DO UPDATE SET r = EXCLUDED.r, alpha = EXCLUDED.alpha, a = EXCLUDED.a, b = EXCLUDED.b, "
                        + "log_likelihood = EXCLUDED.log_likelihood, customers = EXCLUDED.customers, fitted_at = EXCLUDED.fitted_at",
                asOf,
                params.r(),
                params.alpha(),
                params.a(),
                params.b(),
                params.logLikelihood(),
                customers,
                fittedAt);
    }

    /**
     * Makes churn_by_summary's scores every customer's (V6__churn_score_by_summary.sql): they
     * replace the stored scores per (x, t_x, T), the pins of the previous fit go, and, when the
     * summaries came from every member-day (churn_summary), the members whose per-member summary
     * gives another (x, t_x, T) as of the date (purchase days after it) are pinned to theirs. The
     * caller holds the window lock (no fact changes a summary until the commit). Answers how many
     * customers are scored.
     */
    public long replaceChurnScores(Connection c, LocalDate asOf, boolean fromSummary, long customers)
            throws SQLException {
        Sql.update(c, "DELETE FROM churn_score_by_summary");
        Sql.update(
                c,
                "INSERT INTO churn_score_by_summary (x, tx_w, t_w, p_alive, expected_90d) "
                        + "SELECT x, tx_w, t_w, p_alive, expected_90d FROM churn_by_summary");
        // DELETE, not TRUNCATE: no wait for a running report's lock on the table while ingestion waits on the window
        Sql.update(c, "DELETE FROM churn_score_pinned");
        if (!fromSummary) {
            Sql.update(
                    c,
                    "INSERT INTO churn_score_pinned (member_id, as_of, p_alive, expected_90d) "
                            + "SELECT f.member_id, ?, b.p_alive, b.expected_90d FROM member_features f "
                            + "LEFT JOIN churn_summary s USING (member_id) LEFT JOIN churn_by_summary b USING (x, tx_w, t_w) "
                            + "WHERE f.first_day <= ? AND (s.member_id IS NULL OR s.x <> f.purchase_days - 1 "
                            + "OR s.tx_w <> (f.last_day - f.first_day) / 7 OR s.t_w <> (? - f.first_day) / 7)",
                    asOf,
                    asOf,
                    asOf);
        }
        return customers;
    }

    // ---------------------------------------------------------------- one member

    /** A member's grade, segment and churn scores as last computed. */
    public record MemberScores(
            String memberId,
            String grade,
            LocalDate gradeAsOf,
            String segment,
            Double pAlive,
            Double expectedPurchases90d,
            LocalDate churnAsOf) {}

    public Optional<MemberScores> memberScores(Connection c, String memberId) throws SQLException {
        return Sql.one(
                c,
                "SELECT d.grade, greatest(d.grade_as_of, (SELECT as_of FROM scoring_state WHERE kind = 'grades')), d.segment, "
                        + "s.p_alive, s.expected_90d, s.as_of "
                        + "FROM member_dim d LEFT JOIN churn_score s USING (member_id) WHERE d.member_id = ?",
                rs -> new MemberScores(
                        memberId,
                        rs.getString(1),
                        rs.getObject(2, LocalDate.class),
                        rs.getString(3),
                        (Double) rs.getObject(4),
                        (Double) rs.getObject(5),
                        rs.getObject(6, LocalDate.class)),
                memberId);
    }

    // ---------------------------------------------------------------- a partner's churn risk

    /**
     * Who a partner's churn-risk list may name: its active customers who allow personalization and
     * share their data with this partner (with every partner, or this one by name). P(alive), grade
     * and segment are computed from their purchases across the network: data from beyond the partner
     * they bought from, which is what the sharing consent is for (the same rule as a joint campaign's
     * population). Unknown consent is no consent.
     */
    static final String CHURN_RISK_CONSENT = "d.personalization AND d.status = 'ACTIVE' "
            + "AND (d.share_with_all_partners OR ?::text = ANY (d.shared_partner_ids))";

    /** The partner's customers the churn-risk list may name ({@link #CHURN_RISK_CONSENT}) with a churn score. */
    public long scoredConsentingCustomers(Connection c, String partnerId) throws SQLException {
        return Sql.scalarLong(
                c,
                "SELECT count(*) FROM member_partner mp JOIN churn_score s USING (member_id) "
                        + "JOIN member_dim d USING (member_id) WHERE mp.partner_id = ? AND " + CHURN_RISK_CONSENT,
                partnerId,
                partnerId);
    }

    /**
     * Those customers, the least likely alive first, at most {@code limit}: (member_id, P(alive),
     * expected purchases in 90 days, grade, segment, last purchase at the partner as an ISO instant).
     */
    public List<Object[]> riskiestConsentingCustomers(Connection c, String partnerId, int limit) throws SQLException {
        return Sql.list(
                c,
                "SELECT mp.member_id, s.p_alive, s.expected_90d, d.grade, d.segment, mp.last_at FROM member_partner mp "
                        + "JOIN churn_score s USING (member_id) JOIN member_dim d USING (member_id) "
                        + "WHERE mp.partner_id = ? AND " + CHURN_RISK_CONSENT + " "
                        + "ORDER BY s.p_alive, s.expected_90d, mp.member_id LIMIT ?",
                rs -> new Object[] {
                    rs.getString(1),
                    rs.getDouble(2),
                    rs.getDouble(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getObject(6, OffsetDateTime.class).toInstant().toString()
                },
                partnerId,
                partnerId,
                limit);
    }
}
