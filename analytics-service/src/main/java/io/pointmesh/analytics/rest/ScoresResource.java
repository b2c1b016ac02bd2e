package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.service.Scoring;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
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
import java.time.format.DateTimeParseException;
import java.util.List;

/** Grades, segments and churn scores: recomputation on demand, a member's scores, the churn-risk ranking. */
@Path("/analytics/v1")
@Tag(name = "scores", description = "Grades, segments, RFM and churn scores")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ScoresResource {

    public record Recomputed(Scoring.GradeRun grades, Scoring.SegmentRun segments, Scoring.ChurnRun churn) {
    }

    public record MemberScores(String memberId, String grade, java.time.LocalDate gradeAsOf, String segment, Double pAlive,
                               Double expectedPurchases90d, LocalDate churnAsOf) {
    }

    public record AtRisk(int rank, String memberId, double pAlive, double expectedPurchases90d, String grade, String segment,
                         String lastPurchaseAt) {
    }

    @Inject
    Scoring scoring;

    @Inject
    Transactions transactions;

    @Inject
    Caller caller;

    @POST
    @Path("/scores/recompute")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Recompute grades, segments and churn scores as of a date (default today); changes are published")
    public Recomputed recompute(@QueryParam("asOf") String asOf) {
        LocalDate date = asOf == null || asOf.isBlank() ? scoring.today() : date(asOf);
        return new Recomputed(scoring.regrade(date), scoring.resegment(date), scoring.fitChurn(date));
    }

    @GET
    @Path("/members/{memberId}/scores")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "A member's grade, segment and churn scores as last computed")
    public MemberScores memberScores(@PathParam("memberId") String memberId) {
        return transactions.run(c -> Sql.one(c, "SELECT d.grade, d.grade_as_of, d.segment, s.p_alive, s.expected_90d, s.as_of "
                                + "FROM member_dim d LEFT JOIN churn_score s USING (member_id) WHERE d.member_id = ?",
                        rs -> new MemberScores(memberId, rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3),
                                (Double) rs.getObject(4), (Double) rs.getObject(5), rs.getObject(6, LocalDate.class)), memberId))
                .orElseThrow(() -> ProblemException.notFound("member", memberId));
    }

    @GET
    @Path("/partners/{partnerId}/churn-risk")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The partner's customers most likely to have lapsed, riskiest first (members who allow personalization only)")
    public List<AtRisk> churnRisk(@PathParam("partnerId") String partnerId,
                                  @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        caller.requirePartnerOrOperator(partnerId);
        return transactions.run(c -> {
            List<AtRisk> out = new java.util.ArrayList<>();
            int[] rank = {0};
            Sql.list(c, "SELECT mp.member_id, s.p_alive, s.expected_90d, d.grade, d.segment, mp.last_at FROM member_partner mp "
                            + "JOIN churn_score s USING (member_id) JOIN member_dim d USING (member_id) "
                            + "WHERE mp.partner_id = ? AND d.personalization AND d.status = 'ACTIVE' "
                            + "ORDER BY s.p_alive, s.expected_90d, mp.member_id LIMIT ?",
                    rs -> new Object[]{rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getString(4), rs.getString(5),
                            rs.getObject(6, java.time.OffsetDateTime.class).toInstant().toString()}, partnerId, limit)
                    .forEach(r -> out.add(new AtRisk(++rank[0], (String) r[0], (Double) r[1], (Double) r[2], (String) r[3],
                            (String) r[4], (String) r[5])));
            return out;
        });
    }

    static LocalDate date(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField("asOf", "an ISO date (YYYY-MM-DD)");
        }
    }
}
