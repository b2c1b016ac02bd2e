package io.pointmesh.ledger.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.ledger.RedemptionStatus;
import io.pointmesh.ledger.service.RedemptionService;
import io.pointmesh.ledger.service.RedemptionService.HoldCommand;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/ledger/v1/redemptions")
@Tag(name = "redemptions", description = "Paying with points at the POS: hold, then capture or void")
@Produces(MediaType.APPLICATION_JSON)
public class RedemptionResource {

    /**
     * The member's say-so is {@code cardNumber} + {@code pin}, or {@code paymentCode}. {@code memberId},
     * {@code partnerId} and {@code reason} are for operators' support cases only.
     */
    public record HoldRequest(
            String partnerTxId,
            String cardNumber,
            String pin,
            String paymentCode,
            String memberId,
            String storeCode,
            Long points,
            String partnerId,
            String reason) {
        @Override
        public String toString() {
            // never let the PIN or the code reach a log line
            return "HoldRequest[partnerTxId=" + partnerTxId + ", storeCode=" + storeCode + ", points=" + points + "]";
        }
    }

    // read by json.readValue from the raw body (which may be empty), not by REST: registered for the native image
    @RegisterForReflection
    public record CaptureRequest(Long points) {}

    public record ReversalRequest(String partnerTxId) {}

    @Inject
    Caller caller;

    @Inject
    RedemptionService redemptions;

    @Inject
    io.pointmesh.ledger.service.EarnBatchService batches;

    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary =
                    "Hold points for a payment (status HELD until capture, void, or the hold timeout). Idempotent on partnerTxId. "
                            + "Needs the member's say-so: cardNumber with the member's spending pin, or the paymentCode from the member's app "
                            + "(403 member-authorization-required, wrong-pin, invalid-payment-code; 423 spending-locked after 5 wrong PINs; "
                            + "429 rate-limited after too many failed proofs). Operators may hold by memberId with partnerId and a reason (audited).")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = HoldRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.HOLD_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Held (Location: the redemption)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RedemptionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.HELD)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RedemptionView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body; 403 member-authorization-required wrong-pin pin-not-set invalid-payment-code card-not-usable read-only-credentials partner-not-active no-partner-id; 409 idempotency-key-reused payment-code-used; 422 insufficient-points debt-outstanding payment-code-limit unknown-card unknown-member unknown-store card-blocked member-not-active partner-not-active; 423 spending-locked; 429 rate-limited")
    public Response hold(HoldRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a hold request body is required");
        }
        var command = new HoldCommand(
                body.partnerTxId(),
                body.cardNumber(),
                body.pin(),
                body.paymentCode(),
                body.memberId(),
                body.storeCode(),
                body.points());
        var outcome = caller.isOperator()
                ? redemptions.holdForMember(caller.actor(), body.partnerId(), body.reason(), command)
                // a till waits once its request is valid: uploads are paced meanwhile
                : redemptions.hold(caller.partnerId(), command, batches::tillRequest);
        return Views.created(
                outcome,
                Views.RedemptionView.of(outcome.result()),
                URI.create("/ledger/v1/redemptions/" + outcome.result().id()));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(summary = "One of the partner's redemptions (operators: any)")
    public Views.RedemptionView get(@PathParam("id") UUID id) {
        return Views.RedemptionView.of(redemptions.get(caller.isOperator() ? null : caller.partnerId(), id));
    }

    @POST
    @Path("/{id}/capture")
    @RolesAllowed(Roles.PARTNER)
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary = "Capture the held points, or fewer (the rest goes back); repeating the same capture is harmless")
    @APIResponse(
            responseCode = "200",
            description = "Captured (all the hold, or the points given; the rest is released)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RedemptionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CAPTURED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "403 read-only-credentials partner-not-active no-partner-id; 404 not-found; 409 redemption-not-held hold-lapsed; 422 invalid-capture")
    public Response capture(
            @PathParam("id") UUID id,
            @RequestBody(content = @Content(schema = @Schema(implementation = CaptureRequest.class))) String body)
            throws JsonProcessingException {
        // The body is optional (no body: capture everything held), so it is read here rather than by the framework.
        CaptureRequest request = body == null || body.isBlank() ? null : json.readValue(body, CaptureRequest.class);
        var outcome = redemptions.capture(caller.partnerId(), id, request == null ? null : request.points());
        if (outcome.result().status() == RedemptionStatus.LAPSED) {
            throw ProblemException.conflict(
                    "hold-lapsed", "the hold lapsed before capture; its points went back to the member");
        }
        return Views.ok(outcome, Views.RedemptionView.of(outcome.result()));
    }

    @POST
    @Path("/{id}/void")
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary = "Release the held points; repeating it is harmless (operators: any hold, e.g. one they placed)")
    @APIResponse(
            responseCode = "200",
            description = "Voided: the held points are available again",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RedemptionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.VOIDED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "403 read-only-credentials partner-not-active no-partner-id; 404 not-found; 409 redemption-not-held")
    public Response voidHold(@PathParam("id") UUID id) {
        var outcome = redemptions.voidHold(caller.isOperator() ? null : caller.partnerId(), id);
        return Views.ok(outcome, Views.RedemptionView.of(outcome.result()));
    }

    @POST
    @Path("/{id}/reversals")
    @RolesAllowed(Roles.PARTNER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a captured redemption: the points go back to the member with their original expiry")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReversalRequest.class),
                            examples =
                                    @ExampleObject(name = "request", value = ApiExamples.REDEMPTION_REVERSAL_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "Reversed: the captured points are back with their original expiry",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.RedemptionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REVERSED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body; 403 read-only-credentials partner-not-active no-partner-id; 404 not-found; 409 redemption-not-captured idempotency-key-reused")
    public Response reverse(@PathParam("id") UUID id, ReversalRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a reversal request body is required");
        }
        var outcome = redemptions.reverse(caller.partnerId(), id, body.partnerTxId());
        return Views.ok(outcome, Views.RedemptionView.of(outcome.result()));
    }
}
