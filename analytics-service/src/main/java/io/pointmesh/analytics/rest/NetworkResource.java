package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.repository.PartnerDimensionRepository;
import io.pointmesh.analytics.service.ReportService;
import io.pointmesh.platform.csv.Csv;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Transactions;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/analytics/v1/network")
@Tag(name = "network", description = "Network-wide figures for operators")
@Produces(MediaType.APPLICATION_JSON)
public class NetworkResource {

    /** The network at a glance. */
    public record NetworkSummary(long partners, Map<String, Long> partnersByStatus) {}

    @Inject
    ReportService reports;

    @Inject
    PartnerDimensionRepository partners;

    @Inject
    Transactions transactions;

    @Context
    HttpHeaders headers;

    @GET
    @Path("/reports/{kind}")
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
    @Operation(
            summary =
                    "Network-wide members, transactions, stores or rewards report (operators); JSON, or CSV with Accept: text/csv")
    @APIResponse(
            responseCode = "200",
            description = "The report (JSON, or CSV on Accept: text/csv)",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = ReportService.Report.class),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.NETWORK_REPORT)),
                @Content(
                        mediaType = Csv.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description =
                                                "a header row (section, label, metric, value), then a row per row of the report"),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.REPORT_CSV))
            })
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed; 404 not-found")
    public Response report(
            @PathParam("kind") String kind,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("asOf") String asOf) {
        return ReportAnswers.report(headers, reports, null, kind, from, to, asOf, false);
    }

    /** A partner, as the dashboard's partner picker shows it. */
    public record PartnerEntry(String partnerId, String name, String category, String status) {}

    @GET
    @Path("/partners")
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Operation(summary = "The network's partners, by name (operators)")
    public List<PartnerEntry> partners() {
        return transactions.run(partners::partners).stream()
                .map(p -> new PartnerEntry(p.partnerId(), p.legalName(), p.category(), p.status()))
                .toList();
    }

    @GET
    @Path("/summary")
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Operation(summary = "The network at a glance (operators)")
    public NetworkSummary summary() {
        Map<String, Long> byStatus = transactions.run(partners::countByStatus);
        return new NetworkSummary(
                byStatus.values().stream().mapToLong(Long::longValue).sum(), byStatus);
    }
}
