package io.pointmesh.partner;

import io.pointmesh.partner.service.PartnerCredentials;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Component tests' stand-in for Keycloak (the real client creation is tested end to end in
 * e2e-tests against the real Keycloak): remembers clients, their secrets and whether enabled.
 */
@Alternative
@Priority(1)
@Singleton
public class FakePartnerCredentials implements PartnerCredentials {

    final Map<String, String> secrets = new ConcurrentHashMap<>();
    final Map<String, Boolean> enabled = new ConcurrentHashMap<>();

    /** How long Keycloak takes to answer an issue (a slow identity provider, for racing transitions). */
    volatile java.time.Duration issueDelay = java.time.Duration.ZERO;

    @Override
    public Uni<Credentials> issue(String partnerId) {
        String clientId = PartnerCredentials.clientIdOf(partnerId);
        // as Keycloak does: a client that exists gets a new secret, the old one stops working
        String secret = UUID.randomUUID().toString();
        secrets.put(clientId, secret);
        enabled.put(clientId, true);
        Uni<Credentials> answer = Uni.createFrom().item(new Credentials(clientId, secret));
        return issueDelay.isZero() ? answer : answer.onItem().delayIt().by(issueDelay);
    }

    @Override
    public Uni<Credentials> rotate(String clientId) {
        String secret = UUID.randomUUID().toString();
        secrets.put(clientId, secret);
        return Uni.createFrom().item(new Credentials(clientId, secret));
    }

    @Override
    public Uni<Void> disable(String clientId) {
        enabled.put(clientId, false);
        return Uni.createFrom().voidItem();
    }
}
