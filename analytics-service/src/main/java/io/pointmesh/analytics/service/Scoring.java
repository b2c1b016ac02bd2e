package io.pointmesh.analytics.service;

import io.pointmesh.analytics.BgNbd;
import io.pointmesh.analytics.config.AnalyticsConfig;
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
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    public record GradeRun(LocalDate asOf, long ranked, long changed, Map<String, Long> counts, Map<String, BigDecimal> thresholds) {
    }

    public record SegmentRun(LocalDate asOf, long members, long changed, Map<String, Long> counts) {
    }

    public record ChurnRun(LocalDate asOf, BgNbd.Params params, long customers, long scored) {
    }

    /**
     * Members with a purchase in the 12 months up to {@code asOf} ({@code ?1} exclusive start, {@code ?2}
     * inclusive end), ranked by net spend (descending, ties by member id): rank <= ceil(5 % of N)
     * VVIP, <= ceil(20 %) VIP, <= ceil(40 %) LOYAL, the rest GENERAL. Members who left are not ranked.
     */
    static final String GRADES = "WITH spend AS (SELECT member_id, sum(net_spend) AS s FROM member_day md WHERE day > ?1 AND day <= ?2 "
            + "AND NOT EXISTS (SELECT 1 FROM member_dim d WHERE d.member_id = md.member_id AND d.status = 'LEFT') GROUP BY member_id), "
            + "ranked AS (SELECT member_id, s, row_number() OVER (ORDER BY s DESC, member_id) AS rk, count(*) OVER () AS n FROM spend) "
            + "SELECT member_id, s, CASE WHEN rk <= ceil(n * 0.05) THEN 'VVIP' WHEN rk <= ceil(n * 0.20) THEN 'VIP' "
            + "WHEN rk <= ceil(n * 0.40) THEN 'LOYAL' ELSE 'GENERAL' END AS grade FROM ranked";

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

    /** The grade of every ranked member as of the date, without storing anything (reports use it for past dates). */
    public static String gradesAsOf(LocalDate asOf) {
        return GRADES.replace("?1", "DATE '" + asOf.minusMonths(12) + "'").replace("?2", "DATE '" + asOf + "'");
    }

    /** One recomputation at a time across replicas (and the job against an operator's request). */
    static final String ONE_AT_A_TIME = "SELECT pg_advisory_xact_lock(7460723155)";

    public GradeRun regrade(LocalDate asOf) {
        return transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            Sql.update(c, "CREATE TEMP TABLE grade_now ON COMMIT DROP AS " + gradesAsOf(asOf));
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
            // members whose stored grade differs (those not ranked are GENERAL), unless a later computation stands
            List<Object[]> changes = Sql.list(c, "UPDATE member_dim d SET grade = x.grade, grade_as_of = ? FROM ("
                            + "SELECT d2.member_id, d2.grade AS previous, coalesce(g.grade, 'GENERAL') AS grade, coalesce(g.s, 0) AS s "
                            + "FROM member_dim d2 LEFT JOIN grade_now g USING (member_id) WHERE d2.status <> 'LEFT' "
                            + "AND (d2.grade_as_of IS NULL OR d2.grade_as_of <= ?) AND d2.grade <> coalesce(g.grade, 'GENERAL')) x "
                            + "WHERE d.member_id = x.member_id RETURNING x.member_id, x.previous, x.grade, x.s",
                    rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4)}, asOf, asOf);
            Sql.update(c, "UPDATE member_dim SET grade_as_of = ? WHERE status <> 'LEFT' AND (grade_as_of IS NULL OR grade_as_of < ?)",
                    asOf, asOf);
            outbox.publishAll(c, changes.stream().map(ch -> new GradeChanged((String) ch[0], Grade.valueOf((String) ch[1]),
                    Grade.valueOf((String) ch[2]), asOf, (BigDecimal) ch[3])).toList());
            if (!thresholds.isEmpty()) {
                outbox.publish(c, new GradeThresholdsPublished(asOf, thresholds));
            }
            return new GradeRun(asOf, ranked, changes.size(), counts, thresholds);
        });
    }

    /** Each member's strategic segment as of the date (see docs/analytics.md), as a query. */
    public String segmentsAsOf(LocalDate asOf) {
        AnalyticsConfig.Segments s = config.segments();
        return "WITH w AS (SELECT member_id, day, lag(day) OVER (PARTITION BY member_id ORDER BY day) AS prev, "
                + "min(day) OVER (PARTITION BY member_id) AS first FROM member_day WHERE day <= DATE '" + asOf + "'), "
                + "f AS (SELECT DISTINCT ON (member_id) member_id, first, day AS last, prev FROM w ORDER BY member_id, day DESC) "
                + "SELECT d.member_id, CASE "
                + "WHEN f.member_id IS NULL THEN 'PROSPECTIVE' "
                + "WHEN f.last <= DATE '" + asOf + "' - " + s.churnDays() + " THEN 'CHURNED' "
                + "WHEN f.last <= DATE '" + asOf + "' - " + s.activeDays() + " THEN 'DORMANT' "
                + "WHEN f.first > DATE '" + asOf + "' - " + s.newDays() + " THEN 'NEW' "
                + "WHEN f.prev IS NOT NULL AND f.last - f.prev >= " + s.reactivationGapDays() + " THEN 'REACTIVATED' "
                + "ELSE 'ACTIVE' END AS segment "
                + "FROM member_dim d LEFT JOIN f USING (member_id) "
                // a member by then: joined, or already buying (history a partner brought with its customers predates the join)
                + "WHERE d.status <> 'LEFT' AND (f.member_id IS NOT NULL OR d.joined_at < (DATE '" + asOf + "' + 1)::timestamp AT TIME ZONE '"
                + config.zone() + "')";
    }

    public SegmentRun resegment(LocalDate asOf) {
        return transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            Sql.update(c, "CREATE TEMP TABLE segment_now ON COMMIT DROP AS " + segmentsAsOf(asOf));
            Map<String, Long> counts = new TreeMap<>();
            for (Object[] r : Sql.list(c, "SELECT segment, count(*) FROM segment_now GROUP BY segment",
                    rs -> new Object[]{rs.getString(1), rs.getLong(2)})) {
                counts.put((String) r[0], (Long) r[1]);
            }
            List<Object[]> changes = Sql.list(c, "UPDATE member_dim d SET segment = x.segment, segment_as_of = ? FROM ("
                            + "SELECT d2.member_id, d2.segment AS previous, s.segment FROM member_dim d2 JOIN segment_now s USING (member_id) "
                            + "WHERE (d2.segment_as_of IS NULL OR d2.segment_as_of <= ?) AND d2.segment IS DISTINCT FROM s.segment) x "
                            + "WHERE d.member_id = x.member_id RETURNING x.member_id, x.previous, x.segment",
                    rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getString(3)}, asOf, asOf);
            // every member computed now carries this date, changed or not, so an older computation cannot win later
            Sql.update(c, "UPDATE member_dim d SET segment_as_of = ? FROM segment_now s WHERE d.member_id = s.member_id "
                    + "AND (d.segment_as_of IS NULL OR d.segment_as_of < ?)", asOf, asOf);
            outbox.publishAll(c, changes.stream().map(ch -> new SegmentChanged((String) ch[0], ch[1] == null ? null
                    : Segment.valueOf((String) ch[1]), Segment.valueOf((String) ch[2]), asOf)).toList());
            return new SegmentRun(asOf, counts.values().stream().mapToLong(Long::longValue).sum(), changes.size(), counts);
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
        return transactions.run(c -> {
            Sql.one(c, ONE_AT_A_TIME, rs -> null);
            String summary = "SELECT member_id, count(*) - 1 AS x, (max(day) - min(day)) / 7 AS tx_w, (DATE '" + asOf + "' - min(day)) / 7 AS t_w "
                    + "FROM member_day WHERE day <= DATE '" + asOf + "' GROUP BY member_id";
            Sql.update(c, "CREATE TEMP TABLE churn_summary ON COMMIT DROP AS " + summary);
            long customers = Sql.scalarLong(c, "SELECT count(*) FROM churn_summary");
            if (customers == 0) {
                return new ChurnRun(asOf, null, 0, 0);
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
            long scored = Sql.update(c, "INSERT INTO churn_score (member_id, as_of, p_alive, expected_90d) "
                    + "SELECT s.member_id, ?, b.p_alive, b.expected_90d FROM churn_summary s JOIN churn_by_summary b USING (x, tx_w, t_w) "
                    + "ON CONFLICT (member_id) DO UPDATE SET as_of = EXCLUDED.as_of, p_alive = EXCLUDED.p_alive, "
                    + "expected_90d = EXCLUDED.expected_90d WHERE churn_score.as_of <= EXCLUDED.as_of", asOf);
            return new ChurnRun(asOf, params, customers, scored);
        });
    }
}
