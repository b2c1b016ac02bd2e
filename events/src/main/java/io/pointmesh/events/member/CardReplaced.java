package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A lost card was blocked and a new one issued; the points stay with the member. */
@RegisterForReflection
public record CardReplaced(String memberId, String blockedCardNumber, String cardNumber) implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
