package io.pointmesh.events.member;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The member's complete consent choices after a change. */
@RegisterForReflection
public record ConsentChanged(
        String memberId,
        boolean marketingSms,
        boolean marketingEmail,
        boolean marketingPush,
        boolean personalization,
        boolean shareWithAllPartners,
        List<String> sharedPartnerIds)
        implements MemberEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
