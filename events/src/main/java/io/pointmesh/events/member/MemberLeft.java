package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The member left: every service erases what it holds about them (the ledger keeps anonymous entries). */
@RegisterForReflection
public record MemberLeft(String memberId) implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
