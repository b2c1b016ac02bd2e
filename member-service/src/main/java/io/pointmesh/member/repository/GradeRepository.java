package io.pointmesh.member.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * The SQL of what analytics computes and members see: a member's grade and segment, and the
 * network's grade thresholds. Every method runs in the caller's session (and transaction, where it writes).
 */
@ApplicationScoped
public class GradeRepository {

    /**
     * Sets the member's grade as of {@code asOf}, unless the member left or has a grade from a later
     * computation. Answers the rows changed (0 or 1).
     */
    public Uni<Integer> updateGrade(String memberId, String grade, BigDecimal netSpend12Months, LocalDate asOf) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "UPDATE member SET grade = :grade, net_spend_12m = :netSpend, "
                                        + "grade_as_of = :asOf WHERE id = :memberId AND status <> 'LEFT' AND (grade_as_of IS NULL OR grade_as_of <= :asOf)")
                        .setParameter("grade", grade)
                        .setParameter("netSpend", netSpend12Months)
                        .setParameter("asOf", asOf)
                        .setParameter("memberId", memberId)
                        .executeUpdate());
    }

    /** Sets the member's segment, unless the member left or the one stored comes from a later computation. */
    public Uni<Integer> updateSegment(String memberId, String segment, LocalDate asOf) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE member SET segment = :segment, segment_as_of = :asOf "
                                + "WHERE id = :memberId AND status <> 'LEFT' "
                                + "AND (segment_as_of IS NULL OR segment_as_of <= :asOf)")
                        .setParameter("segment", segment)
                        .setParameter("asOf", asOf)
                        .setParameter("memberId", memberId)
                        .executeUpdate());
    }

    /** Sets a grade's threshold, unless the one stored comes from a later computation. */
    public Uni<Integer> upsertThreshold(String grade, BigDecimal minimumNetSpend, LocalDate asOf) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO grade_threshold (grade, minimum_net_spend, as_of) "
                                + "VALUES (:grade, :minimumNetSpend, :asOf) ON CONFLICT (grade) "
                                + "DO UPDATE SET minimum_net_spend = EXCLUDED.minimum_net_spend, as_of = EXCLUDED.as_of "
                                + "WHERE grade_threshold.as_of <= EXCLUDED.as_of")
                        .setParameter("grade", grade)
                        .setParameter("minimumNetSpend", minimumNetSpend)
                        .setParameter("asOf", asOf)
                        .executeUpdate());
    }

    /** Removes the thresholds of computations older than {@code asOf}. */
    public Uni<Integer> deleteThresholdsBefore(LocalDate asOf) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("DELETE FROM grade_threshold WHERE as_of < :asOf")
                        .setParameter("asOf", asOf)
                        .executeUpdate());
    }

    /** The network's grade thresholds: grade to minimum net spend. */
    public Uni<Map<String, BigDecimal>> thresholds() {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("SELECT grade, minimum_net_spend FROM grade_threshold", Object[].class)
                        .getResultList())
                .map(rows -> {
                    Map<String, BigDecimal> thresholds = new HashMap<>();
                    rows.forEach(r -> thresholds.put((String) r[0], (BigDecimal) r[1]));
                    return thresholds;
                });
    }
}
