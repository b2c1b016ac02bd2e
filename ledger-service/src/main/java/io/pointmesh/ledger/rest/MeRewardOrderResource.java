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
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The signed-in member's reward orders: the only place a coupon code is shown, and only to its member. */
@Path("/ledger/v1/me/reward-orders")
@Tag(name = "me", description = "The signed-in member's points")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.MEMBER)
public class MeRewardOrderResource {

    /**
     * {@code pricePoints}: the price the member was shown; the order never pays more (409 price-changed). Without it,
     * an order within 15 minutes of a price raise is refused the same way.
     */
    public record OrderRequest(String rewardId, String shippingAddress, Long pricePoints) {}

    @Inject
    Caller caller;

    @Inject
    RewardService rewards;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Order a reward: its price in points and a unit of its stock (a coupon: one code, shown in the answer) "
                            + "are taken together; shippingAddress for a shipped reward; an Idempotency-Key is required")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = OrderRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REWARD_ORDER_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Ordered (Location: the member's orders); Cache-Control: no-store",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardOrderView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_ORDER)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardOrderView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed; 404 not-found; 409 idempotency-key-reused out-of-stock reward-withdrawn price-changed; 422 insufficient-points "
                            + "debt-outstanding reward-limit-reached reward-not-available not-eligible unknown-member member-not-active")
    public Response orderReward(
            OrderRequest body,
            @Parameter(
                            required = true,
                            description = "required: a retry with the same key and body answers the original")
                    @HeaderParam("Idempotency-Key")
                    String key) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "an order body is required");
        }
        var outcome = rewards.order(caller.subject(), body.rewardId(), body.shippingAddress(), body.pricePoints(), key);
        Response created = Views.created(
                outcome,
                Views.RewardOrderView.forMember(outcome.result()),
                URI.create("/ledger/v1/me/reward-orders/" + outcome.result().id()));
        return Response.fromResponse(created)
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Operation(
            summary = "The member's reward orders, newest first, a page at a time (cursor, nextCursor), each coupon "
                    + "with its code; Cache-Control: no-store")
    @APIResponse(
            responseCode = "200",
            description = "A page of orders",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardOrderListView.class)))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public Response rewardOrders(
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "orders a page, 1 to 200 (default 200)") @QueryParam("limit") Integer limit) {
        var page = rewards.memberOrders(caller.subject(), cursor, limit);
        // coupon codes are bearer values: never kept in an HTTP cache
        return Response.ok(new Views.RewardOrderListView(
                        page.orders().stream()
                                .map(Views.RewardOrderView::forMember)
                                .toList(),
                        page.nextCursor()))
                .header("Cache-Control", "no-store")
                .build();
    }

    @POST
    @Path("/{orderId}/cancellation")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary =
                    "Cancel an order that is not fulfilled yet: the points come back with their original expiry and the "
                            + "stock is restored; repeating it is harmless")
    @APIResponse(
            responseCode = "200",
            description = "Cancelled (header Idempotent-Replayed: true when it already was)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RewardOrderView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REWARD_ORDER_CANCELLED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 order-not-cancellable")
    public Response cancelRewardOrder(@PathParam("orderId") String orderId) {
        var outcome = rewards.cancel(caller.subject(), orderId);
        return Views.ok(outcome, Views.RewardOrderView.forMember(outcome.result()));
    }
}
