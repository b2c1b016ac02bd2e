package io.pointmesh.member.repository;

import static io.pointmesh.platform.sql.NativeValues.offset;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The SQL of {@code member_audit}: operators' actions on members, never updated; runs in the caller's transaction. */
@ApplicationScoped
public class MemberAuditRepository {

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
}
