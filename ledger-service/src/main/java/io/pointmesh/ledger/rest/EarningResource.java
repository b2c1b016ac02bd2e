package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.service.EarnBatchService;
import io.pointmesh.ledger.service.EarnService;
import io.pointmesh.ledger.service.EarnService.EarnCommand;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.Problem;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.problem.ProblemMappers;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Transactions;
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
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/ledger/v1/earnings")
@Tag(name = "earnings", description = "Points for purchases at partner stores, and their reversal on refunds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EarningResource {

    public record EarnRequest(
            String partnerTxId,
            String cardNumber,
            String memberId,
            String storeCode,
            BigDecimal amount,
            String currency,
            Instant occurredAt) {}

    public record ReversalRequest(String partnerTxId, BigDecimal amount) {}

    public record EarnBatchRequest(List<EarnRequest> earnings) {}

    @Inject
    Caller caller;

    @Inject
    EarnService earn;

    @Inject
    EarnBatchService batches;

    @Inject
    Transactions transactions;

    @Inject
    OperationRepository operations;

    @POST
    @RolesAllowed(Roles.PARTNER)
    @Operation(
            summary = "Earn points for a purchase (the partner is the token's partner_id). Idempotent on partnerTxId: "
                    + "a retry answers 200 with the original result, the same id with a different body 409.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EarnRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.EARN_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Earned (Location: the earning)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.EarningView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.EARNING)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.EarningView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed invalid-characters; 403 read-only-credentials partner-not-active no-partner-id; 409 idempotency-key-reused; 422 invalid-amount unsupported-currency occurred-in-future occurred-too-long-ago no-earn-rule rule-cannot-earn points-limit unknown-card unknown-member unknown-store card-blocked member-not-active partner-not-active; 429 rate-limited")
    public Response earn(EarnRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "an earn request body is required");
        }
        // a till waits once its earning is valid and priced: uploads are paced meanwhile
        var outcome = earn.earn(caller.partnerId(), command(body), batches::tillRequest);
        return Views.created(
                outcome,
                Views.EarningView.of(outcome.result()),
                URI.create("/ledger/v1/earnings/" + outcome.result().id()));
    }

    private static EarnCommand command(EarnRequest body) {
        return body == null
                ? null
                : new EarnCommand(
                        body.partnerTxId(),
                        body.cardNumber(),
                        body.memberId(),
                        body.storeCode(),
                        body.amount(),
                        body.currency(),
                        body.occurredAt());
    }

    @POST
    @Path("/batch")
    @RolesAllowed(Roles.PARTNER)
    @Operation(
            summary = "Earn points for many purchases in one request (a day's offline sales, an order file): each "
                    + "purchase exactly as POST /ledger/v1/earnings would answer it, idempotent on its own partnerTxId; "
                    + "a refused purchase fails alone. Sending the same batch again earns nothing twice.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EarnBatchRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.EARN_BATCH_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "Every purchase's answer, in the order sent: status 201 earned, 200 a retry of a stored "
                    + "earning, 4xx refused with its problem (the codes of POST /ledger/v1/earnings)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.EarnBatchView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.EARN_BATCH)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed invalid-content-length; 403 read-only-credentials partner-not-active no-partner-id; 411 length-required; 413 batch-too-large; 429 too-many-batches; 503 busy unavailable")
    public Views.EarnBatchView earnBatch(EarnBatchRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a batch request body is required");
        }
        String partnerId = caller.partnerId();
        List<EarnCommand> purchases = body.earnings() == null
                ? null
                : body.earnings().stream().map(EarningResource::command).toList();
        var answers = batches.earnAll(partnerId, purchases);
        List<Views.EarnBatchItemView> results = new ArrayList<>(answers.size());
        int earned = 0;
        int replayed = 0;
        boolean unavailable = false;
        for (int i = 0; i < answers.size(); i++) {
            var answer = answers.get(i);
            EarnCommand cmd = purchases.get(i);
            String txId = cmd == null ? null : cmd.partnerTxId();
            if (answer.outcome() != null) {
                boolean again = answer.outcome().replayed();
                earned += again ? 0 : 1;
                replayed += again ? 1 : 0;
                results.add(new Views.EarnBatchItemView(
                        i,
                        txId,
                        again ? 200 : 201,
                        again ? "REPLAYED" : "EARNED",
                        Views.EarningView.of(answer.outcome().result()),
                        null));
            } else {
                Problem problem = ProblemMappers.describe(answer.failure(), "/ledger/v1/earnings/batch");
                unavailable |= problem.status() == 503;
                results.add(new Views.EarnBatchItemView(i, txId, problem.status(), "REJECTED", null, problem));
            }
        }
        if (unavailable) {
            // not the purchases' fault: the whole batch is to be sent again (what was earned is answered REPLAYED)
            throw ProblemException.unavailable(
                    "unavailable", "the database was unavailable for some purchases; send the batch again", 5);
        }
        return new Views.EarnBatchView(answers.size(), earned, replayed, answers.size() - earned - replayed, results);
    }

    @GET
    @Path("/{earningId}")
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(summary = "One earning: the partner that posted it, or an operator")
    public Views.EarningView get(@PathParam("earningId") UUID earningId) {
        String partner = caller.isOperator() ? null : caller.partnerId();
        return transactions
                .run(c -> operations.findEarning(c, earningId))
                .filter(e -> partner == null || e.partnerId().equals(partner))
                .map(Views.EarningView::of)
                .orElseThrow(() -> ProblemException.notFound("earning", earningId.toString()));
    }

    @POST
    @Path("/{earningId}/reversals")
    @RolesAllowed(Roles.PARTNER)
    @Operation(
            summary = "Reverse an earning for a full or partial refund (amount = the refunded purchase amount); "
                    + "points in proportion, never more than earned; may leave the member in debt")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReversalRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.REVERSAL_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Reversed (Location: the reversal)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.ReversalView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.REVERSAL)))
    @APIResponse(
            responseCode = "200",
            description =
                    "A retry with the same key and body: the original answer again (header Idempotent-Replayed: true)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Views.ReversalView.class)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 missing-body validation-failed invalid-characters; 403 read-only-credentials partner-not-active no-partner-id; 404 not-found; 409 idempotency-key-reused; 422 invalid-amount refund-exceeds-purchase")
    public Response reverse(@PathParam("earningId") UUID earningId, ReversalRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a reversal request body is required");
        }
        var outcome = earn.reverse(caller.partnerId(), earningId, body.partnerTxId(), body.amount());
        return Views.created(
                outcome,
                Views.ReversalView.of(outcome.result()),
                URI.create("/ledger/v1/earnings/" + earningId + "/reversals/"
                        + outcome.result().id()));
    }
}
