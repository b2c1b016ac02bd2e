package io.pointmesh.partner.rest;

import io.pointmesh.platform.security.Caller;

/**
 * An operator's user name (Keycloak's preferred_username, stored as who published, closed or changed something) is
 * the network's staff directory, not a partner's to read: operators see it, the partner (its integration client and
 * its staff) sees {@code "operator"}. Used by every partner-visible view carrying one (lifecycle history
 * {@code actor}, settlement {@code closedBy}, earn rule {@code publishedBy}; docs/security.md).
 */
final class OperatorNames {

    /** What a partner is shown instead of an operator's user name. */
    static final String PARTNERS_VIEW = "operator";

    private OperatorNames() {}

    /** What names a job, not a person ({@code system:monthly-close}): shown as it is. */
    static final String SYSTEM_PREFIX = "system:";

    /** {@code operatorName} as the caller may see it; null stays null (nobody to hide), a job's name stays too. */
    static String seenBy(Caller caller, String operatorName) {
        return operatorName == null || caller.isOperator() || operatorName.startsWith(SYSTEM_PREFIX)
                ? operatorName
                : PARTNERS_VIEW;
    }
}
