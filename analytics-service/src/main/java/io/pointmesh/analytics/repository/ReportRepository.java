package io.pointmesh.analytics.repository;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The figures of the members, transactions and stores reports (docs/analytics.md; the rewards
 * report's are {@link RewardRepository}'s), over the
 * purchases of a {@link Scope}. The members report works on temporary tables of the caller's
 * transaction: customers (the scope's purchasing members), scores_at, rfm, cohort. Rows are
 * answered as the columns each method names; grouped counts as (label, members).
 */
@ApplicationScoped
public class ReportRepository {

    /** Where and when: a partner (or null for the network), purchases in [from, to), scores as of asOf. */
    public record Scope(String partnerId, Instant from, Instant to, LocalDate asOf) {
        String purchases(String alias) {
            return alias + ".occurred_at >= ? AND " + alias + ".occurred_at < ?"
                    + (partnerId == null ? "" : " AND " + alias + ".partner_id = ?");
        }

        Object[] params(Object... before) {
            List<Object> out = new ArrayList<>(List.of(before));
            out.add(from);
            out.add(to);
            if (partnerId != null) {
                out.add(partnerId);
            }
            return out.toArray();
        }
    }

    /** Customers who allow personalization (and have not left): the only ones demographics count. */
    private static final String CONSENTING =
            "FROM customers x JOIN member_dim d USING (member_id) WHERE d.personalization AND d.status <> 'LEFT'";

    @Inject
    AnalyticsConfig config;

    @Inject
    ScoringRepository scoring;

    /** The first and last day the partner has purchases on, if any. */
    public Optional<LocalDate[]> purchaseDays(Connection c, String partnerId) throws SQLException {
        // the days of the first and last purchase times: two probes of the (partner, time) index, where min(day) and
        // max(day) read every one of the partner's purchases (a purchase's day is its time's day in the zone)
        String zone = config.zone().getId();
        return Sql.one(
                c,
                "SELECT ((SELECT min(occurred_at) FROM purchase_fact WHERE partner_id = ?) AT TIME ZONE ?)::date, "
                        + "((SELECT max(occurred_at) FROM purchase_fact WHERE partner_id = ?) AT TIME ZONE ?)::date",
                rs -> rs.getObject(1) == null
                        ? null
                        : new LocalDate[] {rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class)},
                partnerId,
                zone,
                partnerId,
                zone);
    }

    /** Partners with a purchase at or after the time (one probe of the (partner, time) index each), by id. */
    public List<String> partnersWithPurchasesSince(Connection c, Instant since) throws SQLException {
        return Sql.list(
                c,
                // every partner id in the facts by a skip scan of the index (one probe per partner, not a scan of the
                // table)
                "WITH RECURSIVE p AS (SELECT min(partner_id) AS id FROM purchase_fact UNION ALL "
                        + "SELECT (SELECT min(partner_id) FROM purchase_fact WHERE partner_id > p.id) FROM p WHERE p.id IS NOT NULL) "
                        + "SELECT id FROM p WHERE id IS NOT NULL AND EXISTS (SELECT 1 FROM purchase_fact f WHERE f.partner_id = p.id "
                        + "AND f.occurred_at >= ?) ORDER BY id",
                rs -> rs.getString(1),
                since);
    }

    /**
     * The set of customers the scope covers, with each one's personalization consent, status and
     * demographics, as a hash: the key of a partner's noise. With the set alone, a customer who
     * withdrew the consent (or left, or moved to another region) changed the demographic counts under
     * the same noise, so two answers subtracted told that customer's gender, age and region (or the
     * move) exactly; now any such change draws fresh noise.
     */
    public String customersFingerprint(Connection c, Scope s) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT md5(coalesce(string_agg(x.member_id || ':' || coalesce(d.personalization::text, '-') || ':' "
                                + "|| coalesce(d.status, '-') || ':' || coalesce(d.birth_year::text, '-') || ':' "
                                + "|| coalesce(d.gender, '-') || ':' || coalesce(d.region, '-'), ',' ORDER BY x.member_id), '')) "
                                + "FROM (SELECT DISTINCT p.member_id "
                                + "FROM purchase_fact p WHERE " + s.purchases("p")
                                + ") x LEFT JOIN member_dim d USING (member_id)",
                        rs -> rs.getString(1),
                        s.params())
                .orElse("");
    }

    // ---------------------------------------------------------------- members

    /** The scope's customers (member_id, purchases, spend, last_at) into the temporary table customers; answers how many. */
    public long collectCustomers(Connection c, Scope s) throws SQLException {
        Sql.update(
                c,
                "CREATE TEMP TABLE customers ON COMMIT DROP AS SELECT p.member_id, count(*) AS purchases, sum(p.amount - p.refunded) AS spend, "
                        + "max(p.occurred_at) AS last_at FROM purchase_fact p WHERE " + s.purchases("p")
                        + " GROUP BY p.member_id",
                s.params());
        return Sql.scalarLong(c, "SELECT count(*) FROM customers");
    }

    /** Customers whose last purchase in the scope is at or after the time. */
    public long customersActiveSince(Connection c, Instant since) throws SQLException {
        return Sql.scalarLong(c, "SELECT count(*) FROM customers WHERE last_at >= ?", since);
    }

    /** Consenting customers by gender ('unknown' where not given). */
    public List<Object[]> consentingByGender(Connection c) throws SQLException {
        return counts(c, "SELECT coalesce(d.gender, 'unknown'), count(*) " + CONSENTING + " GROUP BY 1 ORDER BY 1");
    }

    /** Consenting customers by age in the year (decades: '30s'; 'unknown' where not given). */
    public List<Object[]> consentingByAge(Connection c, int year) throws SQLException {
        return counts(
                c,
                "SELECT CASE WHEN d.birth_year IS NULL THEN 'unknown' ELSE ((" + year
                        + " - d.birth_year) / 10 * 10)::text || 's' END, count(*) " + CONSENTING
                        + " GROUP BY 1 ORDER BY 1");
    }

    /** Consenting customers by region ('unknown' where not given). */
    public List<Object[]> consentingByRegion(Connection c) throws SQLException {
        return counts(c, "SELECT coalesce(d.region, 'unknown'), count(*) " + CONSENTING + " GROUP BY 1 ORDER BY 1");
    }

    /** Whether the stored grades and segments are both as of the date or earlier. */
    public boolean scoresStoredBy(Connection c, LocalDate asOf) throws SQLException {
        return Sql.scalarLong(
                        c,
                        "SELECT count(*) FROM scoring_state WHERE kind IN ('grades', 'segments') AND as_of <= ?",
                        asOf)
                == 2;
    }

    /**
     * Each customer's grade and segment into the temporary table scores_at (member_id, grade,
     * segment): as stored, or computed as of the date (grades with the configured cut-offs).
     */
    public void collectScores(Connection c, LocalDate asOf, boolean stored) throws SQLException {
        if (stored) {
            Sql.update(
                    c,
                    "CREATE TEMP TABLE scores_at ON COMMIT DROP AS "
                            + "SELECT x.member_id, d.grade, d.segment FROM customers x LEFT JOIN member_dim d USING (member_id)");
        } else {
            Sql.update(
                    c,
                    "CREATE TEMP TABLE scores_at ON COMMIT DROP AS "
                            + "SELECT x.member_id, g.grade, sg.segment FROM customers x LEFT JOIN ("
                            + ScoringRepository.gradesAsOf(asOf) + ") g USING (member_id) "
                            + "LEFT JOIN (" + scoring.segmentsAsOf(asOf) + ") sg USING (member_id)",
                    scoring.gradeShares());
        }
    }

    /** What every stored computation is as of ('grades=2026-01-31,segments=...'), or ''. */
    public String scoringDates(Connection c) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT coalesce(string_agg(kind || '=' || as_of, ',' ORDER BY kind), '') FROM scoring_state",
                        rs -> rs.getString(1))
                .orElse("");
    }

    /** Customers by grade (GENERAL where none). */
    public List<Object[]> customersByGrade(Connection c) throws SQLException {
        return counts(c, "SELECT coalesce(grade, 'GENERAL'), count(*) FROM scores_at GROUP BY 1 ORDER BY 1");
    }

    /** Customers by segment (UNKNOWN where none). */
    public List<Object[]> customersBySegment(Connection c) throws SQLException {
        return counts(c, "SELECT coalesce(segment, 'UNKNOWN'), count(*) FROM scores_at GROUP BY 1 ORDER BY 1");
    }

    /** Customers by their segment on one date against another ('DORMANT>ACTIVE'; NONE: not yet a member). */
    public List<Object[]> segmentFlows(Connection c, LocalDate before, LocalDate asOf) throws SQLException {
        // as of asOf from the per-member summary (one row per member) when no purchase day is after it, as the
        // scoring does; the day before the window is in the past: from the member-days
        boolean summary = scoring.lastPurchaseDay(c).map(d -> !d.isAfter(asOf)).orElse(true);
        return counts(
                c,
                "SELECT coalesce(b.segment, 'NONE') || '>' || coalesce(a.segment, 'NONE'), count(*) FROM customers x "
                        + "LEFT JOIN (" + scoring.segmentsAsOf(before) + ") b USING (member_id) LEFT JOIN ("
                        + (summary ? scoring.segmentsFromSummary(asOf) : scoring.segmentsAsOf(asOf))
                        + ") a USING (member_id) GROUP BY 1 ORDER BY 1");
    }

    public long churnedCustomers(Connection c) throws SQLException {
        return Sql.scalarLong(c, "SELECT count(*) FROM scores_at WHERE segment = 'CHURNED'");
    }

    /** Customers not churned whose P(alive) is under 0.5. */
    public long atRiskCustomers(Connection c) throws SQLException {
        return Sql.scalarLong(
                c,
                "SELECT count(*) FROM scores_at x JOIN churn_score s USING (member_id) "
                        + "WHERE s.p_alive < 0.5 AND x.segment IS DISTINCT FROM 'CHURNED'");
    }

    /**
     * Each customer's RFM quintiles (r, f, m) into the temporary table rfm, recency inverted (the
     * most recent get 5), ties by member id.
     */
    public void scoreRfm(Connection c) throws SQLException {
        Sql.update(
                c,
                "CREATE TEMP TABLE rfm ON COMMIT DROP AS SELECT member_id, ntile(5) OVER (ORDER BY last_at, member_id) AS r, "
                        + "ntile(5) OVER (ORDER BY purchases, member_id) AS f, ntile(5) OVER (ORDER BY spend, member_id) AS m FROM customers");
    }

    /** Customers per quintile of one score ("r", "f" or "m"): (quintile, members). */
    public List<Object[]> rfmQuintiles(Connection c, String score) throws SQLException {
        if (!List.of("r", "f", "m").contains(score)) {
            throw new IllegalArgumentException("an RFM score is r, f or m, not " + score);
        }
        return Sql.list(c, "SELECT " + score + ", count(*) FROM rfm GROUP BY 1 ORDER BY 1", rs ->
                new Object[] {rs.getInt(1), rs.getLong(2)});
    }

    /** Customers per (r, f): (r, f, members). */
    public List<Object[]> rfmRecencyByFrequency(Connection c) throws SQLException {
        return Sql.list(c, "SELECT r, f, count(*) FROM rfm GROUP BY 1, 2 ORDER BY 1, 2", rs ->
                new Object[] {rs.getInt(1), rs.getInt(2), rs.getLong(3)});
    }

    /** The 20 commonest RFM codes (r x 100 + f x 10 + m): (code, members). */
    public List<Object[]> topRfmCodes(Connection c) throws SQLException {
        return Sql.list(
                c, "SELECT r * 100 + f * 10 + m, count(*) FROM rfm GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20", rs ->
                        new Object[] {rs.getInt(1), rs.getLong(2)});
    }

    /** Days between a customer's consecutive purchases in the scope, in buckets: (bucket, intervals, members). */
    public List<Object[]> purchaseCycle(Connection c, Scope s) throws SQLException {
        return Sql.list(
                c,
                "WITH g AS (SELECT p.member_id, p.day - lag(p.day) OVER (PARTITION BY p.member_id ORDER BY p.occurred_at) AS gap "
                        + "FROM purchase_fact p WHERE " + s.purchases("p")
                        + ") SELECT CASE WHEN gap <= 7 THEN '0-7' WHEN gap <= 14 THEN '8-14' "
                        + "WHEN gap <= 30 THEN '15-30' WHEN gap <= 60 THEN '31-60' WHEN gap <= 90 THEN '61-90' WHEN gap <= 180 THEN '91-180' "
                        + "ELSE '181+' END, min(gap), count(*), count(DISTINCT member_id) FROM g WHERE gap IS NOT NULL GROUP BY 1 ORDER BY 2",
                rs -> new Object[] {rs.getString(1), rs.getLong(3), rs.getLong(4)},
                s.params());
    }

    /**
     * The network's monthly cohorts as of the date, up to 24 months: every member (not left) by
     * member-since month (joining, or the first purchase if earlier), into the temporary table
     * cohort; answers per cohort and month: (cohort 'YYYY-MM', months since, members, members with
     * a purchase that month, points earned minus redeemed by the month's end).
     */
    public List<Object[]> networkVintage(Connection c, LocalDate asOfDate) throws SQLException {
        String zone = config.zone().getId();
        String population = "member_dim d";
        String asOf = "DATE '" + asOfDate + "'";
        // member since: joining, or the first purchase if earlier (imported history predates the join)
        String since = "(least(d.joined_at, f.first_purchase_at) AT TIME ZONE '" + zone + "')";
        Sql.update(
                c,
                "CREATE TEMP TABLE cohort ON COMMIT DROP AS SELECT d.member_id, date_trunc('month', " + since
                        + ")::date AS cohort FROM " + population
                        + " LEFT JOIN member_features f USING (member_id) WHERE d.status <> 'LEFT' AND "
                        + since + "::date <= " + asOf);
        // a temporary table has no statistics until analyzed: without them the plan below took 1.2 s at 2,000 members
        Sql.update(c, "ANALYZE cohort");
        // one pass each over the member-days and the points (per cohort and month), then the grid: not a scan per cell
        // (pts is materialized: the running total per cell reads the small per-cohort table, not the facts again)
        return Sql.list(
                c,
                "WITH sizes AS (SELECT cohort, count(*) AS n FROM cohort GROUP BY cohort), "
                        + "grid AS (SELECT z.cohort, z.n, k, (z.cohort + make_interval(months => k))::date AS month FROM sizes z, "
                        + "generate_series(0, 23) AS k WHERE (z.cohort + make_interval(months => k))::date <= " + asOf
                        + "), "
                        + "act AS (SELECT h.cohort, m.month, count(*) AS n FROM (SELECT DISTINCT md.member_id, "
                        + "date_trunc('month', md.day)::date AS month FROM member_day md WHERE md.day <= " + asOf
                        + ") m JOIN cohort h USING (member_id) GROUP BY 1, 2), "
                        + "pts AS MATERIALIZED (SELECT h.cohort, x.month, sum(x.p) AS p FROM ("
                        + "SELECT member_id, date_trunc('month', day)::date AS month, points AS p FROM purchase_fact "
                        + "WHERE day <= " + asOf
                        + " UNION ALL SELECT member_id, date_trunc('month', captured_at AT TIME ZONE '"
                        + zone
                        + "')::date, -(points - reversed_points) FROM redemption_fact "
                        + "WHERE (captured_at AT TIME ZONE '" + zone + "')::date <= " + asOf
                        + ") x JOIN cohort h USING (member_id) GROUP BY 1, 2) "
                        + "SELECT to_char(g.cohort, 'YYYY-MM'), g.k, g.n, coalesce(a.n, 0), "
                        + "(SELECT coalesce(sum(p.p), 0) FROM pts p WHERE p.cohort = g.cohort AND p.month <= g.month) "
                        + "FROM grid g LEFT JOIN act a ON a.cohort = g.cohort AND a.month = g.month ORDER BY 1, 2",
                rs -> new Object[] {rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5)});
    }

    /**
     * A partner's monthly cohorts as of the scope's date, up to 24 months: the customers by the
     * month of their first purchase at the partner, into the temporary table cohort; answers per
     * cohort and month: (cohort 'YYYY-MM', months since, members, members who bought at the
     * partner that month).
     */
    public List<Object[]> partnerVintage(Connection c, Scope s) throws SQLException {
        String zone = config.zone().getId();
        String asOf = "DATE '" + s.asOf() + "'";
        String first = "(mp.first_at AT TIME ZONE '" + zone + "')";
        Sql.update(
                c,
                "CREATE TEMP TABLE cohort ON COMMIT DROP AS SELECT x.member_id, date_trunc('month', " + first
                        + ")::date AS cohort "
                        + "FROM customers x JOIN member_partner mp ON mp.member_id = x.member_id AND mp.partner_id = ? "
                        + "LEFT JOIN member_dim d ON d.member_id = x.member_id WHERE d.status IS DISTINCT FROM 'LEFT' AND "
                        + first + "::date <= " + asOf,
                s.partnerId());
        Sql.update(c, "ANALYZE cohort");
        return Sql.list(
                c,
                "WITH sizes AS (SELECT cohort, count(*) AS n FROM cohort GROUP BY cohort), "
                        + "grid AS (SELECT z.cohort, z.n, k, (z.cohort + make_interval(months => k))::date AS month FROM sizes z, "
                        + "generate_series(0, 23) AS k WHERE (z.cohort + make_interval(months => k))::date <= " + asOf
                        + "), "
                        + "act AS (SELECT cohort, month, count(*) AS n FROM (SELECT DISTINCT p.member_id, h.cohort, "
                        + "date_trunc('month', p.day)::date AS month FROM purchase_fact p "
                        + "JOIN cohort h USING (member_id) WHERE p.partner_id = ? AND p.day <= " + asOf
                        + ") m GROUP BY 1, 2) "
                        + "SELECT to_char(g.cohort, 'YYYY-MM'), g.k, g.n, coalesce(a.n, 0) "
                        + "FROM grid g LEFT JOIN act a ON a.cohort = g.cohort AND a.month = g.month ORDER BY 1, 2",
                rs -> new Object[] {rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)},
                s.partnerId());
    }

    // ---------------------------------------------------------------- transactions

    /** Sales per day, week or month ({@code unit}): (period start 'YYYY-MM-DD', net sales, purchases, customers). */
    public List<Object[]> sales(Connection c, Scope s, String unit) throws SQLException {
        if (!List.of("day", "week", "month").contains(unit)) {
            throw new IllegalArgumentException("sales are by day, week or month, not " + unit);
        }
        return Sql.list(
                c,
                "SELECT to_char(date_trunc('" + unit
                        + "', p.day), 'YYYY-MM-DD'), sum(p.amount - p.refunded), count(*), "
                        + "count(DISTINCT p.member_id) FROM purchase_fact p WHERE " + s.purchases("p")
                        + " GROUP BY 1 ORDER BY 1",
                rs -> new Object[] {rs.getString(1), rs.getBigDecimal(2), rs.getLong(3), rs.getLong(4)},
                s.params());
    }

    /** Per month: (month 'YYYY-MM', the previous month's customers, how many of them bought again this month). */
    public List<Object[]> retention(Connection c, Scope s) throws SQLException {
        return Sql.list(
                c,
                "WITH m AS (SELECT DISTINCT p.member_id, date_trunc('month', p.day)::date AS month FROM purchase_fact p WHERE "
                        + s.purchases("p") + ") SELECT to_char(cur.month, 'YYYY-MM'), count(DISTINCT prev.member_id), "
                        + "count(DISTINCT prev.member_id) FILTER (WHERE again.member_id IS NOT NULL) FROM (SELECT DISTINCT month FROM m) cur "
                        + "JOIN m prev ON prev.month = (cur.month - interval '1 month')::date "
                        + "LEFT JOIN m again ON again.member_id = prev.member_id AND again.month = cur.month GROUP BY cur.month ORDER BY cur.month",
                rs -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3)},
                s.params());
    }

    /**
     * Per other partner with customers in the window (the scope is a partner's): (partner id, its
     * name, customers shared with the scope's partner, its customers, the scope partner's customers,
     * every purchasing member), the most shared first.
     */
    public List<Object[]> crossPartner(Connection c, Scope s) throws SQLException {
        return Sql.list(
                c,
                "WITH mine AS (SELECT DISTINCT p.member_id FROM purchase_fact p WHERE " + s.purchases("p") + "), "
                        + "other AS (SELECT DISTINCT q.member_id, q.partner_id FROM purchase_fact q WHERE q.occurred_at >= ? AND q.occurred_at < ? "
                        + "AND q.partner_id <> ?), everyone AS (SELECT count(DISTINCT member_id) AS n FROM purchase_fact WHERE occurred_at >= ? "
                        + "AND occurred_at < ?) SELECT o.partner_id, coalesce(pd.legal_name, o.partner_id), count(*) FILTER (WHERE mi.member_id IS NOT NULL), "
                        + "count(*), (SELECT count(*) FROM mine), (SELECT n FROM everyone) FROM other o LEFT JOIN mine mi USING (member_id) "
                        + "LEFT JOIN partner_dim pd ON pd.partner_id = o.partner_id GROUP BY o.partner_id, pd.legal_name ORDER BY 3 DESC, 1",
                rs -> new Object[] {
                    rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)
                },
                s.from(),
                s.to(),
                s.partnerId(),
                s.from(),
                s.to(),
                s.partnerId(),
                s.from(),
                s.to());
    }

    /** Per ISO day of week (1 = Monday) and hour, in the analytics zone: (day, hour, purchases, customers). */
    public List<Object[]> dayHour(Connection c, Scope s) throws SQLException {
        return Sql.list(
                c,
                "SELECT extract(isodow FROM p.occurred_at AT TIME ZONE '" + config.zone() + "')::int, "
                        + "extract(hour FROM p.occurred_at AT TIME ZONE '" + config.zone()
                        + "')::int, count(*), count(DISTINCT p.member_id) "
                        + "FROM purchase_fact p WHERE " + s.purchases("p") + " GROUP BY 1, 2 ORDER BY 1, 2",
                rs -> new Object[] {rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)},
                s.params());
    }

    // ---------------------------------------------------------------- stores

    /**
     * Per store, the best selling first: ('partner/store', its name, net sales, purchases,
     * customers, consenting customers, consenting female customers, consenting customers' average
     * age in the scope's year).
     */
    public List<Object[]> stores(Connection c, Scope s) throws SQLException {
        return Sql.list(
                c,
                "SELECT p.partner_id || '/' || p.store_code, coalesce(max(sd.name), p.store_code), sum(p.amount - p.refunded), "
                        + "count(*), count(DISTINCT p.member_id), count(DISTINCT p.member_id) FILTER (WHERE d.personalization), "
                        + "count(DISTINCT p.member_id) FILTER (WHERE d.personalization AND d.gender = 'F'), "
                        + "avg(" + s.asOf().getYear() + " - d.birth_year) FILTER (WHERE d.personalization) "
                        + "FROM purchase_fact p LEFT JOIN store_dim sd ON sd.partner_id = p.partner_id AND sd.store_code = p.store_code "
                        + "LEFT JOIN member_dim d ON d.member_id = p.member_id WHERE " + s.purchases("p")
                        + " GROUP BY p.partner_id, p.store_code ORDER BY 3 DESC, 1",
                rs -> new Object[] {
                    rs.getString(1),
                    rs.getString(2),
                    rs.getBigDecimal(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getLong(7),
                    rs.getBigDecimal(8)
                },
                s.params());
    }

    /** (label, count) rows. */
    private static List<Object[]> counts(Connection c, String sql) throws SQLException {
        return Sql.list(c, sql, rs -> new Object[] {rs.getString(1), rs.getLong(2)});
    }
}
