package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A new member joined with another member's referral code; completed by the first qualifying purchase. */
@RegisterForReflection
public record MemberReferred(String memberId, String referrerMemberId) implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
