package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.service.RewardService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reward orders as the reward's partner (or an operator) sees and fulfils them; never with a coupon code. */
@Path("/ledger/v1/reward-orders")
@Tag(name = "reward-orders", description = "Orders of a partner's rewards: to fulfil, or to fail (points back)")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
public class RewardOrderResource {

    public record DecisionRequest(String outcome, String reason) {}

    @Inject
    Caller caller;

    @Inject
    RewardService rewards;

    @GET
    @Operation(
            summary =
                    "Orders of the partner's rewards (an operator: every order), newest first, optionally of one status, "
                            + "a page at a time (cursor, nextCursor); with the shipping address, never the coupon code")
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public Views.RewardOrderListView partnerRewardOrders(
            @QueryParam("status") String status,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "orders a page, 1 to 200 (default 200)") @QueryParam("limit") Integer limit) {
        var page = rewards.partnerOrders(caller.isOperator() ? null : caller.partnerId(), status, cursor, limit);
        return new Views.RewardOrderListView(
                page.orders().stream().map(Views.RewardOrderView::forPartner).toList(), page.nextCursor());
    }

    @POST
    @Path("/{orderId}/fulfilment")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Decide an order: FULFILLED (shipped, redeemed at the till), or FAILED with a reason, which gives the "
                            + "member's points back with their original expiry (an open order, or a coupon whose code did not work). "
                            + "Repeating the same decision is harmless")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DecisionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REWARD_DECISION_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The order as decided (header Idempotent-Replayed: true when it already was)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardOrderView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_ORDER_FAILED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 missing-body; 403 read-only-credentials; 404 not-found; 409 order-not-open")
    public Response decideRewardOrder(@PathParam("orderId") String orderId, DecisionRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a decision body is required");
        }
        var outcome =
                rewards.decide(caller.isOperator() ? null : caller.partnerId(), orderId, body.outcome(), body.reason());
        return Views.ok(outcome, Views.RewardOrderView.forPartner(outcome.result()));
    }
}
