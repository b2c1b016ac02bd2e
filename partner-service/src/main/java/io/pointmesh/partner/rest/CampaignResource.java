package io.pointmesh.partner.rest;

import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.CrossPartnerAudience;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.partner.Campaign;
import io.pointmesh.partner.MileageProgram;
import io.pointmesh.partner.service.CampaignService;
import io.pointmesh.partner.service.CampaignService.CampaignCommand;
import io.pointmesh.partner.service.Idempotency;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.net.URI;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/partners/v1/partners/{partnerId}")
@Tag(name = "campaigns", description = "Bonus campaigns with budgets and A/B splits; mileage programs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CampaignResource {

    public record CampaignRequest(
            @NotBlank @Size(max = 120) String name,
            @NotNull BonusKind bonusKind,
            BigDecimal multiplier,
            @Min(1) @Max(1_000_000_000L) Long fixedPoints,
            @NotNull Instant startsAt,
            @NotNull Instant endsAt,
            CampaignTarget target,
            @Size(max = 40) String targetValue,
            @Min(0) Long budgetPoints,

            @DecimalMin(value = "0", inclusive = false) @DecimalMax("1")
            BigDecimal treatmentShare,

            FundedBy fundedBy,
            @Valid AudienceRequest audience,
            @Valid CoFundingRequest coFunding) {}

    /** A joint campaign's audience: members who bought at a partner, or in a category, within the last days. */
    public record AudienceRequest(
            @Size(max = 64) String boughtAtPartnerId,
            @Size(max = 40) String boughtInCategory,

            @NotNull @Min(1) @jakarta.validation.constraints.Max(730)
            Integer withinDays,

            boolean notYetHere) {}

    /** A second partner paying {@code share} of each bonus, once it accepts. */
    public record CoFundingRequest(
            @NotBlank @Size(max = 64) String partnerId,

            @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
            BigDecimal share) {}

    public record EndRequest(@Size(max = 500) String reason) {}

    public record MileageProgramRequest(
            @NotBlank @Size(max = 40) String programCode,

            // bounded: a conversion multiplies points by it (1E+999999999 made the member's conversion fail)
            @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000")
            BigDecimal milesPerPoint,

            @NotNull @Min(1) @Max(1_000_000_000L) Long minimumPoints,
            @NotNull @Min(1) @Max(1_000_000_000L) Long stepPoints) {}

    @RegisterForReflection
    public record CampaignView(
            String campaignId,
            String partnerId,
            String name,
            BonusKind bonusKind,
            BigDecimal multiplier,
            long fixedPoints,
            Instant startsAt,
            Instant endsAt,
            CampaignTarget target,
            String targetValue,
            long budgetPoints,
            BigDecimal treatmentShare,
            FundedBy fundedBy,
            Instant endedAt,
            CrossPartnerAudience audience,
            CoFundingView coFunding) {
        static CampaignView of(Campaign c) {
            return new CampaignView(
                    c.id,
                    c.partnerId,
                    c.name,
                    c.bonusKind,
                    c.multiplier,
                    c.fixedPoints,
                    c.startsAt,
                    c.endsAt,
                    c.target,
                    c.targetValue,
                    c.budgetPoints,
                    c.treatmentShare,
                    c.fundedBy,
                    c.endedAt,
                    c.audience(),
                    c.coFunderId == null
                            ? null
                            : new CoFundingView(
                                    c.coFunderId, c.coFunderShare, c.coFundingStatus, c.coFundingDecidedAt));
        }
    }

    /** Who co-funds the campaign, its share of each bonus, and whether it has accepted (PENDING, ACCEPTED, DECLINED). */
    @RegisterForReflection
    public record CoFundingView(String partnerId, BigDecimal share, String status, Instant decidedAt) {}

    @Inject
    Caller caller;

    @Context
    HttpHeaders headers;

    @Inject
    CampaignService campaigns;

    @POST
    @Path("/campaigns")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary =
                    "Create a campaign: bonus (MULTIPLIER with multiplier, or FIXED with fixedPoints), period, target "
                            + "(EVERYONE, GRADE, SEGMENT with targetValue, CROSS_PARTNER with audience), budgetPoints (0 = none), "
                            + "treatmentShare (A/B), fundedBy, coFunding (another partner's share of each bonus, paid once it accepts)")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.CAMPAIGN_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Created (Location: the campaign)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CAMPAIGN)))
    @APIResponse(
            responseCode = "200",
            description = "A retry with the same Idempotency-Key and body: the campaign it created, as it is now "
                    + "(header Idempotent-Replayed: true); nothing more is created",
            headers =
                    @Header(
                            name = Idempotency.REPLAYED,
                            description = "true: this answers an earlier request with the same key",
                            schema = @Schema(type = SchemaType.STRING, enumeration = "true")),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignView.class),
                            examples = @ExampleObject(name = "replayed", value = ApiExamples.CAMPAIGN)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed; 403 network-funding other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found; 409 partner-not-active co-funder-not-active idempotency-key-reused")
    public Uni<RestResponse<CampaignView>> create(
            @PathParam("partnerId") String partnerId,
            @Parameter(
                            name = Idempotency.HEADER,
                            in = ParameterIn.HEADER,
                            description =
                                    "Optional; 1 to 200 visible ASCII characters, unique per partner and request "
                                            + "(a UUID): a retry with the same key and body answers the first campaign (200, "
                                            + "Idempotent-Replayed: true), the same key with another body 409 idempotency-key-reused",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            minLength = 1,
                                            maxLength = Idempotency.MAX_LENGTH))
                    @HeaderParam(Idempotency.HEADER)
                    String idempotencyKey,
            @Valid @NotNull CampaignRequest body) {
        caller.requirePartnerOrOperator(partnerId);
        // the raw header: an empty value is refused, not taken for an absent header
        String key = Idempotency.key(headers.getRequestHeader(Idempotency.HEADER));
        CampaignCommand cmd = new CampaignCommand(
                body.name(),
                body.bonusKind(),
                body.multiplier(),
                body.fixedPoints(),
                body.startsAt(),
                body.endsAt(),
                body.target(),
                body.targetValue(),
                body.budgetPoints(),
                body.treatmentShare(),
                body.fundedBy(),
                body.audience() == null
                        ? null
                        : new CrossPartnerAudience(
                                body.audience().boughtAtPartnerId(),
                                body.audience().boughtInCategory(),
                                body.audience().withinDays(),
                                body.audience().notYetHere()),
                body.coFunding() == null ? null : body.coFunding().partnerId(),
                body.coFunding() == null ? null : body.coFunding().share());
        return campaigns
                .create(partnerId, cmd, caller.isOperator(), caller.actor(), key)
                .map(o -> o.replayed()
                        ? RestResponse.ResponseBuilder.ok(CampaignView.of(o.value()))
                                .header(Idempotency.REPLAYED, "true")
                                .build()
                        : RestResponse.ResponseBuilder.<CampaignView>created(
                                        URI.create("/partners/v1/partners/" + partnerId + "/campaigns/" + o.value().id))
                                .entity(CampaignView.of(o.value()))
                                .build());
    }

    @GET
    @Path("/campaigns")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The partner's campaigns")
    @Extension(name = ProblemResponses.EXTENSION, value = "403 other-partner partner-not-active no-partner-id")
    public Uni<List<CampaignView>> list(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return campaigns
                .list(partnerId)
                .map(list -> list.stream().map(CampaignView::of).toList());
    }

    @POST
    @Path("/campaigns/{campaignId}/end")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "End a campaign early; ending an ended campaign changes nothing")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EndRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.CAMPAIGN_END_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "Ended (endedAt set; the first end's time when it had already ended)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CAMPAIGN_ENDED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found")
    public Uni<CampaignView> end(
            @PathParam("partnerId") String partnerId,
            @PathParam("campaignId") String campaignId,
            @Valid EndRequest body) {
        caller.requirePartnerOrOperator(partnerId);
        return campaigns
                .end(partnerId, campaignId, body == null ? null : body.reason())
                .map(CampaignView::of);
    }

    @GET
    @Path("/co-funding-requests")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Campaigns other partners asked this partner to co-fund, newest first, with their status "
                    + "(the campaign's own partner and terms; never who its members are)")
    @Extension(name = ProblemResponses.EXTENSION, value = "403 other-partner partner-not-active no-partner-id")
    public Uni<List<CampaignView>> coFundingRequests(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return campaigns
                .coFundingRequests(partnerId)
                .map(list -> list.stream().map(CampaignView::of).toList());
    }

    @POST
    @Path("/co-funding-requests/{campaignId}/accept")
    @Consumes(MediaType.WILDCARD) // no body
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Accept to co-fund another partner's campaign: it is published, and this partner pays its "
                    + "share of each bonus from then on; accepting again changes nothing")
    @APIResponse(
            responseCode = "200",
            description = "Accepted (coFunding.status ACCEPTED)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CO_FUNDED_CAMPAIGN)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found; "
                    + "409 co-funding-decided campaign-ended co-funder-not-active partner-not-active")
    public Uni<CampaignView> acceptCoFunding(
            @PathParam("partnerId") String partnerId, @PathParam("campaignId") String campaignId) {
        caller.requirePartnerOrOperator(partnerId);
        return campaigns
                .decideCoFunding(partnerId, campaignId, true, caller.actor())
                .map(CampaignView::of);
    }

    @POST
    @Path("/co-funding-requests/{campaignId}/decline")
    @Consumes(MediaType.WILDCARD) // no body
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "Decline to co-fund: the campaign is never published; declining again changes nothing")
    @APIResponse(
            responseCode = "200",
            description = "Declined (coFunding.status DECLINED)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CO_FUNDED_CAMPAIGN)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found; "
                    + "409 co-funding-decided")
    public Uni<CampaignView> declineCoFunding(
            @PathParam("partnerId") String partnerId, @PathParam("campaignId") String campaignId) {
        caller.requirePartnerOrOperator(partnerId);
        return campaigns
                .decideCoFunding(partnerId, campaignId, false, caller.actor())
                .map(CampaignView::of);
    }

    @POST
    @Path("/co-funding-requests/{campaignId}/withdrawal")
    @Consumes(MediaType.WILDCARD) // no body
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Withdraw an accepted co-funding: the campaign ends at once (bonuses already earned stay); "
                    + "withdrawing again changes nothing")
    @APIResponse(
            responseCode = "200",
            description = "Withdrawn (coFunding.status WITHDRAWN, endedAt set)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CampaignView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CO_FUNDED_CAMPAIGN)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found; "
                    + "409 co-funding-not-accepted")
    public Uni<CampaignView> withdrawCoFunding(
            @PathParam("partnerId") String partnerId, @PathParam("campaignId") String campaignId) {
        caller.requirePartnerOrOperator(partnerId);
        return campaigns
                .withdrawCoFunding(partnerId, campaignId, caller.actor())
                .map(CampaignView::of);
    }

    @PUT
    @Path("/mileage-program")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Set a mileage partner's conversion terms: milesPerPoint, minimumPoints, stepPoints")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MileageProgramRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.MILEAGE_PROGRAM_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The terms, published to the ledger",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MileageProgram.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.MILEAGE_PROGRAM)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public Uni<MileageProgram> mileageProgram(
            @PathParam("partnerId") String partnerId, @Valid @NotNull MileageProgramRequest body) {
        return campaigns.publishMileageProgram(
                partnerId,
                new MileageProgram(
                        partnerId, body.programCode(), body.milesPerPoint(), body.minimumPoints(), body.stepPoints()),
                caller.actor());
    }
}
