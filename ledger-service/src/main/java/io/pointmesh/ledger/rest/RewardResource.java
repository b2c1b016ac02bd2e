package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.service.RewardService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The rewards catalogue (docs/rewards.md): partners and operators publish, members browse. */
@Path("/ledger/v1/rewards")
@Tag(name = "rewards", description = "The rewards catalogue: items priced in points, with stock and coupon codes")
@Produces(MediaType.APPLICATION_JSON)
public class RewardResource {

    @Inject
    Caller caller;

    @Inject
    SecurityIdentity identity;

    @Inject
    RewardService rewards;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary =
                    "Publish a reward: a partner's integration client for itself; an operator for any partner (partnerId) or, "
                            + "without one, for the network. stock absent: unlimited; a coupon's stock is its uploaded codes")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RewardService.Publication.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REWARD_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Published (Location: the catalogue)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 missing-body; 403 other-partner read-only-credentials; 409 idempotency-key-reused; "
                    + "422 partner-not-active")
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the reward the first one published, as it stands (header "
                            + "Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardView.class)))
    public Response publishReward(
            RewardService.Publication body,
            @Parameter(description = "send one to retry safely: the same key and body publish one reward")
                    @HeaderParam("Idempotency-Key")
                    String key) {
        var outcome = rewards.publish(callerPartner(), caller.actor(), body, key);
        return Views.created(
                outcome,
                Views.RewardView.of(outcome.result(), null),
                URI.create("/ledger/v1/rewards/" + outcome.result().id()));
    }

    @PUT
    @Path("/{rewardId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary = "Edit a reward's terms (its partner's integration client; an operator for any reward): title, "
                    + "description, imageUrl, pricePoints, perMemberLimit, availableFrom, availableUntil, grades, "
                    + "segments, all of them (a field left out is cleared). A new price is what new orders pay: an "
                    + "order keeps the points it paid. Not the fulfilment, partner or stock (stock-topups; a "
                    + "coupon's: codes)")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RewardService.TermsChange.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REWARD_TERMS_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The reward with its new terms",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_EDITED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 missing-body; 403 read-only-credentials; 404 not-found; 409 reward-withdrawn")
    public Views.RewardView editReward(@PathParam("rewardId") String rewardId, RewardService.TermsChange body) {
        return Views.RewardView.of(rewards.edit(callerPartner(), caller.actor(), rewardId, body), null);
    }

    @POST
    @Path("/{rewardId}/withdrawal")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary = "Withdraw a reward (its partner's integration client; an operator for any reward): no order from "
                    + "now on (409 reward-withdrawn); its orders stand and are fulfilled, failed or cancelled as "
                    + "before; repeating it is harmless")
    @APIResponse(
            responseCode = "200",
            description = "Withdrawn (header Idempotent-Replayed: true when it already was)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_WITHDRAWN)))
    @Extension(name = ProblemResponses.EXTENSION, value = "403 read-only-credentials; 404 not-found")
    public Response withdrawReward(@PathParam("rewardId") String rewardId) {
        var outcome = rewards.withdraw(callerPartner(), caller.actor(), rewardId);
        return Views.ok(outcome, Views.RewardView.of(outcome.result(), null));
    }

    @POST
    @Path("/{rewardId}/stock-topups")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary = "Add units to a stock-limited reward (not a coupon, whose stock is its codes; not an unlimited "
                    + "one); send an Idempotency-Key to retry safely")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RewardService.TopUpRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REWARD_TOP_UP_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Added: the stock left right after the top-up",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RewardService.StockTopUp.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_TOP_UP)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RewardService.StockTopUp.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 missing-body; 403 read-only-credentials; 404 not-found; 409 idempotency-key-reused "
                    + "reward-withdrawn; 422 coupon-stock-is-codes unlimited-stock")
    public Response topUpRewardStock(
            @PathParam("rewardId") String rewardId,
            RewardService.TopUpRequest body,
            @HeaderParam("Idempotency-Key") String key) {
        var outcome = rewards.topUp(callerPartner(), caller.actor(), rewardId, body, key);
        return Views.created(
                outcome,
                RewardService.StockTopUp.of(outcome.result()),
                URI.create("/ledger/v1/rewards/" + rewardId + "/stock-topups/"
                        + outcome.result().id()));
    }

    /** The calling partner, or null for an operator (any reward, the network's too). */
    private String callerPartner() {
        return caller.isOperator() ? null : caller.partnerId();
    }

    @GET
    @RolesAllowed({Roles.MEMBER, Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary =
                    "The catalogue. A member: what they may order now (their grade and segment, in its window, in stock), "
                            + "cheapest first, only what they can afford unless affordable=false; a partner: its own rewards; "
                            + "an operator: every reward")
    @APIResponse(
            responseCode = "200",
            description = "The rewards (a member's answer also says the points they have available)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardListView.class)))
    @Extension(name = ProblemResponses.EXTENSION, value = "422 unknown-member member-not-active")
    public Response listRewards(
            @Parameter(description = "a member's list: only what they can afford (default true)")
                    @QueryParam("affordable")
                    @DefaultValue("true")
                    boolean affordable) {
        if (!caller.isOperator() && !caller.isPartner() && identity.hasRole(Roles.MEMBER)) {
            var catalogue = rewards.forMember(caller.subject(), affordable);
            return Response.ok(new Views.RewardListView(
                            catalogue.available(),
                            catalogue.rewards().stream()
                                    .map(r -> Views.RewardView.of(r, r.pricePoints() <= catalogue.available()))
                                    .toList()))
                    .build();
        }
        var rows = rewards.catalogue(caller.isOperator() ? null : caller.partnerId());
        return Response.ok(new Views.RewardListView(
                        null,
                        rows.stream().map(r -> Views.RewardView.of(r, null)).toList()))
                .build();
    }

    @POST
    @Path("/{rewardId}/codes")
    // any content type is read as the CSV's text (text/csv documented), so a staff sign-in posting anything
    // is refused by PartnerAccessFilter (403 read-only-credentials), not by content negotiation (415)
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary =
                    "Upload a coupon reward's codes: a CSV, one code per line (first column; an optional header 'code'). "
                            + "Each code is added once: the same file sent again adds nothing. The stock is the codes left")
    @RequestBody(
            content =
                    @Content(
                            mediaType = "text/csv",
                            schema =
                                    @Schema(
                                            type =
                                                    org.eclipse.microprofile.openapi.annotations.enums.SchemaType
                                                            .STRING),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REWARD_CODES_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "What the upload added and what the pool already had",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RewardService.CodeUpload.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_CODES)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body; 403 read-only-credentials; 404 not-found; 409 reward-withdrawn; 422 not-a-coupon-reward")
    public RewardService.CodeUpload uploadRewardCodes(@PathParam("rewardId") String rewardId, String csv) {
        UUID id;
        try {
            id = UUID.fromString(rewardId);
        } catch (IllegalArgumentException e) {
            throw io.pointmesh.platform.problem.ProblemException.notFound("reward", rewardId);
        }
        return rewards.uploadCodes(caller.isOperator() ? null : caller.partnerId(), id, csv);
    }
}
