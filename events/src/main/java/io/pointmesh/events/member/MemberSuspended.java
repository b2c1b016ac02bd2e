package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An operator suspended the member: no earning or redeeming. */
@RegisterForReflection
public record MemberSuspended(String memberId, String actor, String reason) implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
