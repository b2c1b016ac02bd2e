package io.pointmesh.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.analytics.repository.FactRepository;
import io.pointmesh.analytics.repository.ScoringRepository;
import io.pointmesh.analytics.service.Scoring;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast regrade reads the per-member summary that ingestion keeps; it must agree with the
 * reference computation over every member-day, whatever happened in between. Random histories
 * (seeded: a failure names its seed) of purchases on random days (late and back-dated ones, some
 * after the date being computed), partial refunds, and recomputations at dates that move forward by
 * 0 to 60 days: after each, the summary (invariant W of Scoring#rollWindow, first/last/previous
 * purchase day), the stored grades and segments, and the churn scores equal what the reference
 * gives. Dates are in 2101, so no other test's purchases fall in these windows.
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class ScoringSummaryTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Seoul");

    @Inject
    Scoring scoring;

    @Inject
    ScoringRepository scores;

    @Inject
    FactRepository facts;

    @Inject
    Transactions transactions;

    @AfterEach
    void forgetTheFutureWindow() {
        forgetScoringDates(transactions);
    }

    /**
     * After a test that computed scores as of a date in the future: the next test's recomputation as
     * of today builds its window afresh and may store its results.
     */
    static void forgetScoringDates(Transactions transactions) {
        transactions.run(c -> Sql.update(c, "DELETE FROM scoring_state"));
    }

    @Test
    void theSummaryAgreesWithEveryMemberDayAfterRandomHistories() {
        for (long seed = 1; seed <= 4; seed++) {
            history(seed);
        }
    }

    /**
     * A regrade when nobody bought in the window (a new network, or as of a day before every
     * purchase) ranks nobody and answers; it once built "CASE ELSE 'GENERAL' END" and failed with a
     * 500 on a fresh stack.
     */
    @Test
    void aRegradeWithNobodyToRankAnswers() {
        Scoring.GradeRun run = scoring.regrade(LocalDate.of(1990, 1, 1));
        assertEquals(0, run.ranked(), run.toString());
        assertEquals(java.util.Map.of(), run.counts(), run.toString());
    }

    /** The stages' own locks (held for a whole stage) are not the window lock, which would hold ingestion off. */
    @Test
    void aRecomputationsOwnLocksLeaveIngestionFree() {
        transactions.run(c -> {
            for (String kind : List.of("grades", "segments", "churn")) {
                scores.lockRecomputation(c, kind);
            }
            scores.lockMemberDimWrites(c);
            boolean free = transactions
                    .run(other -> Sql.one(
                            other,
                            "SELECT pg_try_advisory_xact_lock_shared(" + FactRepository.WINDOW_LOCK + ")",
                            rs -> rs.getBoolean(1)))
                    .orElse(false);
            assertTrue(free, "the window lock is free while a recomputation holds its own");
            return null;
        });
    }

    private void history(long seed) {
        Random random = new Random(seed);
        String run = "sum" + seed + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        LocalDate start = LocalDate.of(2101, 1, 1);
        List<String> members = new ArrayList<>();
        transactions.run(c -> Sql.update(c, "DELETE FROM scoring_state"));
        for (int i = 0; i < 40; i++) {
            String m = run + i;
            members.add(m);
            transactions.run(c -> Sql.update(
                    c,
                    "INSERT INTO member_dim (member_id, joined_at) VALUES (?, ?)",
                    m,
                    start.minusDays(500).atStartOfDay(ZONE).toInstant()));
        }
        List<UUID> earnings = new ArrayList<>();
        LocalDate asOf = start;
        Map<String, String> seenAfterFit = Map.of();
        for (int step = 0; step < 14; step++) {
            int purchases = 10 + random.nextInt(40);
            for (int k = 0; k < purchases; k++) {
                String m = members.get(random.nextInt(members.size()));
                // mostly up to the date; some late (long ago), some after it (the summary is then not current)
                int offset = random.nextInt(10) == 0
                        ? -random.nextInt(700)
                        : random.nextInt(12) == 0 ? 1 + random.nextInt(5) : -random.nextInt(120);
                LocalDate day = asOf.plusDays(offset);
                UUID earning = UUID.randomUUID();
                earnings.add(earning);
                // some round amounts: equal spends, ranked by member id
                BigDecimal amount = BigDecimal.valueOf(
                        random.nextInt(4) == 0 ? 10_000 * (1 + random.nextInt(3)) : 1000 + random.nextInt(200_000));
                transactions.run(c -> facts.recordPurchase(
                        c,
                        earning,
                        m,
                        "p-" + run,
                        "S1",
                        amount,
                        "KRW",
                        day.atTime(12, 0).atZone(ZONE).toInstant(),
                        day,
                        10,
                        List.of(),
                        day.atTime(12, 0).atZone(ZONE).toInstant()));
            }
            for (int k = 0; k < 3; k++) {
                UUID earning = earnings.get(random.nextInt(earnings.size()));
                transactions.run(c -> {
                    facts.recordRefund(c, earning, BigDecimal.valueOf(500 + random.nextInt(5000)));
                    return null;
                });
            }
            // purchases since the last fit change members' summaries, not the churn scores readers see
            assertEquals(seenAfterFit, churnScoresSeen(run), "seed " + seed + ", step " + step + ": scores pinned");
            asOf = asOf.plusDays(random.nextInt(61));
            LocalDate date = asOf;
            boolean current = transactions
                    .run(c -> Sql.one(c, "SELECT max(day) FROM member_day", rs -> rs.getObject(1, LocalDate.class)))
                    .map(d -> !d.isAfter(date))
                    .orElse(true);

            // the three stages side by side, as the daily job and the REST call run them
            Scoring.Recomputed recomputed = scoring.recompute(date);
            Scoring.GradeRun grades = recomputed.grades();
            assertEquals("summary", grades.source(), "seed " + seed + ": the window moves forward");
            String where = "seed " + seed + ", step " + step + ", as of " + date;
            assertEquals(
                    referenceCounts(date), grades.counts() + " " + grades.thresholds(), where + ": counts, thresholds");
            assertEquals(
                    referenceSpend(run, date), summarySpend(run), where + ": spend_12m and days_12m (invariant W)");
            assertEquals(referenceDays(run), summaryDays(run), where + ": first, last and previous purchase day");
            assertEquals(referenceGrades(run, date), storedGrades(run), where + ": grades");

            Scoring.SegmentRun segments = recomputed.segments();
            assertEquals(current ? "summary" : "history", segments.source(), where);
            assertEquals(referenceSegments(run, date), storedSegments(run), where + ": segments");

            Scoring.ChurnRun churn = recomputed.churn();
            assertEquals(current ? "summary" : "history", churn.source(), where);
            assertChurnScores(run, date, churn.params(), where);
            seenAfterFit = churnScoresSeen(run);
        }
        // a computation as of an earlier date reports but stores nothing
        Scoring.GradeRun past = scoring.regrade(start.minusDays(1));
        assertEquals("history", past.source());
        assertEquals(0, past.changed());
    }

    /** Per grade among the ranked (the reference ranking, every member of the network): counts, and thresholds. */
    private String referenceCounts(LocalDate asOf) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, BigDecimal> thresholds = new TreeMap<>();
        transactions.run(c -> Sql.list(
                c,
                "SELECT grade, count(*), min(s) FROM (" + ScoringRepository.gradesAsOf(asOf) + ") g GROUP BY grade",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                    if (!"GENERAL".equals(rs.getString(1))) {
                        thresholds.put(rs.getString(1), rs.getBigDecimal(3));
                    }
                    return null;
                },
                scores.gradeShares()));
        return counts + " " + thresholds;
    }

    /** The churn scores as readers see them (churn_score), exactly. */
    private Map<String, String> churnScoresSeen(String run) {
        return strings(
                "SELECT member_id, as_of || '/' || p_alive::text || '/' || expected_90d::text FROM churn_score WHERE member_id LIKE ?",
                run + "%");
    }

    private Map<String, String> referenceSpend(String run, LocalDate asOf) {
        return strings(
                "SELECT member_id, sum(net_spend)::numeric(20,2) || '/' || count(*) FROM member_day WHERE member_id LIKE ? "
                        + "AND day > ? AND day <= ? GROUP BY member_id",
                run + "%",
                asOf.minusMonths(12),
                asOf);
    }

    private Map<String, String> summarySpend(String run) {
        return strings(
                "SELECT member_id, spend_12m::numeric(20,2) || '/' || days_12m FROM member_features WHERE member_id LIKE ? AND (days_12m <> 0 OR spend_12m <> 0)",
                run + "%");
    }

    private Map<String, String> referenceDays(String run) {
        return strings(
                "SELECT member_id, min(day) || '/' || max(day) || '/' || coalesce((SELECT max(d2.day)::text FROM member_day d2 "
                        + "WHERE d2.member_id = d.member_id AND d2.day < max(d.day)), '-') || '/' || count(*) FROM member_day d "
                        + "WHERE member_id LIKE ? GROUP BY member_id",
                run + "%");
    }

    private Map<String, String> summaryDays(String run) {
        return strings(
                "SELECT member_id, first_day || '/' || last_day || '/' || coalesce(prev_day::text, '-') || '/' || purchase_days "
                        + "FROM member_features WHERE member_id LIKE ?",
                run + "%");
    }

    private Map<String, String> referenceGrades(String run, LocalDate asOf) {
        List<Object> params = new ArrayList<>(List.of(scores.gradeShares()));
        params.add(run + "%");
        Map<String, String> ranked = strings(
                "SELECT member_id, grade FROM (" + ScoringRepository.gradesAsOf(asOf) + ") g WHERE member_id LIKE ?",
                params.toArray());
        Map<String, String> all =
                new TreeMap<>(strings("SELECT member_id, 'GENERAL' FROM member_dim WHERE member_id LIKE ?", run + "%"));
        all.putAll(ranked);
        return all;
    }

    private Map<String, String> storedGrades(String run) {
        return strings("SELECT member_id, grade FROM member_dim WHERE member_id LIKE ?", run + "%");
    }

    private Map<String, String> referenceSegments(String run, LocalDate asOf) {
        return strings(
                "SELECT member_id, segment FROM (" + scores.segmentsAsOf(asOf) + ") s WHERE member_id LIKE ?",
                run + "%");
    }

    private Map<String, String> storedSegments(String run) {
        return strings(
                "SELECT member_id, segment FROM member_dim WHERE member_id LIKE ? AND segment IS NOT NULL", run + "%");
    }

    /** Each member's stored P(alive) is the model's for their (x, t_x, T) from every member-day up to the date. */
    private void assertChurnScores(String run, LocalDate asOf, BgNbd.Params params, String where) {
        Map<String, double[]> stored = new HashMap<>();
        transactions.run(c -> Sql.list(
                c,
                "SELECT member_id, p_alive FROM churn_score WHERE member_id LIKE ?",
                rs -> stored.put(rs.getString(1), new double[] {rs.getDouble(2)}),
                run + "%"));
        List<Object[]> reference = transactions.run(c -> Sql.list(
                c,
                "SELECT member_id, count(*) - 1, (max(day) - min(day)) / 7, (? - min(day)) / 7 "
                        + "FROM member_day WHERE member_id LIKE ? AND day <= ? GROUP BY member_id",
                rs -> new Object[] {rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)},
                asOf,
                run + "%",
                asOf));
        assertEquals(reference.size(), stored.size(), where + ": every customer scored");
        for (Object[] r : reference) {
            double expected =
                    BgNbd.probabilityAlive(params, new BgNbd.Customer((Integer) r[1], (Integer) r[2], (Integer) r[3]));
            double[] actual = stored.get((String) r[0]);
            assertTrue(actual != null && Math.abs(actual[0] - expected) < 1e-9, where + ": P(alive) of " + r[0]);
        }
    }

    private Map<String, String> strings(String sql, Object... params) {
        Map<String, String> out = new TreeMap<>();
        transactions.run(c -> Sql.list(c, sql, rs -> out.put(rs.getString(1), rs.getString(2)), params));
        return out;
    }
}
