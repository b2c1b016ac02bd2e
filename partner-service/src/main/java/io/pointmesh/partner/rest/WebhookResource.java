package io.pointmesh.partner.rest;

import io.pointmesh.partner.Webhook;
import io.pointmesh.partner.WebhookDelivery;
import io.pointmesh.partner.service.Idempotency;
import io.pointmesh.partner.service.WebhookService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.Problem;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * A partner's webhooks (docs/partners.md, "Webhooks"): the partner's integration client or an
 * operator manages them; staff sign-ins only read (platform's PartnerAccessFilter). Another
 * partner's webhook is never found: every lookup is by the partner of the path and the webhook id.
 */
@Path("/partners/v1/partners/{partnerId}/webhooks")
// every operation: another partner or a staff sign-in writing (403), an id that is not this partner's (404)
@APIResponse(
        responseCode = "403",
        description = "Another partner, or a read-only staff sign-in changing anything",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "404",
        description = "No such partner, or no such webhook or delivery of this partner",
        content =
                @Content(
                        mediaType = Problem.MEDIA_TYPE,
                        schema = @Schema(implementation = Problem.class),
                        examples = @ExampleObject(name = "unknown", value = WebhookResource.NOT_FOUND_EXAMPLE)))
@Tag(
        name = "webhooks",
        description = "The partner's own events pushed to its HTTPS endpoint, signed (Standard Webhooks)")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhookResource {

    static final String BASE = "/partners/v1/partners/";
    static final String WEBHOOK_EXAMPLE = "{\"webhookId\": \"0b6f1c7e-3c1e-4a4e-9a57-1f0e7b8a2c11\", "
            + "\"partnerId\": \"1fa9849c-6d0b-4a3b-8f6e-2b1c2d3e4f50\", \"url\": \"https://pos.example.com/pointmesh\", "
            + "\"events\": [\"points.earned\", \"redemption.captured\"], \"status\": \"ENABLED\", "
            + "\"disabledReason\": null, \"disabledAt\": null, \"createdAt\": \"2026-11-26T01:30:00Z\", "
            + "\"secretRotatedAt\": null, \"previousSecretExpiresAt\": null}";
    static final String SECRET_EXAMPLE = "{\"webhookId\": \"0b6f1c7e-3c1e-4a4e-9a57-1f0e7b8a2c11\", "
            + "\"partnerId\": \"1fa9849c-6d0b-4a3b-8f6e-2b1c2d3e4f50\", \"url\": \"https://pos.example.com/pointmesh\", "
            + "\"events\": [\"points.earned\"], \"status\": \"ENABLED\", "
            + "\"secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1xRc0UhNGqM=\", \"previousSecretExpiresAt\": null}";
    static final String DELIVERY_EXAMPLE = "{\"deliveryId\": \"5d2f0a8e-2b7c-4f3e-9a1d-8c6b4e2f1a07\", "
            + "\"webhookId\": \"0b6f1c7e-3c1e-4a4e-9a57-1f0e7b8a2c11\", \"eventType\": \"points.earned\", "
            + "\"status\": \"DELIVERED\", \"attempts\": 3, \"lastHttpStatus\": 200, \"lastError\": null, "
            + "\"createdAt\": \"2026-11-26T01:31:00Z\", \"lastAttemptAt\": \"2026-11-26T01:31:12Z\", "
            + "\"nextAttemptAt\": \"2026-11-26T01:31:12Z\", \"finishedAt\": \"2026-11-26T01:31:12Z\"}";
    static final String BAD_URL_EXAMPLE = "{\"type\": \"urn:pointmesh:problem:validation-failed\", "
            + "\"title\": \"Invalid request\", \"status\": 400, \"detail\": \"url: https:// only (http:// is allowed "
            + "for a loopback receiver in development)\", \"code\": \"validation-failed\", "
            + "\"errors\": [{\"field\": \"url\", \"message\": \"https:// only\"}]}";
    static final String NOT_FOUND_EXAMPLE = "{\"type\": \"urn:pointmesh:problem:not-found\", \"title\": \"Not found\", "
            + "\"status\": 404, \"detail\": \"webhook 0b6f1c7e-... does not exist\", \"code\": \"not-found\"}";

    /** {@code events}: stable names, see docs/partners.md (points.earned, points.reversed, ...). */
    public record WebhookRequest(
            @NotNull @Size(max = 2000) String url,
            @NotNull @Size(min = 1, max = 20) List<String> events) {}

    @RegisterForReflection
    public record WebhookView(
            String webhookId,
            String partnerId,
            String url,
            List<String> events,
            Webhook.Status status,
            String disabledReason,
            Instant disabledAt,
            Instant createdAt,
            Instant secretRotatedAt,
            Instant previousSecretExpiresAt) {
        static WebhookView of(Webhook w) {
            return new WebhookView(
                    w.id(),
                    w.partnerId(),
                    w.url(),
                    w.events(),
                    w.status(),
                    w.disabledReason(),
                    w.disabledAt(),
                    w.createdAt(),
                    w.secretRotatedAt(),
                    w.previousSecretExpiresAt());
        }
    }

    /** The answer of creation and rotation: the only time the secret is shown. */
    @RegisterForReflection
    public record WebhookWithSecret(
            String webhookId,
            String partnerId,
            String url,
            List<String> events,
            Webhook.Status status,
            String secret,
            Instant previousSecretExpiresAt) {
        static WebhookWithSecret of(WebhookService.WithSecret s) {
            Webhook w = s.webhook();
            return new WebhookWithSecret(
                    w.id(), w.partnerId(), w.url(), w.events(), w.status(), s.secret(), w.previousSecretExpiresAt());
        }
    }

    /** A page of the delivery log, newest first. */
    @RegisterForReflection
    public record DeliveryPage(List<WebhookDelivery> items, int offset, int limit, long total) {}

    @Inject
    Caller caller;

    @Context
    HttpHeaders headers;

    @Inject
    WebhookService webhooks;

    @POST
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "Register a webhook: url (https://), events (stable names); answers the signing secret, once")
    @APIResponse(
            responseCode = "201",
            description = "Registered; secret (whsec_...) is shown only here",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookWithSecret.class),
                            examples = @ExampleObject(name = "created", value = SECRET_EXAMPLE)))
    @APIResponse(
            responseCode = "200",
            description = "A retry with the same Idempotency-Key and body: the first answer again, with the secret "
                    + "(the one that signs now), header Idempotent-Replayed: true; nothing more is registered",
            headers =
                    @Header(
                            name = Idempotency.REPLAYED,
                            description = "true: this answers an earlier request with the same key",
                            schema = @Schema(type = SchemaType.STRING, enumeration = "true")),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookWithSecret.class),
                            examples = @ExampleObject(name = "replayed", value = SECRET_EXAMPLE)))
    @APIResponse(
            responseCode = "400",
            description = "Not an https:// URL, a host that resolves to an internal address, or an unknown event name",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "http", value = BAD_URL_EXAMPLE)))
    @APIResponse(
            responseCode = "409",
            description =
                    "too-many-webhooks, partner-offboarded, idempotency-key-reused (the key came with another body)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed; 403 other-partner partner-not-active no-partner-id read-only-credentials; 404 not-found; 409 too-many-webhooks partner-offboarded idempotency-key-reused secret-unreadable; 503 webhooks-not-configured")
    public Uni<RestResponse<WebhookWithSecret>> create(
            @PathParam("partnerId") String partnerId,
            @Parameter(
                            name = Idempotency.HEADER,
                            in = ParameterIn.HEADER,
                            description = "Optional; 1 to 200 visible ASCII characters, unique per partner and request "
                                    + "(a UUID): a retry with the same key and body answers the first registration "
                                    + "with its secret (200, Idempotent-Replayed: true), the same key with another "
                                    + "body 409 idempotency-key-reused",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            minLength = 1,
                                            maxLength = Idempotency.MAX_LENGTH))
                    @HeaderParam(Idempotency.HEADER)
                    String idempotencyKey,
            @Valid @NotNull WebhookRequest body) {
        caller.requirePartnerOrOperator(partnerId);
        // the raw header: an empty value is refused, not taken for an absent header
        String key = Idempotency.key(headers.getRequestHeader(Idempotency.HEADER));
        return webhooks.create(partnerId, body.url(), body.events(), caller.actor(), key)
                .map(o -> o.replayed()
                        ? RestResponse.ResponseBuilder.ok(WebhookWithSecret.of(o.value()))
                                .header(Idempotency.REPLAYED, "true")
                                .build()
                        : RestResponse.ResponseBuilder.<WebhookWithSecret>created(URI.create(BASE + partnerId
                                        + "/webhooks/" + o.value().webhook().id()))
                                .entity(WebhookWithSecret.of(o.value()))
                                .build());
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The partner's webhooks (never their secrets)")
    @APIResponse(
            responseCode = "200",
            description = "Every webhook of the partner",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookView[].class),
                            examples = @ExampleObject(name = "list", value = "[" + WEBHOOK_EXAMPLE + "]")))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<List<WebhookView>> list(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return webhooks.list(partnerId).map(l -> l.stream().map(WebhookView::of).toList());
    }

    @GET
    @Path("/{webhookId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "One webhook: status (DISABLED with disabledReason and disabledAt after abandoned deliveries)")
    @APIResponse(
            responseCode = "200",
            description = "The webhook (never its secret)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookView.class),
                            examples = @ExampleObject(name = "webhook", value = WEBHOOK_EXAMPLE)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<WebhookView> get(@PathParam("partnerId") String partnerId, @PathParam("webhookId") String webhookId) {
        caller.requirePartnerOrOperator(partnerId);
        return webhooks.get(partnerId, webhookId).map(WebhookView::of);
    }

    @DELETE
    @Path("/{webhookId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "Delete a webhook and its delivery log; nothing more is sent to it")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id read-only-credentials; 404 not-found")
    public Uni<RestResponse<Void>> delete(
            @PathParam("partnerId") String partnerId, @PathParam("webhookId") String webhookId) {
        caller.requirePartnerOrOperator(partnerId);
        return webhooks.delete(partnerId, webhookId).map(v -> RestResponse.noContent());
    }

    @POST
    @Path("/{webhookId}/rotation")
    @Consumes(MediaType.WILDCARD) // no body
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "A new signing secret, shown once; the old one goes on signing beside it for the overlap",
            description = "Deliveries carry both signatures (`webhook-signature: v1,<new> v1,<old>`) until "
                    + "`previousSecretExpiresAt`, so a receiver verifies with either while the new secret is "
                    + "deployed. `overlap`: ISO-8601 duration, PT0S (the old secret signs nothing from now on) "
                    + "to PT72H; PT24H when absent.")
    @APIResponse(
            responseCode = "200",
            description = "The new secret",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookWithSecret.class),
                            examples = @ExampleObject(name = "rotated", value = SECRET_EXAMPLE)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed; 403 other-partner partner-not-active no-partner-id read-only-credentials; 404 not-found; 409 idempotency-key-reused secret-unreadable; 503 webhooks-not-configured")
    public Uni<RestResponse<WebhookWithSecret>> rotate(
            @PathParam("partnerId") String partnerId,
            @PathParam("webhookId") String webhookId,
            @Parameter(description = "How long the previous secret still signs: PT0S to PT72H (default PT24H)")
                    @QueryParam("overlap")
                    String overlap,
            @Parameter(
                            name = Idempotency.HEADER,
                            in = ParameterIn.HEADER,
                            description = "Optional: a retry with the key of the webhook's last rotation and the same "
                                    + "overlap rotates nothing and answers that rotation's secret (200, "
                                    + "Idempotent-Replayed: true); the same key with another overlap 409 "
                                    + "idempotency-key-reused",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            minLength = 1,
                                            maxLength = Idempotency.MAX_LENGTH))
                    @HeaderParam(Idempotency.HEADER)
                    String idempotencyKey) {
        caller.requirePartnerOrOperator(partnerId);
        String key = Idempotency.key(headers.getRequestHeader(Idempotency.HEADER));
        Duration kept = null;
        if (overlap != null) {
            try {
                kept = Duration.parse(overlap);
            } catch (java.time.format.DateTimeParseException e) {
                throw ProblemException.invalidField("overlap", "an ISO-8601 duration such as PT24H or PT0S");
            }
        }
        return webhooks.rotate(partnerId, webhookId, kept, key).map(o -> {
            var answer = RestResponse.ResponseBuilder.ok(WebhookWithSecret.of(o.value()));
            return (o.replayed() ? answer.header(Idempotency.REPLAYED, "true") : answer).build();
        });
    }

    @POST
    @Path("/{webhookId}/enable")
    @Consumes(MediaType.WILDCARD) // no body
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "Enable a disabled webhook: what waited for it is sent, with a new retry window")
    @APIResponse(
            responseCode = "200",
            description = "The webhook, ENABLED",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookView.class),
                            examples = @ExampleObject(name = "enabled", value = WEBHOOK_EXAMPLE)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "403 other-partner partner-not-active no-partner-id read-only-credentials; 404 not-found; 409 partner-offboarded")
    public Uni<WebhookView> enable(@PathParam("partnerId") String partnerId, @PathParam("webhookId") String webhookId) {
        caller.requirePartnerOrOperator(partnerId);
        return webhooks.enable(partnerId, webhookId).map(WebhookView::of);
    }

    @GET
    @Path("/{webhookId}/deliveries")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The webhook's delivery log, newest first, paged (offset, limit)")
    @APIResponse(
            responseCode = "200",
            description = "A page of deliveries",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeliveryPage.class),
                            examples =
                                    @ExampleObject(
                                            name = "page",
                                            value = "{\"items\": [" + DELIVERY_EXAMPLE
                                                    + "], \"offset\": 0, \"limit\": 50, \"total\": 1}")))
    @APIResponse(
            responseCode = "400",
            description = "offset below 0, limit outside 1-500",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 validation-failed; 403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<DeliveryPage> deliveries(
            @PathParam("partnerId") String partnerId,
            @PathParam("webhookId") String webhookId,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        caller.requirePartnerOrOperator(partnerId);
        return webhooks.deliveries(partnerId, webhookId, offset, limit)
                .map(p -> new DeliveryPage(p.items(), p.offset(), p.limit(), p.total()));
    }

    @POST
    @Path("/{webhookId}/deliveries/{deliveryId}/replay")
    @Consumes(MediaType.WILDCARD) // no body
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Send a delivered or abandoned delivery again (same webhook-id, a new retry window); "
                    + "enables the webhook")
    @APIResponse(
            responseCode = "200",
            description = "The delivery, PENDING again",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookDelivery.class),
                            examples = @ExampleObject(name = "replayed", value = DELIVERY_EXAMPLE)))
    @APIResponse(
            responseCode = "409",
            description = "delivery-pending: it is still being retried; partner-offboarded: an offboarded partner is "
                    + "sent nothing",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "403 other-partner partner-not-active no-partner-id read-only-credentials; 404 not-found; 409 delivery-pending partner-offboarded")
    public Uni<WebhookDelivery> replay(
            @PathParam("partnerId") String partnerId,
            @PathParam("webhookId") String webhookId,
            @PathParam("deliveryId") String deliveryId) {
        caller.requirePartnerOrOperator(partnerId);
        return webhooks.replay(partnerId, webhookId, deliveryId);
    }
}
