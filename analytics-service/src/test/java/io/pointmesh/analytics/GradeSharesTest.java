package io.pointmesh.analytics;

import static io.pointmesh.analytics.ScoringTest.ZONE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pointmesh.analytics.config.AnalyticsConfig;
import io.pointmesh.analytics.repository.FactRepository;
import io.pointmesh.analytics.service.Scoring;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grade cut-offs are configuration (pointmesh.analytics.grades.*): with 10 %, 30 % and 60 %
 * instead of the defaults' 5 %, 20 % and 40 %, ten ranked members are 1 VVIP, 2 VIP, 3 LOYAL and
 * 4 GENERAL (the defaults would make them 1, 1, 2 and 6). Dates are in 2106, so no other test's
 * purchases fall in the window.
 */
@QuarkusTest
@TestProfile(GradeSharesTest.WiderGrades.class)
@WithTestResource(PointmeshTestResource.class)
class GradeSharesTest {

    public static class WiderGrades implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "pointmesh.analytics.grades.vvip-share",
                    "0.10",
                    "pointmesh.analytics.grades.vip-share",
                    "0.30",
                    "pointmesh.analytics.grades.loyal-share",
                    "0.60");
        }
    }

    @Inject
    Transactions transactions;

    @Inject
    FactRepository facts;

    @Inject
    Scoring scoring;

    @AfterEach
    void forgetTheFutureWindow() {
        ScoringSummaryTest.forgetScoringDates(transactions);
    }

    @Test
    void theConfiguredSharesCutTheRanking() {
        String run = "shares-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        LocalDate asOf = LocalDate.of(2106, 6, 30);
        for (int i = 0; i < 10; i++) {
            String member = run + i;
            BigDecimal spend = BigDecimal.valueOf((i + 1) * 10_000L);
            LocalDate day = asOf.minusDays(30 + i);
            transactions.run(c -> {
                Sql.update(
                        c,
                        "INSERT INTO member_dim (member_id, joined_at) VALUES (?, ?)",
                        member,
                        asOf.minusYears(2).atStartOfDay(ZONE).toInstant());
                return facts.recordPurchase(
                        c,
                        UUID.randomUUID(),
                        member,
                        "shares-partner",
                        "S1",
                        spend,
                        "KRW",
                        day.atTime(12, 0).atZone(ZONE).toInstant(),
                        day,
                        100,
                        List.of(),
                        day.atTime(12, 0).atZone(ZONE).toInstant());
            });
        }

        Scoring.GradeRun grades = scoring.regrade(asOf);

        assertEquals(Map.of("VVIP", 1L, "VIP", 2L, "LOYAL", 3L, "GENERAL", 4L), grades.counts());
        Map<String, String> stored = new TreeMap<>();
        transactions.run(c -> Sql.list(
                c,
                "SELECT member_id, grade FROM member_dim WHERE member_id LIKE ?",
                rs -> stored.put(rs.getString(1), rs.getString(2)),
                run + "%"));
        Map<String, String> expected = new TreeMap<>();
        String[] byRank = {"VVIP", "VIP", "VIP", "LOYAL", "LOYAL", "LOYAL", "GENERAL", "GENERAL", "GENERAL", "GENERAL"};
        for (int rank = 0; rank < 10; rank++) {
            expected.put(run + (9 - rank), byRank[rank]); // the highest spender first
        }
        assertEquals(expected, stored);
    }

    @Test
    void sharesOutOfOrderAreRefused() {
        assertDoesNotThrow(() -> Scoring.requireOrdered(grades("0.05", "0.20", "0.40")));
        assertDoesNotThrow(() -> Scoring.requireOrdered(grades("0.5", "0.9", "1")));
        assertThrows(IllegalStateException.class, () -> Scoring.requireOrdered(grades("0", "0.20", "0.40")));
        assertThrows(IllegalStateException.class, () -> Scoring.requireOrdered(grades("0.20", "0.05", "0.40")));
        assertThrows(IllegalStateException.class, () -> Scoring.requireOrdered(grades("0.05", "0.20", "0.20")));
        assertThrows(IllegalStateException.class, () -> Scoring.requireOrdered(grades("0.05", "0.20", "1.01")));
    }

    private static AnalyticsConfig.Grades grades(String vvip, String vip, String loyal) {
        return new AnalyticsConfig.Grades() {
            @Override
            public BigDecimal vvipShare() {
                return new BigDecimal(vvip);
            }

            @Override
            public BigDecimal vipShare() {
                return new BigDecimal(vip);
            }

            @Override
            public BigDecimal loyalShare() {
                return new BigDecimal(loyal);
            }
        };
    }
}
