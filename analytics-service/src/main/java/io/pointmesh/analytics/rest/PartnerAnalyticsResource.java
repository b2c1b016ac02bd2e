package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.repository.ScoringRepository;
import io.pointmesh.analytics.service.HeavyRequests;
import io.pointmesh.analytics.service.ReportService;
import io.pointmesh.platform.csv.Csv;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Transactions;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A partner's own analytics: reports about its customers and its churn-risk ranking (the partner itself, or operators). */
@Path("/analytics/v1/partners/{partnerId}")
@Tag(name = "partner analytics", description = "Database marketing for one partner")
@Produces({MediaType.APPLICATION_JSON, Csv.MEDIA_TYPE})
@Blocking
public class PartnerAnalyticsResource {

    public record AtRisk(
            int rank,
            String memberId,
            double pAlive,
            double expectedPurchases90d,
            String grade,
            String segment,
            String lastPurchaseAt) {}

    @Inject
    Caller caller;

    @Inject
    ReportService reports;

    @Inject
    HeavyRequests heavy;

    @Inject
    Transactions transactions;

    @Inject
    ScoringRepository scores;

    @Inject
    io.pointmesh.analytics.config.AnalyticsConfig config;

    @Context
    HttpHeaders headers;

    @GET
    @Path("/reports/{kind}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary =
                    "members, transactions or stores: purchases in [from, to) (default the 12 months up to asOf), scores as of asOf "
                            + "(default today); rewards: the orders of the partner's own rewards placed in [from, to); JSON, or CSV "
                            + "with Accept: text/csv")
    @APIResponse(
            responseCode = "200",
            description = "The report as this caller may see it (JSON, or CSV on Accept: text/csv)",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = ReportService.Report.class),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.PARTNER_REPORT)),
                @Content(
                        mediaType = Csv.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description =
                                                "a header row (section, label, metric, value), then a row per row of the report"),
                        examples = @ExampleObject(name = "answer", value = ApiExamples.REPORT_CSV))
            })
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed window-too-short; 403 other-partner partner-not-active no-partner-id; 404 not-found; 429 report-budget-spent too-many-in-flight")
    public Response report(
            @PathParam("partnerId") String partnerId,
            @PathParam("kind") String kind,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("asOf") String asOf) {
        caller.requirePartnerOrOperator(partnerId);
        try (HeavyRequests.Slot slot = heavy.enter(caller.isOperator() ? null : partnerId)) {
            // a partner sees its report as docs/privacy.md says (whole weeks, groups of at least k, noise); operators
            // every figure
            return ReportAnswers.report(headers, reports, partnerId, kind, from, to, asOf, !caller.isOperator());
        }
    }

    @GET
    @Path("/churn-risk")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "The partner's customers most likely to have lapsed, riskiest first (members who allow personalization and share their data with this partner only; "
                            + "a partner gets the list only when at least minimum-group such customers are ranked)")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 validation-failed; 403 other-partner partner-not-active no-partner-id; 429 too-many-in-flight")
    public List<AtRisk> churnRisk(
            @PathParam("partnerId") String partnerId,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        caller.requirePartnerOrOperator(partnerId);
        try (HeavyRequests.Slot slot = heavy.enter(caller.isOperator() ? null : partnerId)) {
            return churnRiskRanking(partnerId, limit);
        }
    }

    private List<AtRisk> churnRiskRanking(String partnerId, int limit) {
        return transactions.run(c -> {
            List<AtRisk> out = new ArrayList<>();
            // the one member-level output: personalization and sharing with this partner are what these members
            // consented to; a partner with fewer than k of them gets nothing, so the list is never about a handful
            if (!caller.isOperator() && scores.scoredConsentingCustomers(c, partnerId) < config.minimumGroup()) {
                return out;
            }
            for (Object[] r : scores.riskiestConsentingCustomers(c, partnerId, limit)) {
                out.add(new AtRisk(
                        out.size() + 1,
                        (String) r[0],
                        (Double) r[1],
                        (Double) r[2],
                        (String) r[3],
                        (String) r[4],
                        (String) r[5]));
            }
            return out;
        });
    }
}
