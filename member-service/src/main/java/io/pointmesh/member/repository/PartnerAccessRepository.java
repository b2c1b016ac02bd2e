package io.pointmesh.member.repository;

import static io.pointmesh.platform.sql.NativeValues.offset;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The SQL of {@code partner_access}: each partner's lifecycle status as partner.events tell it. */
@ApplicationScoped
public class PartnerAccessRepository {

    /**
     * Sets the partner's status as of {@code updatedAt} (adding the partner on its first event), in the caller's
     * transaction. An event older than the stored status (an operator's replay of a dead letter) changes nothing: an
     * old reinstatement must not let a partner suspended since look up cards again.
     */
    public Uni<Integer> upsert(String partnerId, String status, Instant updatedAt) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO partner_access (partner_id, status, updated_at) "
                                + "VALUES (:partnerId, :status, :updatedAt) "
                                + "ON CONFLICT (partner_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at "
                                + "WHERE partner_access.updated_at <= EXCLUDED.updated_at")
                        .setParameter("partnerId", partnerId)
                        .setParameter("status", status)
                        .setParameter("updatedAt", offset(updatedAt))
                        .executeUpdate());
    }
}
