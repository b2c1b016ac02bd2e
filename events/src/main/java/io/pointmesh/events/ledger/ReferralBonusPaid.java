package io.pointmesh.events.ledger;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A referred member's first qualifying purchase (referral-qualifying-points) paid the referral bonus to both members. */
@RegisterForReflection
public record ReferralBonusPaid(
        String memberId, String referrerMemberId, long memberPoints, long referrerPoints, String earningId)
        implements LedgerEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
