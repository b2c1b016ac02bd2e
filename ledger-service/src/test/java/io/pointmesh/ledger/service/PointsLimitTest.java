package io.pointmesh.ledger.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointmesh.ledger.PointLimits;
import io.pointmesh.ledger.PointsCalculation;
import io.pointmesh.ledger.service.Ledger.BonusOffer;
import io.pointmesh.platform.problem.ProblemException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** EarnService.withinPointsLimit: bonuses cut so one earning never passes the limit; the base alone may not. */
class PointsLimitTest {

    @Test
    void bonusesAreCutInOrderSoTheEarningIsTheLimitAtMost() {
        List<BonusOffer> offers = List.of(
                new BonusOffer("a", "p", 600_000_000, false, 0), new BonusOffer("b", "p", 600_000_000, false, 0));
        List<BonusOffer> fitted = EarnService.withinPointsLimit(100, offers, new BigDecimal("1.5"));
        // floor(1e9 / 1.5) = 666,666,666 for base and bonuses together
        assertEquals(600_000_000, fitted.get(0).points());
        assertEquals(66_666_566, fitted.get(1).points());
        assertEquals(2, fitted.size());
        // no room left: a third offer is dropped, not granted as 0
        assertEquals(
                1,
                EarnService.withinPointsLimit(
                                666_666_666, List.of(new BonusOffer("a", "p", 5, false, 0)), BigDecimal.ONE)
                        .size());
        assertEquals(
                0,
                EarnService.withinPointsLimit(
                                1_000_000_000, List.of(new BonusOffer("a", "p", 5, false, 0)), BigDecimal.ONE)
                        .size());
        ProblemException refused = assertThrows(
                ProblemException.class,
                () -> EarnService.withinPointsLimit(700_000_000, List.of(), new BigDecimal("1.5")));
        assertEquals("points-limit", refused.code());
    }

    @Test
    void anyMixOfOffersAndMultipliersStaysWithinTheLimit() {
        Random random = new Random(17);
        BigDecimal[] multipliers = {BigDecimal.ONE, new BigDecimal("1.1"), new BigDecimal("1.2"), new BigDecimal("1.5")
        };
        for (int i = 0; i < 2_000; i++) {
            BigDecimal m = multipliers[random.nextInt(multipliers.length)];
            long base = random.nextInt(3) == 0 ? random.nextLong(600_000_000) : random.nextLong(100_000);
            List<BonusOffer> offers = random.ints(random.nextInt(5), 1, Integer.MAX_VALUE)
                    .mapToObj(p -> new BonusOffer(
                            "c" + p,
                            "p",
                            PointsCalculation.campaignBonus(base, null, p * 1L << random.nextInt(20), false),
                            random.nextBoolean(),
                            0))
                    .toList();
            List<PointsCalculation.GrantedBonus> granted = EarnService.withinPointsLimit(base, offers, m).stream()
                    .map(o -> new PointsCalculation.GrantedBonus(o.campaignId(), o.points(), o.networkFunded()))
                    .toList();
            long total = PointsCalculation.total(base, granted, m).total();
            assertTrue(total <= PointLimits.MAX_PER_OPERATION, "total " + total);
            assertTrue(granted.stream().allMatch(g -> g.points() > 0));
        }
    }
}
