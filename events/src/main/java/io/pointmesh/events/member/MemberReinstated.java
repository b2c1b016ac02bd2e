package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An operator lifted a member's suspension. */
@RegisterForReflection
public record MemberReinstated(String memberId, String actor, String reason) implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
