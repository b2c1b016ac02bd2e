package io.pointmesh.partner.repository;

import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.offset;

import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.partner.EarnRule;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;

/** The SQL of partners' earn rule versions (never updated); every method runs in the caller's session. */
@ApplicationScoped
public class EarnRuleRepository {

    /** Stores a new version of the partner's rule. */
    public Uni<Integer> insert(String partnerId, EarnRule v) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO earn_rule (partner_id, version, base_rate, store_rates, "
                                + "category_rates, minimum_purchase, per_transaction_cap, pending_days, validity_months, backdating_days, "
                                + "effective_from, published_by, published_at) VALUES (:partnerId, :version, :baseRate, :storeRates, "
                                + ":categoryRates, :minimumPurchase, :perTransactionCap, :pendingDays, :validityMonths, :backdatingDays, "
                                + ":effectiveFrom, :publishedBy, :publishedAt)")
                        .setParameter("partnerId", partnerId)
                        .setParameter("version", v.version())
                        .setParameter("baseRate", v.baseRate())
                        .setParameter("storeRates", RateOverrides.toText(v.storeRates()))
                        .setParameter("categoryRates", RateOverrides.toText(v.categoryRates()))
                        .setParameter("minimumPurchase", v.minimumPurchase())
                        .setParameter("perTransactionCap", v.perTransactionCap())
                        .setParameter("pendingDays", v.pendingDays())
                        .setParameter("validityMonths", v.validityMonths())
                        .setParameter("backdatingDays", v.backdatingDays())
                        .setParameter("effectiveFrom", offset(v.effectiveFrom()))
                        .setParameter("publishedBy", v.publishedBy())
                        .setParameter("publishedAt", offset(v.publishedAt()))
                        .executeUpdate());
    }

    /** Every version of the partner's rule, oldest first. */
    public Uni<List<EarnRule>> byPartner(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT version, base_rate, store_rates, category_rates, "
                                        + "minimum_purchase, per_transaction_cap, pending_days, validity_months, backdating_days, effective_from, "
                                        + "published_by, published_at FROM earn_rule WHERE partner_id = :partnerId ORDER BY version",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .getResultList())
                .map(rows -> rows.stream().map(EarnRuleRepository::rule).toList());
    }

    private static EarnRule rule(Object[] r) {
        return new EarnRule(
                ((Number) r[0]).intValue(),
                (BigDecimal) r[1],
                RateOverrides.fromText((String) r[2]),
                RateOverrides.fromText((String) r[3]),
                (BigDecimal) r[4],
                r[5] == null ? null : ((Number) r[5]).longValue(),
                ((Number) r[6]).intValue(),
                ((Number) r[7]).intValue(),
                ((Number) r[8]).intValue(),
                instant(r[9]),
                (String) r[10],
                instant(r[11]));
    }
}
