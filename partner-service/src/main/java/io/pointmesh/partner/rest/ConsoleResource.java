package io.pointmesh.partner.rest;

import io.pointmesh.partner.WebhookEventType;
import io.pointmesh.partner.config.ConsoleConfig;
import io.pointmesh.partner.config.SettlementConfig;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the console (static, under {@code /console/}) needs before anyone signs in: the identity
 * provider, the public client and where each service's API is. Public: nothing in it is secret;
 * everything the console then shows or changes goes through the secured APIs with the person's own
 * token, which decide alone what that person may see and do.
 */
@Path("/partners/v1/console")
@Tag(name = "console", description = "The web console's sign-in settings")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    /** Base URLs of the other services' APIs as browsers reach them ("" for the console's own origin). */
    public record Apis(String member, String partner, String ledger, String analytics) {}

    /**
     * {@code zone}: the network's time zone (settlement's {@code pointmesh.settlement.zone}), where
     * the console's "today" is: statements are periods of the network's days, not the browser's.
     * {@code webhookEvents}: the event names a webhook may subscribe to ({@link WebhookEventType}),
     * which the console's webhook form offers: one list, so the form cannot miss an event the API takes.
     */
    public record ConsoleSettings(
            String oidcUrl, String clientId, Apis apis, String zone, List<String> webhookEvents) {}

    @Inject
    ConsoleConfig config;

    @Inject
    SettlementConfig settlement;

    @ConfigProperty(name = "pointmesh.oidc.url")
    String oidcUrl;

    @GET
    @Path("/config")
    @PermitAll
    @Operation(
            summary =
                    "The OIDC realm, public client, API addresses, network time zone and webhook event names the console uses (no authentication)")
    public ConsoleSettings config() {
        ConsoleConfig.Apis apis = config.apis();
        return new ConsoleSettings(
                config.oidcUrl().orElse(oidcUrl),
                config.clientId(),
                new Apis(
                        apis.member().orElse(""),
                        "",
                        apis.ledger().orElse(""),
                        apis.analytics().orElse("")),
                settlement.zone().getId(),
                WebhookEventType.names());
    }
}
