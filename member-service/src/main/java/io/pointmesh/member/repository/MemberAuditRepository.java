package io.pointmesh.member.repository;

import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.offset;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** The SQL of {@code member_audit}: operators' actions on members, never updated; runs in the caller's transaction. */
@ApplicationScoped
public class MemberAuditRepository {

    /** One action of an operator on a member. */
    public record Entry(String action, String actor, String reason, Instant at) {}

    public Uni<Integer> insert(String memberId, String action, String actor, String reason, Instant at) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "INSERT INTO member_audit (member_id, action, actor, reason, at) VALUES (:memberId, :action, :actor, :reason, :at)")
                        .setParameter("memberId", memberId)
                        .setParameter("action", action)
                        .setParameter("actor", actor)
                        .setParameter("reason", reason)
                        .setParameter("at", offset(at))
                        .executeUpdate());
    }

    /** The member's trail, newest first (the same instant: the later recorded first), a page of it. */
    public Uni<List<Entry>> byMember(String memberId, int offset, int limit) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT action, actor, reason, at FROM member_audit WHERE member_id = :memberId "
                                        + "ORDER BY at DESC, id DESC OFFSET :offset LIMIT :limit",
                                Object[].class)
                        .setParameter("memberId", memberId)
                        .setParameter("offset", offset)
                        .setParameter("limit", limit)
                        .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> new Entry((String) r[0], (String) r[1], (String) r[2], instant(r[3])))
                        .toList());
    }
}
