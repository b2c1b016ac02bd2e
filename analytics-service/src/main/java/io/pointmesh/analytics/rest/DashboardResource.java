package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.config.AnalyticsConfig;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Where the dashboard (static, under {@code /dashboard/}) sends people to log in. Public: it names
 * the identity provider and a public client, nothing secret; everything the dashboard then shows
 * comes from the secured analytics API with the person's own token.
 */
@Path("/analytics/v1/dashboard")
@Tag(name = "dashboard", description = "The analytics dashboard's login settings")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    public record DashboardConfig(String oidcUrl, String clientId) {}

    @Inject
    AnalyticsConfig config;

    @ConfigProperty(name = "pointmesh.oidc.url")
    String oidcUrl;

    @GET
    @Path("/config")
    @PermitAll
    @Operation(summary = "The OIDC realm and public client the dashboard logs in with (no authentication)")
    public DashboardConfig config() {
        return new DashboardConfig(
                config.dashboard().oidcUrl().orElse(oidcUrl), config.dashboard().clientId());
    }
}
