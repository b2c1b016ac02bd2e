package io.pointmesh.partner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The web console (static, under {@code /console/}): where browsers sign in and where they reach each
 * service's API (keys {@code pointmesh.console.*}). Behind the ingress every API shares the console's
 * origin, so the API addresses stay empty; the local stack names each service's port.
 */
@ConfigMapping(prefix = "pointmesh.console")
public interface ConsoleConfig {

    /** The public client people sign in through (authorization code with PKCE): the dashboard's. */
    @WithDefault("pointmesh-dashboard")
    String clientId();

    /** The realm's URL as browsers reach it (default: pointmesh.oidc.url, as the services reach it). */
    Optional<String> oidcUrl();

    Apis apis();

    /**
     * The origins besides its own that the console's scripts may connect to (Keycloak, and the APIs where they
     * are not on the console's origin): its Content-Security-Policy's connect-src, set in application.properties.
     */
    String connectSrc();

    /** Each service's base URL as browsers reach it; empty: the console's own origin. */
    interface Apis {
        Optional<String> member();

        Optional<String> ledger();

        Optional<String> analytics();
    }
}
