package io.pointmesh.member.repository;

import static io.pointmesh.platform.sql.NativeValues.offset;

import io.pointmesh.member.Notification;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The SQL of the in-app inbox that Panache cannot say; runs in the caller's transaction. */
@ApplicationScoped
public class NotificationRepository {

    /**
     * Stores the notification if its member is here and has not left (their row is share-locked, so
     * a concurrent leave waits or is waited for) and no notification has its source yet. Answers the
     * rows inserted (0 or 1).
     */
    public Uni<Integer> insertForPresentMember(Notification n) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO notification (id, member_id, kind, title, body, points, "
                                + "source, created_at) SELECT :id, :memberId, :kind, :title, :body, :points, :source, :createdAt "
                                + "WHERE EXISTS (SELECT 1 FROM member WHERE id = :memberId AND status <> 'LEFT' FOR SHARE) "
                                + "ON CONFLICT (source) DO NOTHING")
                        .setParameter("id", n.id)
                        .setParameter("memberId", n.memberId)
                        .setParameter("kind", n.kind)
                        .setParameter("title", n.title)
                        .setParameter("body", n.body)
                        .setParameter("points", n.points)
                        .setParameter("source", n.source)
                        .setParameter("createdAt", offset(n.createdAt))
                        .executeUpdate());
    }

    public Uni<Integer> deleteByMember(String memberId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("DELETE FROM notification WHERE member_id = :memberId")
                        .setParameter("memberId", memberId)
                        .executeUpdate());
    }
}
