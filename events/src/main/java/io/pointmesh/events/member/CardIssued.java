package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A card number now belongs to the member. */
@RegisterForReflection
public record CardIssued(String memberId, String cardNumber) implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
