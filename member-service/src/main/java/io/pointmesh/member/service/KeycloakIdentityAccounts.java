package io.pointmesh.member.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.pointmesh.platform.identity.KeycloakAdmin;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Members' Keycloak users, through the admin API as member-service's client. Least privilege: its
 * service account holds no realm-management role beyond {@code query-users}; the realm's
 * fine-grained admin permissions let it view and manage users and map the realm role
 * {@code member} only. The realm cannot tell members from staff (both are plain users), so this
 * class is the guard: it never removes an account that holds a staff role ({@code operator},
 * {@code partner}), e.g. a staff member who also used the card app and left (docs/deploy.md,
 * "Identity: least privilege").
 */
@ApplicationScoped
public class KeycloakIdentityAccounts implements IdentityAccounts {

    private static final Logger LOG = Logger.getLogger(KeycloakIdentityAccounts.class);

    /** Realm roles of accounts member-service must leave alone. */
    static final Set<String> STAFF_ROLES = Set.of("operator", "partner");

    @Inject
    KeycloakAdmin admin;

    @Override
    public Uni<Void> delete(String subject) {
        String user = "/users/" + KeycloakAdmin.encode(subject);
        return admin.token()
                .chain(token -> admin.find(token, user + "/role-mappings/realm/composite")
                        .chain(roles -> {
                            if (roles.isEmpty()) {
                                return Uni.createFrom().voidItem(); // already gone
                            }
                            for (JsonNode role : roles.get()) {
                                if (STAFF_ROLES.contains(role.path("name").asText())) {
                                    LOG.warnf(
                                            "not removing identity account %s: it holds the staff role %s (only members' accounts are erased)",
                                            subject, role.path("name").asText());
                                    return Uni.createFrom().voidItem();
                                }
                            }
                            return admin.delete(token, user);
                        }));
    }
}
