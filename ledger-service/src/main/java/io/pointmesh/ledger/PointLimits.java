package io.pointmesh.ledger;

import io.pointmesh.platform.problem.ProblemException;

/**
 * The most points one request may move: far above any real purchase or adjustment, and far enough
 * below a long's range that no balance, lifetime total or sum can overflow (a 500) however many
 * such operations a member receives.
 */
public final class PointLimits {

    public static final long MAX_PER_OPERATION = 1_000_000_000L;

    private PointLimits() {}

    /** 1 to {@link #MAX_PER_OPERATION}; 400 otherwise. */
    public static void requirePositive(String field, Long points) {
        if (points == null || points <= 0 || points > MAX_PER_OPERATION) {
            throw ProblemException.invalidField(field, "a whole number of points from 1 to " + MAX_PER_OPERATION);
        }
    }

    /** A signed, non-zero number within ±{@link #MAX_PER_OPERATION}; 400 otherwise. */
    public static void requireSignedNonZero(String field, Long points) {
        if (points == null || points == 0 || points > MAX_PER_OPERATION || points < -MAX_PER_OPERATION) {
            throw ProblemException.invalidField(
                    field, "a signed, non-zero whole number of points within ±" + MAX_PER_OPERATION);
        }
    }
}
