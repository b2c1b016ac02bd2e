package io.pointmesh.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until this instance has loaded which partners are barred: an instance that started
 * while its database was down must not serve a suspended partner in the meantime.
 */
@Readiness
@ApplicationScoped
public class PartnerAccessReadiness implements HealthCheck {

    @Inject
    PartnerAccess access;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("partner-access")
                .status(access.loaded())
                .build();
    }
}
