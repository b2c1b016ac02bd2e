package io.pointmesh.member.rest;

import io.pointmesh.member.rest.MemberViews.AuditEntryView;
import io.pointmesh.member.rest.MemberViews.MemberDetail;
import io.pointmesh.member.rest.MemberViews.MemberSummary;
import io.pointmesh.member.service.MembershipService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators: finding members, one member with the audit trail of operators' actions, suspending and reinstating. */
@Path("/members/v1/members")
@Tag(name = "members", description = "Operators' member administration")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class MemberAdminResource {

    public record ReasonRequest(@NotBlank @Size(max = 500) String reason) {}

    @Inject
    Caller caller;

    @Inject
    MembershipService membership;

    @GET
    @Operation(summary = "Find members by mobile number or card number (exactly) or name (a part of it)")
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public Uni<List<MemberSummary>> search(
            @QueryParam("q") @Size(max = 100) String query,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return membership
                .search(query, limit)
                .map(l -> l.stream().map(MemberSummary::of).toList());
    }

    @GET
    @Path("/{memberId}")
    @Operation(summary = "One member, as a search shows them, with every card they had (newest first)")
    @APIResponse(
            responseCode = "200",
            description = "The member; one who left is not found (as in a search: nothing of the person is left)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MemberDetail.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.MEMBER)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public Uni<MemberDetail> member(@PathParam("memberId") String memberId) {
        return membership.forOperator(memberId).map(r -> MemberDetail.of(r.member(), r.cards()));
    }

    @GET
    @Path("/{memberId}/audit")
    @Operation(summary = "Operators' actions on a member (suspensions, reinstatements), newest first")
    @APIResponse(
            responseCode = "200",
            description = "A page of the trail: who did what, when, and why",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = AuditEntryView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.AUDIT)))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed; 404 not-found")
    public Uni<List<AuditEntryView>> memberAudit(
            @PathParam("memberId") String memberId,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return membership
                .auditTrail(memberId, offset, limit)
                .map(l -> l.stream().map(AuditEntryView::of).toList());
    }

    @POST
    @Path("/{memberId}/suspension")
    @Operation(summary = "Suspend a member (no earning, no redeeming), with a reason")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReasonRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.SUSPENSION_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "Suspended (audited with the operator and the reason)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MemberSummary.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.SUSPENDED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition")
    public Uni<MemberSummary> suspend(@PathParam("memberId") String memberId, @Valid @NotNull ReasonRequest body) {
        return membership.suspend(memberId, caller.actor(), body.reason()).map(MemberSummary::of);
    }

    @POST
    @Path("/{memberId}/reinstatement")
    @Operation(summary = "Lift a suspension, with a reason")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReasonRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REINSTATEMENT_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "Reinstated (audited with the operator and the reason)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MemberSummary.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REINSTATED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 invalid-transition")
    public Uni<MemberSummary> reinstate(@PathParam("memberId") String memberId, @Valid @NotNull ReasonRequest body) {
        return membership.reinstate(memberId, caller.actor(), body.reason()).map(MemberSummary::of);
    }
}
