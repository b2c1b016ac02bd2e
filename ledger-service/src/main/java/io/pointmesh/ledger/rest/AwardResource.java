package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.repository.AwardRepository.AwardRow;
import io.pointmesh.ledger.service.AwardService;
import io.pointmesh.ledger.service.AwardService.AwardCommand;
import io.pointmesh.ledger.service.AwardService.AwardStatus;
import io.pointmesh.ledger.service.AwardService.Requester;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Bulk awards: points to many members at once, credited in batches (see AwardService, AwardWorker). */
@Path("/ledger/v1/awards")
@Tag(name = "awards", description = "Bulk awards: points to a list of members, a grade or a segment")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AwardResource {

    /** Exactly one of memberIds, grade or segment; asOf (grade and segment only) may be omitted or today. */
    public record AudienceRequest(List<String> memberIds, String grade, String segment, String asOf) {}

    public record AwardRequest(
            String awardId,
            Long points,
            String reason,
            String campaignRef,
            String fundedBy,
            String partnerId,
            AudienceRequest audience) {}

    /**
     * An award as it stands. Counts only: {@code skippedByReason} (member-left, member-suspended,
     * unknown-member, not-a-customer) is answered to operators, never to a partner.
     */
    @RegisterForReflection
    public record AwardView(
            String awardId,
            String status,
            long points,
            String fundedBy,
            String partnerId,
            String reason,
            String campaignRef,
            String audience,
            String audienceValue,
            LocalDate asOf,
            int members,
            int credited,
            int skipped,
            int pending,
            long pointsCredited,
            Map<String, Integer> skippedByReason,
            Instant createdAt,
            Instant finishedAt,
            Instant cancelledAt,
            String cancelReason) {
        static AwardView of(AwardStatus s) {
            AwardRow a = s.award();
            return new AwardView(
                    a.awardId(),
                    a.status(),
                    a.points(),
                    a.fundedBy(),
                    a.partnerId(),
                    a.reason(),
                    a.campaignRef(),
                    a.audience(),
                    a.audienceValue(),
                    a.asOf(),
                    a.members(),
                    a.credited(),
                    a.skipped(),
                    a.members() - a.credited() - a.skipped(),
                    a.pointsCredited(),
                    s.skippedByReason(),
                    a.createdAt(),
                    a.finishedAt(),
                    a.cancelledAt(),
                    a.cancelReason());
        }
    }

    @Inject
    Caller caller;

    @Inject
    AwardService awards;

    private Requester requester() {
        return caller.isOperator()
                ? Requester.operator(caller.actor())
                : new Requester(caller.partnerId(), caller.actor());
    }

    @POST
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Award points to a list of members, or to everyone of a grade or segment (as of a day), "
                    + "funded by a partner or the network; idempotent on awardId; credited in batches, "
                    + "each member's credit its own posting and event. A partner awards only its own customers, "
                    + "from its own issuance, and sees counts only")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AwardRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.AWARD_REQUEST)))
    @APIResponse(
            responseCode = "202",
            description = "Accepted: the audience is resolved; members are credited in batches "
                    + "(Location: the award, for its progress)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AwardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.AWARD)))
    @APIResponse(
            responseCode = "200",
            description = "The same awardId and body again: the award as it stands (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AwardView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 missing-body; 403 network-funding-forbidden other-partner; 409 idempotency-key-reused; "
                    + "422 as-of-not-supported empty-audience partner-not-active")
    public Response createAward(AwardRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "an award request body is required");
        }
        AudienceRequest a = body.audience();
        if (a == null) {
            throw ProblemException.invalidField("audience", "required: memberIds, grade or segment");
        }
        Outcome<AwardStatus> outcome = awards.create(
                requester(),
                new AwardCommand(
                        body.awardId(),
                        body.points(),
                        body.reason(),
                        body.campaignRef(),
                        body.fundedBy(),
                        body.partnerId(),
                        a.memberIds(),
                        a.grade(),
                        a.segment(),
                        a.asOf()));
        AwardView view = AwardView.of(outcome.result());
        if (outcome.replayed()) {
            return Response.ok(view).header(Views.REPLAYED, "true").build();
        }
        // an award is read back by its caller's id, in the caller's scope (the network's, or the partner's)
        // a path segment, not a form: a space is %20 (URLEncoder's "+" would name another award)
        String location = "/ledger/v1/awards/"
                + URLEncoder.encode(view.awardId(), StandardCharsets.UTF_8).replace("+", "%20");
        return Response.accepted(view).location(URI.create(location)).build();
    }

    public record CancelRequest(String reason) {}

    @POST
    @Path("/{awardId}/cancellation")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Cancel an award: members not yet credited are not credited (skipped, award-cancelled); those "
                    + "credited keep their points. Again: the award as it stands. Scoped as GET")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CancelRequest.class),
                            examples =
                                    @ExampleObject(
                                            name = "request",
                                            value = "{\"reason\": \"sent to the wrong segment\"}")))
    @APIResponse(
            responseCode = "200",
            description = "Cancelled: DONE, with cancelledAt and cancelReason",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AwardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.AWARD)))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed; 404 not-found; 409 award-finished")
    public AwardView cancelAward(
            @PathParam("awardId") String awardId, @QueryParam("partnerId") String partnerId, CancelRequest body) {
        return AwardView.of(awards.cancel(requester(), awardId, partnerId, body == null ? null : body.reason()));
    }

    @GET
    @Path("/{awardId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "An award's progress: PENDING, RUNNING or DONE, with its counts. Operators read the network's "
                    + "awards, or a partner's with partnerId; a partner only its own")
    @APIResponse(
            responseCode = "200",
            description = "The award as it stands",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AwardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.AWARD)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public AwardView getAward(@PathParam("awardId") String awardId, @QueryParam("partnerId") String partnerId) {
        return AwardView.of(awards.get(requester(), awardId, partnerId));
    }
}
