package io.pointmesh.partner.rest;

import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.service.PartnerService;
import io.pointmesh.platform.openapi.ProblemResponses;
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
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/partners/v1/partners")
@Tag(name = "partners", description = "Partner onboarding and lifecycle")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PartnerResource {

    @Inject
    PartnerService service;

    @Inject
    Caller caller;

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Register a partner (status PENDING until activated)")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PartnerRequests.RegisterPartner.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REGISTER_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Registered, PENDING (Location: the partner)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PartnerView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REGISTERED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "409 duplicate-business-registration-number")
    public Uni<RestResponse<PartnerView>> register(@Valid @NotNull PartnerRequests.RegisterPartner request) {
        return service.register(request, caller.actor())
                .map(p -> RestResponse.ResponseBuilder.<PartnerView>created(URI.create("/partners/v1/partners/" + p.id))
                        .entity(PartnerView.of(p))
                        .build());
    }

    @GET
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "List partners, optionally by status")
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public Uni<List<PartnerView>> list(
            @QueryParam("status") PartnerStatus status,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return service.list(status, offset, limit)
                .map(l -> l.stream().map(PartnerView::of).toList());
    }

    @GET
    @Path("/{partnerId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "One partner (an operator, or the partner itself)")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<PartnerView> get(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return service.get(partnerId).map(PartnerView::of);
    }

    /** Why an operator changes a partner's status (kept in the audit trail and the event). */
    public record TransitionRequest(@Size(max = 500) String reason) {}

    /** The partner after a transition; clientId and clientSecret only when they were just issued (shown once). */
    @RegisterForReflection
    public record TransitionView(String partnerId, PartnerStatus status, String clientId, String clientSecret) {
        static TransitionView of(PartnerService.Transition t) {
            return new TransitionView(
                    t.partner().id,
                    t.partner().status,
                    t.credentials() == null
                            ? t.partner().clientId
                            : t.credentials().clientId(),
                    t.credentials() == null ? null : t.credentials().clientSecret());
        }
    }

    @RegisterForReflection
    public record AuditView(
            String action, String statusBefore, String statusAfter, String actor, String reason, Instant at) {}

    @POST
    @Path("/{partnerId}/activation")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary = "Activate a PENDING partner: creates its OIDC client and answers clientId and clientSecret, once")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.ACTIVATION_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "ACTIVE, with its client credentials (the secret is shown once)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.ACTIVATED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition")
    public Uni<TransitionView> activate(@PathParam("partnerId") String partnerId, @Valid TransitionRequest body) {
        return service.activate(partnerId, caller.actor(), reason(body, false)).map(TransitionView::of);
    }

    @POST
    @Path("/{partnerId}/suspension")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Suspend an ACTIVE partner (reason required): it stops earning and redeeming within seconds")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.SUSPENSION_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "SUSPENDED",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.SUSPENDED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition")
    public Uni<TransitionView> suspend(@PathParam("partnerId") String partnerId, @Valid TransitionRequest body) {
        return service.suspend(partnerId, caller.actor(), reason(body, true)).map(TransitionView::of);
    }

    @POST
    @Path("/{partnerId}/reinstatement")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Reinstate a SUSPENDED partner (reason required)")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REINSTATEMENT_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "ACTIVE again",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REINSTATED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition")
    public Uni<TransitionView> reinstate(@PathParam("partnerId") String partnerId, @Valid TransitionRequest body) {
        return service.reinstate(partnerId, caller.actor(), reason(body, true)).map(TransitionView::of);
    }

    @POST
    @Path("/{partnerId}/offboarding")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Offboard a partner (reason required): its client is disabled, its data kept for settlement")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.OFFBOARDING_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "OFFBOARDED (its client disabled)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.OFFBOARDED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition")
    public Uni<TransitionView> offboard(@PathParam("partnerId") String partnerId, @Valid TransitionRequest body) {
        return service.offboard(partnerId, caller.actor(), reason(body, true)).map(TransitionView::of);
    }

    @POST
    @Path("/{partnerId}/credentials/rotation")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Issue a new client secret; the old one stops working")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.ROTATION_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The new client secret, shown once",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TransitionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.ROTATED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition no-client")
    public Uni<TransitionView> rotate(@PathParam("partnerId") String partnerId, @Valid TransitionRequest body) {
        return service.rotateCredentials(partnerId, caller.actor(), reason(body, false))
                .map(TransitionView::of);
    }

    @GET
    @Path("/{partnerId}/history")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The partner's lifecycle audit trail: who, when, why")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<List<AuditView>> history(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        // every transition is an operator's: operators see who, the partner only that it was the network's
        // operator (an operator's user name is the network's staff directory, not the partner's to read)
        return service.history(partnerId)
                .map(list -> list.stream()
                        .map(a -> new AuditView(
                                a.action,
                                a.statusBefore,
                                a.statusAfter,
                                OperatorNames.seenBy(caller, a.actor),
                                a.reason,
                                a.at))
                        .toList());
    }

    private static String reason(TransitionRequest body, boolean required) {
        String reason =
                body == null || body.reason() == null ? null : body.reason().strip();
        if (required && (reason == null || reason.isEmpty())) {
            throw ProblemException.invalidField("reason", "required");
        }
        return reason;
    }
}
