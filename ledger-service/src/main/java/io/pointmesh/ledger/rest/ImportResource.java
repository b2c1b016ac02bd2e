package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.service.EarnService.EarnCommand;
import io.pointmesh.ledger.service.ImportService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators import a joining partner's purchase history (see ImportService). */
@Path("/ledger/v1/imports")
@Tag(name = "imports", description = "Purchase history brought by a partner joining the network")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ImportResource {

    public record ImportRequest(String importId, String partnerId, List<EarningResource.EarnRequest> earnings) {}

    @Inject
    Caller caller;

    @Inject
    ImportService imports;

    @POST
    @Path("/earnings")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary =
                    "Import up to 1000 past purchases of a partner's customers: each earns under the rules in force at its time, "
                            + "idempotent on partnerTxId, exempt from the back-dating window; audited as an import")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ImportRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.IMPORT_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description =
                    "Each purchase's outcome: EARNED, REPLAYED (imported before) or REJECTED with its problem code",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ImportService.ImportResult.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.IMPORTED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 missing-body")
    public ImportService.ImportResult importEarnings(ImportRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "an import request body is required");
        }
        List<EarnCommand> purchases = body.earnings() == null
                ? null
                : body.earnings().stream()
                        // a null item is that item's refusal (missing-body), not the whole call's 500
                        .map(e -> e == null
                                ? null
                                : new EarnCommand(
                                        e.partnerTxId(),
                                        e.cardNumber(),
                                        e.memberId(),
                                        e.storeCode(),
                                        e.amount(),
                                        e.currency(),
                                        e.occurredAt()))
                        .toList();
        return imports.importEarnings(body.partnerId(), body.importId(), caller.actor(), purchases);
    }
}
