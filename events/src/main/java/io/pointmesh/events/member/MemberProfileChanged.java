package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The member's demographics changed (what analytics may use under consent). */
@RegisterForReflection
public record MemberProfileChanged(String memberId, Integer birthYear, String gender, String region)
        implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
