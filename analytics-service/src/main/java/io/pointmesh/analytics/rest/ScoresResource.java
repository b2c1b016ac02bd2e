package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.service.Scoring;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Sql;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDate;

/** Grades, segments and churn scores: recomputation on demand and a member's scores (operators). */
@Path("/analytics/v1")
@Tag(name = "scores", description = "Grades, segments and churn scores")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ScoresResource {

    public record Recomputed(Scoring.GradeRun grades, Scoring.SegmentRun segments, Scoring.ChurnRun churn) {
    }

    public record MemberScores(String memberId, String grade, java.time.LocalDate gradeAsOf, String segment, Double pAlive,
                               Double expectedPurchases90d, LocalDate churnAsOf) {
    }

    @Inject
    Scoring scoring;

    @Inject
    Transactions transactions;

    @POST
    @Path("/scores/recompute")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Recompute grades, segments and churn scores as of a date (default today); changes are published")
    public Recomputed recompute(@QueryParam("asOf") String asOf) {
        LocalDate date = asOf == null || asOf.isBlank() ? scoring.today() : ReportAnswers.date("asOf", asOf);
        return new Recomputed(scoring.regrade(date), scoring.resegment(date), scoring.fitChurn(date));
    }

    @GET
    @Path("/members/{memberId}/scores")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "A member's grade, segment and churn scores as last computed")
    public MemberScores memberScores(@PathParam("memberId") String memberId) {
        return transactions.run(c -> Sql.one(c, "SELECT d.grade, greatest(d.grade_as_of, (SELECT as_of FROM scoring_state WHERE kind = 'grades')), d.segment, "
                                + "s.p_alive, s.expected_90d, s.as_of "
                                + "FROM member_dim d LEFT JOIN churn_score s USING (member_id) WHERE d.member_id = ?",
                        rs -> new MemberScores(memberId, rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3),
                                (Double) rs.getObject(4), (Double) rs.getObject(5), rs.getObject(6, LocalDate.class)), memberId))
                .orElseThrow(() -> ProblemException.notFound("member", memberId));
    }
}
