package io.pointmesh.ledger.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.ledger.service.AccountQueryService;
import io.pointmesh.ledger.service.MemberPointsService;
import io.pointmesh.ledger.service.SpendingAuthorization;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
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

/** The member of the token (their id is the token's subject) and their own account. */
@Path("/ledger/v1/me")
@Tag(name = "me", description = "The signed-in member's points")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.MEMBER)
public class MeResource {

    public record GiftRequest(String recipientCardNumber, Long points) {}

    public record ConversionRequest(String mileagePartnerId, Long points) {}

    public record PinRequest(String pin, String currentPin) {
        @Override
        public String toString() {
            return "PinRequest[***]";
        }
    }

    // read by json.readValue from the raw body (which may be empty), not by REST: registered for the native image
    @RegisterForReflection
    public record PaymentCodeRequest(Long maxPoints) {}

    @Inject
    Caller caller;

    @Inject
    AccountQueryService accounts;

    @Inject
    MemberPointsService points;

    @Inject
    SpendingAuthorization authorization;

    @Inject
    ObjectMapper json;

    @GET
    @Path("/pin")
    @Operation(summary = "Whether a spending PIN is set, and whether spending with it is locked (never the PIN)")
    public SpendingAuthorization.PinStatus pin() {
        return authorization.pinStatus(caller.subject());
    }

    @PUT
    @Path("/pin")
    @Operation(
            summary =
                    "Set or change the spending PIN (4 to 6 digits, not trivial); currentPin is required once one is set. "
                            + "Stored only as an Argon2id hash")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PinRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.PIN_REQUEST)))
    @APIResponse(responseCode = "204", description = "The PIN is set")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 missing-body trivial-pin; 403 wrong-pin; 423 spending-locked; 429 rate-limited; 503 busy")
    public Response setPin(PinRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a PIN request body is required");
        }
        authorization.setPin(caller.subject(), body.pin(), body.currentPin());
        return Response.noContent().build();
    }

    @POST
    @Path("/payment-codes")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary =
                    "A one-time payment code (16 digits, shown as a barcode or QR) that lets one partner hold up to maxPoints "
                            + "(optional) within its validity (3 minutes by default)")
    @APIResponse(
            responseCode = "201",
            description = "A one-time code, shown once (Cache-Control: no-store)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SpendingAuthorization.IssuedCode.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.PAYMENT_CODE)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "409 pin-not-set; 422 unknown-member member-not-active; 429 too-many-payment-codes")
    public Response paymentCode(
            @RequestBody(
                            content =
                                    @Content(
                                            schema = @Schema(implementation = PaymentCodeRequest.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "request",
                                                            value = ApiExamples.PAYMENT_CODE_REQUEST)))
                    String body)
            throws JsonProcessingException {
        // The body is optional (no body: no limit), so it is read here rather than by the framework.
        PaymentCodeRequest request =
                body == null || body.isBlank() ? null : json.readValue(body, PaymentCodeRequest.class);
        var issued = authorization.issuePaymentCode(caller.subject(), request == null ? null : request.maxPoints());
        return Response.status(201)
                .entity(issued)
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Path("/balance")
    @Operation(
            summary =
                    "Available, pending, held, debt, lifetime earned, spent, expired, and what expires in the next 30 days")
    public AccountQueryService.Balance balance() {
        return accounts.balance(caller.subject());
    }

    @GET
    @Path("/entries")
    @Operation(summary = "The account's entries, newest first, cursor-paged (pass nextCursor back as cursor)")
    public AccountQueryService.EntryPage entries(
            @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
        return accounts.entries(caller.subject(), cursor, limit);
    }

    @POST
    @Path("/gifts")
    @Operation(
            summary =
                    "Give points to another member's card (per-gift and per-day limits); an Idempotency-Key is required")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = GiftRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.GIFT_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Given (Location: the gift)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.GiftView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.GIFT)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.GiftView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed; 409 idempotency-key-reused; 422 insufficient-points debt-outstanding gift-limit gift-daily-limit self-gift recipient-not-usable member-not-active unknown-member")
    public Response gift(
            GiftRequest body,
            @Parameter(
                            required = true,
                            description = "required: a retry with the same key and body answers the original")
                    @HeaderParam("Idempotency-Key")
                    String key) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a gift request body is required");
        }
        var outcome = points.gift(caller.subject(), body.recipientCardNumber(), body.points(), key);
        var o = outcome.result();
        return Views.created(
                outcome,
                new Views.GiftView(o.id().toString(), body.recipientCardNumber(), o.points(), o.postedAt()),
                URI.create("/ledger/v1/me/gifts/" + o.id()));
    }

    @POST
    @Path("/conversions")
    @Operation(
            summary =
                    "Convert points to a mileage partner's miles at its rate, minimum and step; an Idempotency-Key is required")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ConversionRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.CONVERSION_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Converted (Location: the conversion)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.ConversionView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CONVERSION)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.ConversionView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed; 409 idempotency-key-reused; 422 insufficient-points debt-outstanding invalid-conversion unknown-mileage-partner unknown-member member-not-active")
    public Response convert(
            ConversionRequest body,
            @Parameter(
                            required = true,
                            description = "required: a retry with the same key and body answers the original")
                    @HeaderParam("Idempotency-Key")
                    String key) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a conversion request body is required");
        }
        var outcome = points.convert(caller.subject(), body.mileagePartnerId(), body.points(), key);
        return Views.created(
                outcome,
                Views.ConversionView.of(outcome.result()),
                URI.create("/ledger/v1/me/conversions/" + outcome.result().id()));
    }
}
