package io.pointmesh.partner.rest;

import io.pointmesh.partner.SettlementStatement;
import io.pointmesh.partner.service.SettlementService;
import io.pointmesh.platform.csv.Csv;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Settlement statements: JSON by default, CSV on {@code Accept: text/csv}. Partners read their
 * own; operators read all and close statements on demand (the monthly close: {@link SettlementRunResource}).
 */
@Path("/partners/v1/partners/{partnerId}/settlements")
@Tag(name = "settlement", description = "Per-partner settlement statements built from the ledger's postings")
@Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
@Consumes(MediaType.APPLICATION_JSON)
public class SettlementResource {

    public record CloseRequest(
            @NotNull LocalDate periodStart, @NotNull LocalDate periodEnd) {}

    @Inject
    Caller caller;

    @Inject
    SettlementService settlement;

    @Inject
    Clock clock;

    @Inject
    io.pointmesh.partner.config.SettlementConfig config;

    @Context
    HttpHeaders headers;

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The partner's closed statements, oldest first (CSV with Accept: text/csv)")
    @APIResponse(
            responseCode = "200",
            description = "The closed statements (JSON, or CSV on Accept: text/csv)",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(type = SchemaType.ARRAY, implementation = SettlementStatement.class),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.STATEMENTS)),
                @Content(
                        mediaType = Csv.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = "a header row, then a row per statement"),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.STATEMENTS_CSV))
            })
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<Response> list(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return settlement
                .statements(partnerId)
                .map(this::seenAll)
                .map(list -> answer("settlements-" + partnerId, list, list));
    }

    @GET
    @Path("/preview")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary =
                    "The statement a period would close as now (status OPEN; nothing stored). Default: this month so far")
    @APIResponse(
            responseCode = "200",
            description = "The statement as it would close now, status OPEN (JSON, or CSV on Accept: text/csv)",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = SettlementStatement.class),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.PREVIEW)),
                @Content(
                        mediaType = Csv.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = "a header row, then a row per statement"))
            })
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 validation-failed; 403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<Response> preview(
            @PathParam("partnerId") String partnerId,
            @QueryParam("periodStart") String periodStart,
            @QueryParam("periodEnd") String periodEnd) {
        caller.requirePartnerOrOperator(partnerId);
        LocalDate today = LocalDate.now(clock.withZone(config.zone()));
        LocalDate start = periodStart == null ? today.withDayOfMonth(1) : date("periodStart", periodStart);
        LocalDate end = periodEnd == null ? today : date("periodEnd", periodEnd);
        return settlement
                .preview(partnerId, start, end, !caller.isOperator())
                .map(st -> answer("settlement-" + partnerId + "-" + start + "-" + end, List.of(st), st));
    }

    @GET
    @Path("/{statementId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "One closed statement (CSV with Accept: text/csv)")
    @APIResponse(
            responseCode = "200",
            description = "The statement (JSON, or CSV on Accept: text/csv)",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = SettlementStatement.class),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.STATEMENT)),
                @Content(
                        mediaType = Csv.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = "a header row, then a row per statement"),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.STATEMENTS_CSV))
            })
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<Response> one(@PathParam("partnerId") String partnerId, @PathParam("statementId") String statementId) {
        caller.requirePartnerOrOperator(partnerId);
        return settlement
                .statement(partnerId, statementId)
                .map(this::seen)
                .map(st -> answer("settlement-" + statementId, List.of(st), st));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary =
                    "Close the partner's statement for a period on demand (periodEnd inclusive); the period must have ended")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CloseRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.CLOSE_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Closed (Location: the statement)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SettlementStatement.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.STATEMENT)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 period-not-ended period-overlaps")
    public Uni<Response> close(@PathParam("partnerId") String partnerId, @Valid @NotNull CloseRequest body) {
        return settlement
                .close(
                        partnerId,
                        io.pointmesh.platform.problem.TimeParams.inRange("periodStart", body.periodStart()),
                        io.pointmesh.platform.problem.TimeParams.inRange("periodEnd", body.periodEnd()),
                        caller.actor())
                .map(st -> Response.created(
                                URI.create("/partners/v1/partners/" + partnerId + "/settlements/" + st.statementId()))
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(st)
                        .build());
    }

    /**
     * A statement as the caller may see it: operators see who closed it; the partner (its integration client and
     * its staff) sees {@code "operator"} for the network's staff member, as its lifecycle history does (an
     * operator's user name is the network's staff directory, not the partner's to read). The monthly job's
     * {@code system:monthly-close} names no person and is shown as it is.
     */
    private SettlementStatement seen(SettlementStatement st) {
        String shown = OperatorNames.seenBy(caller, st.closedBy());
        return java.util.Objects.equals(shown, st.closedBy()) ? st : st.withClosedBy(shown);
    }

    private List<SettlementStatement> seenAll(List<SettlementStatement> statements) {
        return statements.stream().map(this::seen).toList();
    }

    /** {@code json}: the JSON answer (one statement or the list); CSV has a row per statement either way. */
    private Response answer(String fileName, List<SettlementStatement> statements, Object json) {
        if (Csv.wanted(headers)) {
            return Csv.response(
                    fileName + ".csv",
                    SettlementStatement.CSV_COLUMNS,
                    statements.stream().map(SettlementStatement::csvValues).toList());
        }
        return Response.ok(json, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static LocalDate date(String field, String value) {
        return io.pointmesh.platform.problem.TimeParams.date(field, value);
    }
}
