package io.pointmesh.member.service;

import io.smallrye.mutiny.Uni;

/** The members' accounts at the identity provider. */
public interface IdentityAccounts {

    /** Removes the account (and with it the person's name and e-mail there); an account already gone is fine. */
    Uni<Void> delete(String subject);
}
