package io.pointmesh.events.ledger;

import io.pointmesh.events.partner.FundedBy;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One member's credit of a bulk award ({@code POST /ledger/v1/awards}): {@code points} from the
 * funding partner's issuance ({@code fundedBy} PARTNER, {@code partnerId} the funder) or from the
 * network's promotion account ({@code fundedBy} NETWORK, {@code partnerId} null). One event per
 * member and award, in the transaction of the member's posting. {@code awardedBy} is whose award it
 * is ("network" for an operator's, else the partner's id): award ids are unique per owner only, so an
 * operator's award and the partner's own may share one (absent in events published before it was added).
 */
@RegisterForReflection
public record PointsAwarded(
        String awardId,
        String memberId,
        String partnerId,
        FundedBy fundedBy,
        long points,
        String reason,
        String campaignRef,
        String awardedBy)
        implements LedgerEvent {

    public PointsAwarded(
            String awardId,
            String memberId,
            String partnerId,
            FundedBy fundedBy,
            long points,
            String reason,
            String campaignRef) {
        this(awardId, memberId, partnerId, fundedBy, points, reason, campaignRef, null);
    }

    @Override
    public String aggregateId() {
        return memberId;
    }
}
