package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.repository.ScoringRepository;
import io.pointmesh.analytics.repository.ScoringRepository.MemberScores;
import io.pointmesh.analytics.service.Scoring;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Transactions;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Grades, segments and churn scores: recomputation on demand and a member's scores (operators). */
@Path("/analytics/v1")
@Tag(name = "scores", description = "Grades, segments and churn scores")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ScoresResource {

    @Inject
    Scoring scoring;

    @Inject
    io.pointmesh.analytics.service.ReportService reports;

    @Inject
    ScoringRepository scores;

    @Inject
    Transactions transactions;

    @POST
    @Path("/scores/recompute")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary = "Recompute grades, segments and churn scores as of a date (default today); changes are published")
    @APIResponse(
            responseCode = "200",
            description = "What each computation did",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Scoring.Recomputed.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.RECOMPUTED)))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public Scoring.Recomputed recompute(@QueryParam("asOf") String asOf) {
        LocalDate date = asOf == null || asOf.isBlank() ? scoring.today() : ReportAnswers.date("asOf", asOf);
        // a future date ranks nobody (its 12 months have no purchases yet), demotes every member, and,
        // stored as the last scoring date, would refuse every daily run until then
        if (date.isAfter(scoring.today())) {
            throw ProblemException.invalidField("asOf", "today (" + scoring.today() + ") or earlier");
        }
        Scoring.Recomputed done = scoring.recompute(date);
        // the scores changed: the default reports are computed again in the background (when snapshots are on)
        reports.precomputeDefaults(true);
        return done;
    }

    @GET
    @Path("/members/{memberId}/scores")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "A member's grade, segment and churn scores as last computed")
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public MemberScores memberScores(@PathParam("memberId") String memberId) {
        return transactions
                .run(c -> scores.memberScores(c, memberId))
                .orElseThrow(() -> ProblemException.notFound("member", memberId));
    }
}
