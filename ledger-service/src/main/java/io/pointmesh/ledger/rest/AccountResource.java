package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.service.AccountQueryService;
import io.pointmesh.ledger.service.MemberPointsService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators' view of any member account, and their adjustments; partners' balance lookup at the POS. */
@Path("/ledger/v1")
@Tag(name = "accounts", description = "Member accounts for operators and the POS")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    public record AdjustmentRequest(String memberId, Long points, String reason) {}

    public record PinResetRequest(String reason) {}

    /** What a partner's POS may see of a card: the points it can spend now. */
    public record CardBalance(String cardNumber, long available) {}

    @Inject
    Caller caller;

    @Inject
    AccountQueryService accounts;

    @Inject
    MemberPointsService points;

    @Inject
    io.pointmesh.ledger.service.CardLookup cards;

    @Inject
    io.pointmesh.ledger.service.SpendingAuthorization authorization;

    @POST
    @Path("/accounts/{memberId}/pin-reset")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary =
                    "Support: remove a member's forgotten spending PIN and its lock, with a reason (recorded with the operator); "
                            + "the member then sets a new one in the app")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PinResetRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.PIN_RESET_REQUEST)))
    @APIResponse(responseCode = "204", description = "The PIN and its lock are removed")
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public Response resetPin(@PathParam("memberId") String memberId, PinResetRequest body) {
        authorization.resetPin(caller.actor(), memberId, body == null ? null : body.reason());
        return Response.noContent().build();
    }

    @GET
    @Path("/accounts/{memberId}/balance")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "A member's balance (operators)")
    public AccountQueryService.Balance balance(@PathParam("memberId") String memberId) {
        return accounts.balance(memberId);
    }

    @GET
    @Path("/accounts/{memberId}/entries")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "A member's entries, newest first, cursor-paged (operators)")
    public AccountQueryService.EntryPage entries(
            @PathParam("memberId") String memberId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        return accounts.entries(memberId, cursor, limit);
    }

    @POST
    @Path("/adjustments")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary =
                    "Credit (points > 0) or debit (points < 0) a member, with a mandatory reason; the operator is recorded")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AdjustmentRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.ADJUSTMENT_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Adjusted (Location: the adjustment)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.AdjustmentView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.ADJUSTMENT)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.AdjustmentView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed; 409 idempotency-key-reused; 422 insufficient-points unknown-member member-not-active")
    public Response adjust(AdjustmentRequest body, @HeaderParam("Idempotency-Key") String key) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "an adjustment request body is required");
        }
        var outcome = points.adjust(caller.actor(), body.memberId(), body.points(), body.reason(), key);
        return Views.created(
                outcome,
                Views.AdjustmentView.of(outcome.result()),
                URI.create("/ledger/v1/adjustments/" + outcome.result().id()));
    }

    @GET
    @Path("/cards/{cardNumber}/balance")
    @RolesAllowed(Roles.PARTNER)
    @Operation(summary = "The points a card can spend now (partners at the POS; nothing else about the member)")
    public CardBalance cardBalance(@PathParam("cardNumber") String cardNumber) {
        caller.requireIntegrationClient(); // the till's, not a staff sign-in's
        return new CardBalance(cardNumber, cards.availableOnCard(caller.partnerId(), cardNumber));
    }
}
