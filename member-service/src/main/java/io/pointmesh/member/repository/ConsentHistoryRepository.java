package io.pointmesh.member.repository;

import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.offset;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** The SQL of {@code consent_change}: each member's consent history; runs in the caller's session. */
@ApplicationScoped
public class ConsentHistoryRepository {

    /** One stored change: its time and the complete choices after it, as JSON. */
    public record Entry(Instant changedAt, String choices) {}

    public Uni<Integer> append(String memberId, Instant changedAt, String choices) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "INSERT INTO consent_change (member_id, changed_at, choices) VALUES (:memberId, :changedAt, :choices)")
                        .setParameter("memberId", memberId)
                        .setParameter("changedAt", offset(changedAt))
                        .setParameter("choices", choices)
                        .executeUpdate());
    }

    /** The member's changes, oldest first. */
    public Uni<List<Entry>> byMember(String memberId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT changed_at, choices FROM consent_change WHERE member_id = :memberId ORDER BY id",
                                Object[].class)
                        .setParameter("memberId", memberId)
                        .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> new Entry(instant(r[0]), (String) r[1]))
                        .toList());
    }

    public Uni<Integer> deleteByMember(String memberId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("DELETE FROM consent_change WHERE member_id = :memberId")
                        .setParameter("memberId", memberId)
                        .executeUpdate());
    }
}
