package io.pointmesh.member.repository;

import static io.pointmesh.platform.sql.NativeValues.offset;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The SQL of referrals (who referred whom, and when the referral completed); runs in the caller's session. */
@ApplicationScoped
public class ReferralRepository {

    /** How many members the referrer has referred since {@code since}. */
    public Uni<Long> countSince(String referrerId, Instant since) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT count(*) FROM referral WHERE referrer_id = :referrerId AND referred_at >= :since",
                                Long.class)
                        .setParameter("referrerId", referrerId)
                        .setParameter("since", offset(since))
                        .getSingleResult());
    }

    public Uni<Integer> insert(String referredId, String referrerId, Instant referredAt) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "INSERT INTO referral (referred_id, referrer_id, referred_at) VALUES (:referredId, :referrerId, :referredAt)")
                        .setParameter("referredId", referredId)
                        .setParameter("referrerId", referrerId)
                        .setParameter("referredAt", offset(referredAt))
                        .executeUpdate());
    }

    /** Marks the member's referral completed (once: a completed one keeps its time). */
    public Uni<Integer> complete(String referredId, Instant completedAt) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "UPDATE referral SET completed_at = :completedAt WHERE referred_id = :referredId AND completed_at IS NULL")
                        .setParameter("completedAt", offset(completedAt))
                        .setParameter("referredId", referredId)
                        .executeUpdate());
    }
}
