package io.pointmesh.partner.repository;

import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.offset;

import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.partner.Store;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** The SQL of partners' stores; every method runs in the caller's session (and transaction, where it writes). */
@ApplicationScoped
public class StoreRepository {

    private static final String COLUMNS = "partner_id, code, name, channel, region, open, opened_at, closed_at";

    /** Opens a store unless the partner already has one with that code. Answers the rows inserted (0 or 1). */
    public Uni<Integer> insertOpen(
            String partnerId, String code, String name, StoreChannel channel, String region, Instant openedAt) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "INSERT INTO store (partner_id, code, name, channel, region, open, "
                                        + "opened_at) VALUES (:partnerId, :code, :name, :channel, :region, true, :openedAt) ON CONFLICT DO NOTHING")
                        .setParameter("partnerId", partnerId)
                        .setParameter("code", code)
                        .setParameter("name", name)
                        .setParameter("channel", channel.name())
                        .setParameter("region", region)
                        .setParameter("openedAt", offset(openedAt))
                        .executeUpdate());
    }

    /** Closes the store if it is open. Answers the rows changed (0: no such store, or already closed). */
    public Uni<Integer> close(String partnerId, String code, Instant closedAt) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE store SET open = false, closed_at = :closedAt "
                                + "WHERE partner_id = :partnerId AND code = :code AND open")
                        .setParameter("closedAt", offset(closedAt))
                        .setParameter("partnerId", partnerId)
                        .setParameter("code", code)
                        .executeUpdate());
    }

    /** The partner's stores, open and closed, by code. */
    public Uni<List<Store>> byPartner(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + COLUMNS + " FROM store WHERE partner_id = :partnerId ORDER BY code",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .getResultList())
                .map(rows -> rows.stream().map(StoreRepository::store).toList());
    }

    /** One store of the partner, or null. */
    public Uni<Store> find(String partnerId, String code) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + COLUMNS + " FROM store WHERE partner_id = :partnerId AND code = :code",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .setParameter("code", code)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : store(rows.get(0)));
    }

    private static Store store(Object[] r) {
        return new Store(
                (String) r[0],
                (String) r[1],
                (String) r[2],
                StoreChannel.valueOf((String) r[3]),
                (String) r[4],
                (Boolean) r[5],
                instant(r[6]),
                instant(r[7]));
    }
}
