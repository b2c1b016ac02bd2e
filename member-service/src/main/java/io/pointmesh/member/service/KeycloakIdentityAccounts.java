package io.pointmesh.member.service;

import io.pointmesh.platform.identity.KeycloakAdmin;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Members' Keycloak users, through the admin API as member-service's client (realm-management's manage-users). */
@ApplicationScoped
public class KeycloakIdentityAccounts implements IdentityAccounts {

    @Inject
    KeycloakAdmin admin;

    @Override
    public Uni<Void> delete(String subject) {
        return admin.token().chain(token -> admin.delete(token, "/users/" + KeycloakAdmin.encode(subject)));
    }
}
