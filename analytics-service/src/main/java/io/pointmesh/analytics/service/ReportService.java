package io.pointmesh.analytics.service;

import io.pointmesh.analytics.config.AnalyticsConfig;
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
 */
@ApplicationScoped
public class ReportService {

    public enum Kind { MEMBERS, TRANSACTIONS, STORES }

    @RegisterForReflection
    public record Row(String section, String label, String metric, BigDecimal value) {
    }

    @RegisterForReflection
    public record Report(String kind, String scope, LocalDate from, LocalDate to, LocalDate asOf, int minimumGroup, Double noiseEpsilon,
                         List<Row> rows) {
    }

    /** Where and when: a partner (or null for the network) and the window. */
    record Scope(String partnerId, Instant from, Instant to, LocalDate asOf) {
        String purchases(String alias) {
            return alias + ".occurred_at >= ? AND " + alias + ".occurred_at < ?" + (partnerId == null ? "" : " AND " + alias + ".partner_id = ?");
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

    @Inject
    Transactions transactions;

    @Inject
    AnalyticsConfig config;

    @Inject
    Scoring scoring;

    private volatile byte[] noiseKey;

    /** A report as operators see it (every figure as computed). */
    public Report report(String partnerId, Kind kind, LocalDate from, LocalDate to, LocalDate asOf) {
        return report(partnerId, kind, from, to, asOf, false);
    }

    /** A report; {@code partnerView}: as the partner itself sees it (docs/privacy.md). */
    public Report report(String partnerId, Kind kind, LocalDate from, LocalDate to, LocalDate asOf, boolean partnerView) {
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
                throw ProblemException.badRequest("window-too-short", "a partner's report covers at least " + config.minimumWindowDays()
                        + " days (from " + fromDate + " to " + toDate + " is " + days + "), so that no member can be singled out");
            }
            fromDate = fromDate.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            toDate = toDate.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
            // ...and no wider than the weeks the partner has purchases in: windows padded with empty
            // weeks are the same report (the same noise), so asking many of them averages nothing away
            LocalDate[] span = purchaseWeeks(partnerId);
            if (span != null) {
                fromDate = fromDate.isBefore(span[0]) ? span[0] : fromDate;
                toDate = toDate.isAfter(span[1]) ? span[1] : toDate;
            }
            if (!fromDate.isBefore(toDate)) {
                fromDate = toDate.minusWeeks(1);  // no purchases in the window: an empty week, nobody in it
            }
            if (asOf != null) {
                // scores as of a week's end only: a handful of distinct past reports, not one per day
                end = asOf.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
                end = end.isAfter(scoring.today()) ? scoring.today() : end;
            }
            requireReportBudget(partnerId, kind + "|" + fromDate + "|" + toDate + "|" + end);
            if (asOf == null && to != null) {
                // scores as of the widened window's last day (not after today): the same for every window widened alike
                LocalDate last = toDate.minusDays(1);
                LocalDate today = scoring.today();
                end = last.isAfter(today) ? today : last;
            }
        }
        Scope scope = new Scope(partnerId, fromDate.atStartOfDay(config.zone()).toInstant(), toDate.atStartOfDay(config.zone()).toInstant(), end);
        String context = partnerId + "|" + kind + "|" + fromDate + "|" + toDate;
        List<Row> rows = transactions.run(c -> {
            Disclosure d = partnerView ? Disclosure.partner(config.minimumGroup(), config.noiseEpsilon(), noiseKey(), context + "|" + fingerprint(c, scope))
                    : Disclosure.exact(config.minimumGroup());
            return switch (kind) {
                case MEMBERS -> members(c, scope, d);
                case TRANSACTIONS -> transactions(c, scope, d);
                case STORES -> stores(c, scope, d);
            };
        });
        return new Report(kind.name().toLowerCase(), partnerId == null ? "network" : partnerId, fromDate, toDate, end, config.minimumGroup(),
                partnerView ? config.noiseEpsilon() : null, rows);
    }

    /** Monday of the partner's first purchase week, and the Monday after its last; null when it has none. */
    private LocalDate[] purchaseWeeks(String partnerId) {
        return transactions.run(c -> Sql.one(c, "SELECT min(day), max(day) FROM purchase_fact WHERE partner_id = ?",
                rs -> rs.getObject(1) == null ? null : new LocalDate[]{
                        rs.getObject(1, LocalDate.class).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)),
                        rs.getObject(2, LocalDate.class).plusDays(1).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY))},
                partnerId).orElse(null));
    }

    /** Distinct reports each partner asked for today (per instance): each new one spends the day's budget; repeats are free. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.Set<String>> reportsToday = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile LocalDate reportsDay;

    /**
     * A partner may ask at most {@code pointmesh.analytics.distinct-reports-per-day} different reports a
     * day (429): the noise of each is fresh, so an unbounded number of different windows could be
     * averaged; the budget bounds it (docs/privacy.md).
     */
    private void requireReportBudget(String partnerId, String report) {
        LocalDate today = scoring.today();
        if (!today.equals(reportsDay)) {
            reportsToday.clear();
            reportsDay = today;
        }
        java.util.Set<String> asked = reportsToday.computeIfAbsent(partnerId, p -> java.util.concurrent.ConcurrentHashMap.newKeySet());
        if (!asked.contains(report) && asked.size() >= config.distinctReportsPerDay()) {
            throw ProblemException.tooManyRequests("report-budget-spent", "this partner asked for " + asked.size()
                    + " different reports today; the same reports can be asked again, new ones tomorrow", 3600);
        }
        asked.add(report);
    }

    /** The set of customers a report covers, as a hash: the noise changes whenever it does (one more customer: new noise everywhere). */
    private static String fingerprint(Connection c, Scope s) throws SQLException {
        return Sql.one(c, "SELECT md5(coalesce(string_agg(member_id, ',' ORDER BY member_id), '')) FROM (SELECT DISTINCT p.member_id "
                + "FROM purchase_fact p WHERE " + s.purchases("p") + ") x", rs -> rs.getString(1), s.params()).orElse("");
    }

    private byte[] noiseKey() {
        byte[] key = noiseKey;
        if (key == null) {
            key = config.noiseSecret().filter(x -> !x.isBlank()).map(x -> x.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseGet(() -> {
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
        Sql.update(c, "CREATE TEMP TABLE customers ON COMMIT DROP AS SELECT p.member_id, count(*) AS purchases, sum(p.amount - p.refunded) AS spend, "
                + "max(p.occurred_at) AS last_at FROM purchase_fact p WHERE " + s.purchases("p") + " GROUP BY p.member_id", s.params());
        long customers = Sql.scalarLong(c, "SELECT count(*) FROM customers");
        own(rows, d, "summary", "customers", "members", customers);
        Instant activeSince = s.asOf().minusDays(config.segments().activeDays()).atStartOfDay(config.zone()).toInstant();
        own(rows, d, "summary", "active", "members", Sql.scalarLong(c, "SELECT count(*) FROM customers WHERE last_at >= ?", activeSince));

        // demographics: consenting customers only, small groups suppressed
        String consenting = "FROM customers x JOIN member_dim d USING (member_id) WHERE d.personalization AND d.status <> 'LEFT'";
        grouped(c, rows, d, "gender", "", "SELECT coalesce(d.gender, 'unknown'), count(*) " + consenting + " GROUP BY 1 ORDER BY 1", k);
        grouped(c, rows, d, "age", "|" + s.asOf().getYear(), "SELECT CASE WHEN d.birth_year IS NULL THEN 'unknown' ELSE ((" + s.asOf().getYear()
                + " - d.birth_year) / 10 * 10)::text || 's' END, count(*) " + consenting + " GROUP BY 1 ORDER BY 1", k);
        grouped(c, rows, d, "region", "", "SELECT coalesce(d.region, 'unknown'), count(*) " + consenting + " GROUP BY 1 ORDER BY 1", k);

        // grades and segments: as stored when asOf is the latest computation's date or later, else computed as of asOf
        // (a report on a past date shows that date's grades, e.g. the CDNOW replay as of 1998-06-30)
        boolean stored = Sql.scalarLong(c, "SELECT count(*) FROM scoring_state WHERE kind IN ('grades', 'segments') AND as_of <= ?",
                s.asOf()) == 2;
        Sql.update(c, "CREATE TEMP TABLE scores_at ON COMMIT DROP AS " + (stored
                ? "SELECT x.member_id, d.grade, d.segment FROM customers x LEFT JOIN member_dim d USING (member_id)"
                : "SELECT x.member_id, g.grade, sg.segment FROM customers x LEFT JOIN (" + Scoring.gradesAsOf(s.asOf()) + ") g USING (member_id) "
                + "LEFT JOIN (" + scoring.segmentsAsOf(s.asOf()) + ") sg USING (member_id)"));
        // the scores these rows describe: their noise stays the same while they do (asking as of another day changes nothing)
        String scores = "|" + Sql.one(c, "SELECT coalesce(string_agg(kind || '=' || as_of, ',' ORDER BY kind), '') FROM scoring_state",
                rs -> rs.getString(1)).orElse("") + (stored ? "" : "|asOf=" + s.asOf());
        grouped(c, rows, d, "grade", scores, "SELECT coalesce(grade, 'GENERAL'), count(*) FROM scores_at GROUP BY 1 ORDER BY 1", 0);
        grouped(c, rows, d, "segment", scores, "SELECT coalesce(segment, 'UNKNOWN'), count(*) FROM scores_at GROUP BY 1 ORDER BY 1", 0);
        // segment flows: each customer's segment the day before the window against as of asOf ("NONE": not yet a member)
        LocalDate before = s.from().atZone(config.zone()).toLocalDate().minusDays(1);
        grouped(c, rows, d, "segment-flow", "|asOf=" + s.asOf(), "SELECT coalesce(b.segment, 'NONE') || '>' || coalesce(a.segment, 'NONE'), count(*) FROM customers x "
                + "LEFT JOIN (" + scoring.segmentsAsOf(before) + ") b USING (member_id) LEFT JOIN (" + scoring.segmentsAsOf(s.asOf())
                + ") a USING (member_id) GROUP BY 1 ORDER BY 1", 0);
        derived(rows, d, "risk", "churned", scores, Sql.scalarLong(c, "SELECT count(*) FROM scores_at WHERE segment = 'CHURNED'"));
        derived(rows, d, "risk", "at-risk", scores, Sql.scalarLong(c, "SELECT count(*) FROM scores_at x JOIN churn_score s USING (member_id) "
                + "WHERE s.p_alive < 0.5 AND x.segment IS DISTINCT FROM 'CHURNED'"));

        // RFM within the window: quintile scores (recency inverted: the most recent get 5), ties by member id
        Sql.update(c, "CREATE TEMP TABLE rfm ON COMMIT DROP AS SELECT member_id, ntile(5) OVER (ORDER BY last_at, member_id) AS r, "
                + "ntile(5) OVER (ORDER BY purchases, member_id) AS f, ntile(5) OVER (ORDER BY spend, member_id) AS m FROM customers");
        // (the partner's own purchases: exact, in groups of at least k)
        for (String score : List.of("r", "f", "m")) {
            for (Object[] r : Sql.list(c, "SELECT " + score + ", count(*) FROM rfm GROUP BY 1 ORDER BY 1",
                    rs -> new Object[]{rs.getInt(1), rs.getLong(2)})) {
                own(rows, d, "rfm-" + score, String.valueOf(r[0]), "members", (Long) r[1]);
            }
        }
        for (Object[] r : Sql.list(c, "SELECT r, f, count(*) FROM rfm GROUP BY 1, 2 ORDER BY 1, 2",
                rs -> new Object[]{rs.getInt(1), rs.getInt(2), rs.getLong(3)})) {
            own(rows, d, "rfm-rf", r[0] + "" + r[1], "members", (Long) r[2]);
        }
        for (Object[] r : Sql.list(c, "SELECT r * 100 + f * 10 + m, count(*) FROM rfm GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
                rs -> new Object[]{rs.getInt(1), rs.getLong(2)})) {
            own(rows, d, "rfm-code", String.valueOf(r[0]), "members", (Long) r[1]);
        }

        // purchase cycle: days between a customer's consecutive purchases (in this scope)
        for (Object[] r : Sql.list(c, "WITH g AS (SELECT p.member_id, p.day - lag(p.day) OVER (PARTITION BY p.member_id ORDER BY p.occurred_at) AS gap "
                        + "FROM purchase_fact p WHERE " + s.purchases("p") + ") SELECT CASE WHEN gap <= 7 THEN '0-7' WHEN gap <= 14 THEN '8-14' "
                        + "WHEN gap <= 30 THEN '15-30' WHEN gap <= 60 THEN '31-60' WHEN gap <= 90 THEN '61-90' WHEN gap <= 180 THEN '91-180' "
                        + "ELSE '181+' END, min(gap), count(*), count(DISTINCT member_id) FROM g WHERE gap IS NOT NULL GROUP BY 1 ORDER BY 2",
                rs -> new Object[]{rs.getString(1), rs.getLong(3), rs.getLong(4)}, s.params())) {
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
        String zone = config.zone().getId();
        String population = "member_dim d";
        String asOf = "DATE '" + s.asOf() + "'";
        // member since: joining, or the first purchase if earlier (imported history predates the join)
        String since = "(least(d.joined_at, f.first_purchase_at) AT TIME ZONE '" + zone + "')";
        Sql.update(c, "CREATE TEMP TABLE cohort ON COMMIT DROP AS SELECT d.member_id, date_trunc('month', " + since
                + ")::date AS cohort FROM " + population + " LEFT JOIN member_features f USING (member_id) WHERE d.status <> 'LEFT' AND "
                + since + "::date <= " + asOf);
        List<Object[]> cells = Sql.list(c, "WITH sizes AS (SELECT cohort, count(*) AS n FROM cohort GROUP BY cohort), "
                        + "grid AS (SELECT z.cohort, z.n, k, (z.cohort + make_interval(months => k))::date AS month FROM sizes z, "
                        + "generate_series(0, 23) AS k WHERE (z.cohort + make_interval(months => k))::date <= " + asOf + "), "
                        + "act AS (SELECT DISTINCT md.member_id, date_trunc('month', md.day)::date AS month FROM member_day md JOIN cohort USING (member_id) "
                        + "WHERE md.day <= " + asOf + "), "
                        + "pts AS (SELECT member_id, date_trunc('month', day)::date AS month, sum(points) AS p FROM purchase_fact JOIN cohort USING (member_id) "
                        + "WHERE day <= " + asOf + " GROUP BY 1, 2 UNION ALL SELECT member_id, date_trunc('month', captured_at AT TIME ZONE '" + zone
                        + "')::date, -sum(points - reversed_points) FROM redemption_fact JOIN cohort USING (member_id) "
                        + "WHERE (captured_at AT TIME ZONE '" + zone + "')::date <= " + asOf + " GROUP BY 1, 2) "
                        + "SELECT to_char(g.cohort, 'YYYY-MM'), g.k, g.n, "
                        + "(SELECT count(*) FROM act a JOIN cohort h USING (member_id) WHERE h.cohort = g.cohort AND a.month = g.month), "
                        + "(SELECT coalesce(sum(p.p), 0) FROM pts p JOIN cohort h USING (member_id) WHERE h.cohort = g.cohort AND p.month <= g.month) "
                        + "FROM grid g ORDER BY 1, 2",
                rs -> new Object[]{rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5)});
        for (Object[] cell : cells) {
            String label = cell[0] + "+" + cell[1];
            long n = (Long) cell[2];
            rows.add(row("vintage", label, "members", n));
            rows.add(new Row("vintage", label, "active-share", BigDecimal.valueOf((Long) cell[3])
                    .divide(BigDecimal.valueOf(n), 4, java.math.RoundingMode.HALF_UP)));
            rows.add(new Row("vintage", label, "average-balance", ((BigDecimal) cell[4])
                    .divide(BigDecimal.valueOf(n), 1, java.math.RoundingMode.HALF_UP)));
        }
    }

    private void partnerVintage(Connection c, Scope s, Disclosure d, List<Row> rows) throws SQLException {
        String zone = config.zone().getId();
        String asOf = "DATE '" + s.asOf() + "'";
        String first = "(mp.first_at AT TIME ZONE '" + zone + "')";
        Sql.update(c, "CREATE TEMP TABLE cohort ON COMMIT DROP AS SELECT x.member_id, date_trunc('month', " + first + ")::date AS cohort "
                + "FROM customers x JOIN member_partner mp ON mp.member_id = x.member_id AND mp.partner_id = ? "
                + "LEFT JOIN member_dim d ON d.member_id = x.member_id WHERE d.status IS DISTINCT FROM 'LEFT' AND " + first + "::date <= " + asOf,
                s.partnerId());
        List<Object[]> cells = Sql.list(c, "WITH sizes AS (SELECT cohort, count(*) AS n FROM cohort GROUP BY cohort), "
                        + "grid AS (SELECT z.cohort, z.n, k, (z.cohort + make_interval(months => k))::date AS month FROM sizes z, "
                        + "generate_series(0, 23) AS k WHERE (z.cohort + make_interval(months => k))::date <= " + asOf + "), "
                        + "act AS (SELECT DISTINCT p.member_id, h.cohort, date_trunc('month', p.day)::date AS month FROM purchase_fact p "
                        + "JOIN cohort h USING (member_id) WHERE p.partner_id = ? AND p.day <= " + asOf + ") "
                        + "SELECT to_char(g.cohort, 'YYYY-MM'), g.k, g.n, (SELECT count(*) FROM act a WHERE a.cohort = g.cohort AND a.month = g.month) "
                        + "FROM grid g ORDER BY 1, 2",
                rs -> new Object[]{rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)}, s.partnerId());
        for (Object[] cell : cells) {
            String label = cell[0] + "+" + cell[1];
            long n = (Long) cell[2];
            if (!d.shown(n)) {
                continue;
            }
            rows.add(row("vintage", label, "members", n));
            rows.add(new Row("vintage", label, "active-share", BigDecimal.valueOf((Long) cell[3])
                    .divide(BigDecimal.valueOf(n), 4, java.math.RoundingMode.HALF_UP)));
        }
    }

    // ---------------------------------------------------------------- transactions

    private List<Row> transactions(Connection c, Scope s, Disclosure d) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int k = config.minimumGroup();
        for (String unit : List.of("day", "week", "month")) {
            for (Object[] r : Sql.list(c, "SELECT to_char(date_trunc('" + unit + "', p.day), 'YYYY-MM-DD'), sum(p.amount - p.refunded), count(*), "
                            + "count(DISTINCT p.member_id) FROM purchase_fact p WHERE " + s.purchases("p") + " GROUP BY 1 ORDER BY 1",
                    rs -> new Object[]{rs.getString(1), rs.getBigDecimal(2), rs.getLong(3), rs.getLong(4)}, s.params())) {
                if (!d.shown((Long) r[3])) {
                    continue;
                }
                rows.add(new Row("sales-by-" + unit, (String) r[0], "sales", (BigDecimal) r[1]));
                rows.add(row("sales-by-" + unit, (String) r[0], "purchases", (Long) r[2]));
                rows.add(row("sales-by-" + unit, (String) r[0], "customers", (Long) r[3]));
            }
        }
        // retention: the share of last month's customers who bought again this month
        for (Object[] r : Sql.list(c, "WITH m AS (SELECT DISTINCT p.member_id, date_trunc('month', p.day)::date AS month FROM purchase_fact p WHERE "
                        + s.purchases("p") + ") SELECT to_char(cur.month, 'YYYY-MM'), count(DISTINCT prev.member_id), "
                        + "count(DISTINCT prev.member_id) FILTER (WHERE again.member_id IS NOT NULL) FROM (SELECT DISTINCT month FROM m) cur "
                        + "JOIN m prev ON prev.month = (cur.month - interval '1 month')::date "
                        + "LEFT JOIN m again ON again.member_id = prev.member_id AND again.month = cur.month GROUP BY cur.month ORDER BY cur.month",
                rs -> new Object[]{rs.getString(1), rs.getLong(2), rs.getLong(3)}, s.params())) {
            long base = (Long) r[1];
            if (!d.shown(base)) {
                continue;
            }
            rows.add(row("retention", (String) r[0], "previous-customers", base));
            rows.add(new Row("retention", (String) r[0], "rate", base == 0 ? null
                    : BigDecimal.valueOf((Long) r[2]).divide(BigDecimal.valueOf(base), 4, java.math.RoundingMode.HALF_UP)));
        }
        if (s.partnerId() != null) {
            // cross-partner propensity: of this partner's customers, the share who also bought at another partner, and the lift
            // over that partner's reach among all purchasing members; groups under the minimum are suppressed
            for (Object[] r : Sql.list(c, "WITH mine AS (SELECT DISTINCT p.member_id FROM purchase_fact p WHERE " + s.purchases("p") + "), "
                            + "other AS (SELECT DISTINCT q.member_id, q.partner_id FROM purchase_fact q WHERE q.occurred_at >= ? AND q.occurred_at < ? "
                            + "AND q.partner_id <> ?), everyone AS (SELECT count(DISTINCT member_id) AS n FROM purchase_fact WHERE occurred_at >= ? "
                            + "AND occurred_at < ?) SELECT o.partner_id, coalesce(pd.legal_name, o.partner_id), count(*) FILTER (WHERE mi.member_id IS NOT NULL), "
                            + "count(*), (SELECT count(*) FROM mine), (SELECT n FROM everyone) FROM other o LEFT JOIN mine mi USING (member_id) "
                            + "LEFT JOIN partner_dim pd ON pd.partner_id = o.partner_id GROUP BY o.partner_id, pd.legal_name ORDER BY 3 DESC, 1",
                    rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)},
                    s.from(), s.to(), s.partnerId(), s.from(), s.to(), s.partnerId(), s.from(), s.to())) {
                long both = (Long) r[2];
                long theirs = (Long) r[3];
                long mine = (Long) r[4];
                long everyone = (Long) r[5];
                String label = (String) r[1];
                if (d.partner) {
                    // the customers shared with another partner, and that partner's reach: noisy, and only for groups of at least k
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
                BigDecimal share = BigDecimal.valueOf(both).divide(BigDecimal.valueOf(mine), 4, java.math.RoundingMode.HALF_UP);
                BigDecimal reach = BigDecimal.valueOf(theirs).divide(BigDecimal.valueOf(everyone), 6, java.math.RoundingMode.HALF_UP);
                rows.add(row("cross-partner", label, "shared-customers", both));
                rows.add(new Row("cross-partner", label, "share", share));
                rows.add(new Row("cross-partner", label, "lift", share.divide(reach, 2, java.math.RoundingMode.HALF_UP)));
            }
        }
        // day of week (1 = Monday) x hour of day, in the analytics zone
        for (Object[] r : Sql.list(c, "SELECT extract(isodow FROM p.occurred_at AT TIME ZONE '" + config.zone() + "')::int, "
                        + "extract(hour FROM p.occurred_at AT TIME ZONE '" + config.zone() + "')::int, count(*), count(DISTINCT p.member_id) "
                        + "FROM purchase_fact p WHERE " + s.purchases("p") + " GROUP BY 1, 2 ORDER BY 1, 2",
                rs -> new Object[]{rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)}, s.params())) {
            if (!d.shown((Long) r[3])) {
                continue;
            }
            rows.add(row("day-hour", r[0] + "-" + String.format("%02d", (Integer) r[1]), "purchases", (Long) r[2]));
        }
        return rows;
    }

    // ---------------------------------------------------------------- stores

    private List<Row> stores(Connection c, Scope s, Disclosure d) throws SQLException {
        List<Row> rows = new ArrayList<>();
        int k = config.minimumGroup();
        for (Object[] r : Sql.list(c, "SELECT p.partner_id || '/' || p.store_code, coalesce(max(sd.name), p.store_code), sum(p.amount - p.refunded), "
                        + "count(*), count(DISTINCT p.member_id), count(DISTINCT p.member_id) FILTER (WHERE d.personalization), "
                        + "count(DISTINCT p.member_id) FILTER (WHERE d.personalization AND d.gender = 'F'), "
                        + "avg(" + s.asOf().getYear() + " - d.birth_year) FILTER (WHERE d.personalization) "
                        + "FROM purchase_fact p LEFT JOIN store_dim sd ON sd.partner_id = p.partner_id AND sd.store_code = p.store_code "
                        + "LEFT JOIN member_dim d ON d.member_id = p.member_id WHERE " + s.purchases("p") + " GROUP BY p.partner_id, p.store_code ORDER BY 3 DESC, 1",
                rs -> new Object[]{rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        rs.getLong(7), rs.getBigDecimal(8)}, s.params())) {
            String label = (String) r[0] + " " + r[1];
            BigDecimal sales = (BigDecimal) r[2];
            long purchases = (Long) r[3];
            if (!d.shown((Long) r[4])) {
                continue; // a partner sees stores with at least k customers in the window
            }
            rows.add(new Row("stores", label, "sales", sales));
            rows.add(row("stores", label, "purchases", purchases));
            rows.add(row("stores", label, "customers", (Long) r[4]));
            rows.add(new Row("stores", label, "average-basket", sales.divide(BigDecimal.valueOf(purchases), 0, java.math.RoundingMode.HALF_UP)));
            long consenting = (Long) r[5];
            if (d.partner) {
                // the profile: noisy counts of consenting and female customers (no average age: one member's age moves it too far)
                if (consenting >= k) {
                    long n = Math.max(k, d.total("stores|" + r[0] + "|consenting", consenting));
                    long female = Math.min(n, Math.max(0, d.total("stores|" + r[0] + "|female", (Long) r[6])));
                    rows.add(new Row("stores", label, "share-female", BigDecimal.valueOf(female)
                            .divide(BigDecimal.valueOf(n), 4, java.math.RoundingMode.HALF_UP)));
                }
            } else if (consenting < k) {
                rows.add(new Row("stores", label, "profile-suppressed", null));
            } else {
                rows.add(new Row("stores", label, "share-female", BigDecimal.valueOf((Long) r[6])
                        .divide(BigDecimal.valueOf(consenting), 4, java.math.RoundingMode.HALF_UP)));
                rows.add(new Row("stores", label, "average-age", r[7] == null ? null : ((BigDecimal) r[7]).setScale(1, java.math.RoundingMode.HALF_UP)));
            }
        }
        return rows;
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
    private static void derived(List<Row> rows, Disclosure d, String section, String label, String depends, long members) {
        Long value = d.count(section + "|" + label + depends, members);
        if (value != null) {
            rows.add(row(section, label, "members", value));
        }
    }

    /**
     * (label, count) groups the partner's records do not tell it: for a partner noisy and only groups of
     * at least k; for operators exact, a group under {@code minimum} reported as suppressed.
     */
    private static void grouped(Connection c, List<Row> rows, Disclosure d, String section, String depends, String sql, int minimum)
            throws SQLException {
        for (Object[] r : Sql.list(c, sql, rs -> new Object[]{rs.getString(1), rs.getLong(2)})) {
            long n = (Long) r[1];
            if (d.partner) {
                derived(rows, d, section, (String) r[0], depends, n);
            } else {
                rows.add(n < minimum ? new Row(section, (String) r[0], "suppressed", null) : row(section, (String) r[0], "members", n));
            }
        }
    }
}
