package io.pointmesh.member;

import io.pointmesh.member.service.IdentityAccounts;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Component tests' stand-in for Keycloak's users (deletion is tested end to end against the real Keycloak). */
@Alternative
@Priority(1)
@Singleton
public class FakeIdentityAccounts implements IdentityAccounts {

    public final Set<String> deleted = ConcurrentHashMap.newKeySet();

    @Override
    public Uni<Void> delete(String subject) {
        deleted.add(subject);
        return Uni.createFrom().voidItem();
    }
}
