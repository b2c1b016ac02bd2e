package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A person joined the network. Carries no name, phone or e-mail: those never leave member-service. */
@RegisterForReflection
public record MemberJoined(
        String memberId,
        String cardNumber,
        String referralCode,
        String referredByMemberId,
        Integer birthYear,
        String gender,
        String region)
        implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
