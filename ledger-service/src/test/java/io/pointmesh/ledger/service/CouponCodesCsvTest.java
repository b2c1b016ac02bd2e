package io.pointmesh.ledger.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pointmesh.platform.problem.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A coupon upload's codes: the first field of each line, as RFC 4180 reads it. */
class CouponCodesCsvTest {

    @Test
    void aQuotedCodeKeepsItsCommasAndQuotes() {
        assertEquals(
                List.of("AB,CD", "PLAIN", "SAY \"HI\"", "SPACED"),
                RewardService.parseCodes(
                        "code,note\n\"AB,CD\",first\nPLAIN,second\n\"SAY \"\"HI\"\"\"\n  SPACED  \n\n\"AB,CD\""));
    }

    @Test
    void anUnclosedQuoteIsRefusedNotCut() {
        assertEquals(
                "validation-failed",
                assertThrows(ProblemException.class, () -> RewardService.parseCodes("\"AB,CD\n"))
                        .code());
    }
}
