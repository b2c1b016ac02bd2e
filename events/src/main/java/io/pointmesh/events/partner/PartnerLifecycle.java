package io.pointmesh.events.partner;

import java.util.Optional;

/** The partner status each lifecycle event leads to: one rule for every service that follows partners. */
public final class PartnerLifecycle {

    private PartnerLifecycle() {}

    /** PENDING, ACTIVE, SUSPENDED or OFFBOARDED; empty for events that do not change the status. */
    public static Optional<String> statusAfter(PartnerEvent event) {
        if (event instanceof PartnerRegistered) {
            return Optional.of("PENDING");
        }
        if (event instanceof PartnerActivated || event instanceof PartnerReinstated) {
            return Optional.of("ACTIVE");
        }
        if (event instanceof PartnerSuspended) {
            return Optional.of("SUSPENDED");
        }
        if (event instanceof PartnerOffboarded) {
            return Optional.of("OFFBOARDED");
        }
        return Optional.empty();
    }
}
