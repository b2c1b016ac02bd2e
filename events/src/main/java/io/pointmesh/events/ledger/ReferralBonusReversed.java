package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The purchase that paid a referral bonus was refunded in full, or refunds left it under the qualifying
 * points: the bonus was taken back from both
 * members (from available points, the rest as debt).
 */
@RegisterForReflection
public record ReferralBonusReversed(
        String memberId, String referrerMemberId, long memberPoints, long referrerPoints, String earningId)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
