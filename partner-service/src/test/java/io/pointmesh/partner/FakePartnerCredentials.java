package io.pointmesh.partner;

import io.pointmesh.partner.service.PartnerCredentials;
import io.pointmesh.platform.problem.ProblemException;
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

    /**
     * The identity provider does what it is asked, but its answer is lost (a timeout, a dropped
     * connection): the transition fails and its transaction rolls back, the client's change stays.
     * The state a transition leaves when the database does not commit after the identity provider answered.
     */
    volatile boolean loseAnswers;

    @Override
    public Uni<Credentials> issue(String partnerId) {
        String clientId = PartnerCredentials.clientIdOf(partnerId);
        // as Keycloak does: a client that exists gets a new secret, the old one stops working
        String secret = UUID.randomUUID().toString();
        secrets.put(clientId, secret);
        enabled.put(clientId, true);
        Uni<Credentials> answer = answer(new Credentials(clientId, secret));
        return issueDelay.isZero() ? answer : answer.onItem().delayIt().by(issueDelay);
    }

    @Override
    public Uni<Credentials> rotate(String clientId, boolean enable) {
        if (!secrets.containsKey(clientId)) {
            return Uni.createFrom().failure(ProblemException.conflict("no-client", "the partner has no OIDC client"));
        }
        String secret = UUID.randomUUID().toString();
        secrets.put(clientId, secret);
        if (enable) {
            enabled.put(clientId, true);
        }
        return answer(new Credentials(clientId, secret));
    }

    @Override
    public Uni<Void> enable(String clientId) {
        // as Keycloak does: a client that does not exist is left so
        enabled.computeIfPresent(clientId, (id, was) -> true);
        return answer(null).replaceWithVoid();
    }

    @Override
    public Uni<Void> disable(String clientId) {
        enabled.computeIfPresent(clientId, (id, was) -> false);
        return answer(null).replaceWithVoid();
    }

    private <T> Uni<T> answer(T item) {
        return loseAnswers
                ? Uni.createFrom()
                        .failure(ProblemException.unavailable(
                                "identity-provider-unavailable", "the identity provider's answer was lost", 5))
                : Uni.createFrom().item(item);
    }
}
