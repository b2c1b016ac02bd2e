package io.pointmesh.partner.rest;

import io.pointmesh.partner.SettlementStatement;
import io.pointmesh.partner.service.SettlementService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The network-wide settlement run: operators close a month for every partner at once. */
@Path("/partners/v1/settlements")
@Tag(name = "settlement")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SettlementRunResource {

    public record MonthlyCloseRequest(
            @NotNull @Pattern(regexp = "\\d{4}-\\d{2}", message = "a month as YYYY-MM")
            String month) {}

    @Inject
    Caller caller;

    @Inject
    SettlementService settlement;

    @POST
    @Path("/monthly-close")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary = "Close a month for every activated partner (what the hourly job does once a month has ended); "
                    + "answers the statements closed now")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = MonthlyCloseRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.MONTHLY_CLOSE_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The statements closed now (none when every partner was already closed)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = SettlementStatement.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.MONTHLY_CLOSE)))
    @Extension(name = ProblemResponses.EXTENSION, value = "409 period-not-ended")
    public Uni<List<SettlementStatement>> closeMonth(@Valid @NotNull MonthlyCloseRequest body) {
        YearMonth month = io.pointmesh.platform.problem.TimeParams.month("month", body.month());
        return settlement
                .closeMonth(month, caller.actor())
                .map(list -> list.stream().filter(Objects::nonNull).toList());
    }
}
