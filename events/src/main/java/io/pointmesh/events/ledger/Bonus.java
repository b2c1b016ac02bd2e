package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * One campaign's bonus within an earning. Of {@code points}, {@code coFundedPoints} were paid by the
 * campaign's co-funding partner {@code coFunderId} (null and 0 when nobody co-funds it).
 */
@RegisterForReflection
public record Bonus(String campaignId, long points, String coFunderId, long coFundedPoints) {

    public Bonus(String campaignId, long points) {
        this(campaignId, points, null, 0);
    }

    /** The points of these bonuses that co-funding partners paid. */
    public static long coFunded(List<Bonus> bonuses) {
        return bonuses == null
                ? 0
                : bonuses.stream().mapToLong(Bonus::coFundedPoints).sum();
    }
}
