package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.repository.PartnerDimensionRepository;
import io.pointmesh.analytics.service.ReportService;
import io.pointmesh.platform.csv.Csv;
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
                    "Network-wide members, transactions or stores report (operators); JSON, or CSV with Accept: text/csv")
    public Response report(
            @PathParam("kind") String kind,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("asOf") String asOf) {
        return ReportAnswers.answer(
                headers,
                reports.report(
                        null,
                        ReportAnswers.kind(kind),
                        ReportAnswers.date("from", from),
                        ReportAnswers.date("to", to),
                        ReportAnswers.date("asOf", asOf)));
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
