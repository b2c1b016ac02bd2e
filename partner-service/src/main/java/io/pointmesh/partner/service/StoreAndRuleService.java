package io.pointmesh.partner.service;

import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.offset;

/** A partner's stores (opened and closed, never deleted) and its effective-dated earn rule versions. */
@ApplicationScoped
public class StoreAndRuleService {

    /** The contract's bounds for a base rate: 0.1 % to 10 %. */
    static final BigDecimal MIN_RATE = new BigDecimal("0.001");
    static final BigDecimal MAX_RATE = new BigDecimal("0.1");

    public record Store(String partnerId, String code, String name, StoreChannel channel, String region, boolean open,
                        Instant openedAt, Instant closedAt) {
    }

    public record EarnRule(int version, BigDecimal baseRate, Map<String, BigDecimal> storeRates,
                           Map<String, BigDecimal> categoryRates, BigDecimal minimumPurchase, Long perTransactionCap,
                           int pendingDays, int validityMonths, int backdatingDays, Instant effectiveFrom, String publishedBy,
                           Instant publishedAt) {
    }

    @Inject
    PartnerRepository partners;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @WithTransaction
    public Uni<Store> openStore(String partnerId, String code, String name, StoreChannel channel, String region) {
        return livePartner(partnerId).chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "INSERT INTO store (partner_id, code, name, channel, region, open, opened_at) VALUES (?1, ?2, ?3, ?4, ?5, true, ?6) "
                                + "ON CONFLICT DO NOTHING")
                .setParameter(1, partnerId).setParameter(2, code).setParameter(3, name).setParameter(4, channel.name())
                .setParameter(5, region).setParameter(6, offset(clock.instant())).executeUpdate()))
                .chain(inserted -> inserted == 0
                        ? Uni.createFrom().failure(ProblemException.conflict("duplicate-store", "partner " + partnerId
                        + " already has a store " + code))
                        : outbox.publish(new StoreOpened(partnerId, code, name, channel, region)))
                .chain(() -> store(partnerId, code));
    }

    @WithTransaction
    public Uni<Store> closeStore(String partnerId, String code) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "UPDATE store SET open = false, closed_at = ?1 WHERE partner_id = ?2 AND code = ?3 AND open")
                .setParameter(1, offset(clock.instant())).setParameter(2, partnerId).setParameter(3, code).executeUpdate())
                .chain(updated -> updated == 0 ? store(partnerId, code).replaceWith(0) : outbox.publish(new StoreClosed(partnerId, code)).replaceWith(1))
                .chain(() -> store(partnerId, code));
    }

    @WithSession
    public Uni<List<Store>> stores(String partnerId) {
        return partners.findById(partnerId).onItem().ifNull().failWith(() -> ProblemException.notFound("partner", partnerId))
                .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "SELECT partner_id, code, name, channel, region, open, opened_at, closed_at FROM store WHERE partner_id = ?1 ORDER BY code",
                                Object[].class)
                        .setParameter(1, partnerId).getResultList()))
                .map(rows -> rows.stream().map(StoreAndRuleService::store).toList());
    }

    private Uni<Store> store(String partnerId, String code) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT partner_id, code, name, channel, region, open, opened_at, closed_at FROM store WHERE partner_id = ?1 AND code = ?2",
                        Object[].class)
                .setParameter(1, partnerId).setParameter(2, code).getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw ProblemException.notFound("store", partnerId + "/" + code);
                    }
                    return store(rows.get(0));
                });
    }

    private static Store store(Object[] r) {
        return new Store((String) r[0], (String) r[1], (String) r[2], StoreChannel.valueOf((String) r[3]), (String) r[4],
                (Boolean) r[5], instant(r[6]), instant(r[7]));
    }

    /**
     * Publishes a new rule version (the operator, under the partner's contract). Versions are never
     * edited; a new version may not take effect before the newest existing one, so the past stays as it was.
     */
    @WithTransaction
    public Uni<EarnRule> publishRule(String partnerId, EarnRule rule, String actor) {
        if (rule.baseRate() == null || rule.baseRate().compareTo(MIN_RATE) < 0 || rule.baseRate().compareTo(MAX_RATE) > 0) {
            return Uni.createFrom().failure(ProblemException.invalidField("baseRate", "between 0.001 (0.1 %) and 0.1 (10 %)"));
        }
        for (BigDecimal r : concat(rule.storeRates(), rule.categoryRates())) {
            if (r == null || r.compareTo(MIN_RATE) < 0 || r.compareTo(MAX_RATE) > 0) {
                return Uni.createFrom().failure(ProblemException.invalidField("storeRates", "every override between 0.001 and 0.1"));
            }
        }
        // the ledger must be able to post every purchase the rule accepts: points available before
        // they expire, and a back-dated purchase's points not expired at birth (a month: 28 days at least)
        int shortestValidityDays = rule.validityMonths() * 28;
        if (rule.pendingDays() >= shortestValidityDays) {
            return Uni.createFrom().failure(ProblemException.invalidField("pendingDays",
                    "shorter than the validity (" + rule.validityMonths() + " months: under " + shortestValidityDays + " days)"));
        }
        if (rule.backdatingDays() >= shortestValidityDays) {
            return Uni.createFrom().failure(ProblemException.invalidField("backdatingDays",
                    "shorter than the validity (" + rule.validityMonths() + " months: under " + shortestValidityDays + " days)"));
        }
        Instant now = clock.instant();
        Instant effective = rule.effectiveFrom() == null ? now : rule.effectiveFrom();
        boolean past = effective.isBefore(now.minus(Duration.ofMinutes(5)));
        return livePartner(partnerId).chain(() -> rules(partnerId)).chain(existing -> {
            // History is never edited: only a partner's first version may start in the past (the
            // contract under which the purchase history it brings along is imported).
            if (past && !existing.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.invalidField("effectiveFrom",
                        "may not be in the past: history is never edited (only a first version may start earlier)"));
            }
            if (!existing.isEmpty() && effective.isBefore(existing.get(existing.size() - 1).effectiveFrom())) {
                return Uni.createFrom().failure(ProblemException.conflict("rule-out-of-order",
                        "a new version cannot take effect before version " + existing.get(existing.size() - 1).version()));
            }
            int version = existing.isEmpty() ? 1 : existing.get(existing.size() - 1).version() + 1;
            EarnRule v = new EarnRule(version, rule.baseRate(), sorted(rule.storeRates()), sorted(rule.categoryRates()),
                    rule.minimumPurchase() == null ? BigDecimal.ZERO : rule.minimumPurchase(), rule.perTransactionCap(),
                    rule.pendingDays(), rule.validityMonths(), rule.backdatingDays(), effective, actor, now);
            return Panache.getSession().chain(s -> s.createNativeQuery("INSERT INTO earn_rule (partner_id, version, base_rate, store_rates, "
                                    + "category_rates, minimum_purchase, per_transaction_cap, pending_days, validity_months, backdating_days, "
                                    + "effective_from, published_by, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")
                            .setParameter(1, partnerId).setParameter(2, version).setParameter(3, v.baseRate())
                            .setParameter(4, RateOverrides.toText(v.storeRates())).setParameter(5, RateOverrides.toText(v.categoryRates()))
                            .setParameter(6, v.minimumPurchase()).setParameter(7, v.perTransactionCap()).setParameter(8, v.pendingDays())
                            .setParameter(9, v.validityMonths()).setParameter(10, v.backdatingDays()).setParameter(11, offset(effective))
                            .setParameter(12, actor).setParameter(13, offset(now)).executeUpdate())
                    .chain(() -> outbox.publish(new EarnRulePublished(partnerId, version, v.baseRate(), v.storeRates(), v.categoryRates(),
                            v.minimumPurchase(), v.perTransactionCap(), v.pendingDays(), v.validityMonths(), v.backdatingDays(), effective)))
                    .replaceWith(v);
        });
    }

    @WithSession
    public Uni<List<EarnRule>> rules(String partnerId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT version, base_rate, store_rates, category_rates, minimum_purchase, "
                                + "per_transaction_cap, pending_days, validity_months, backdating_days, effective_from, published_by, published_at "
                                + "FROM earn_rule WHERE partner_id = ?1 ORDER BY version", Object[].class)
                        .setParameter(1, partnerId).getResultList())
                .map(rows -> rows.stream().map(r -> new EarnRule(((Number) r[0]).intValue(), (BigDecimal) r[1], RateOverrides.fromText((String) r[2]),
                        RateOverrides.fromText((String) r[3]), (BigDecimal) r[4], r[5] == null ? null : ((Number) r[5]).longValue(),
                        ((Number) r[6]).intValue(), ((Number) r[7]).intValue(), ((Number) r[8]).intValue(), instant(r[9]),
                        (String) r[10], instant(r[11]))).toList());
    }

    /** Stores and rules belong to partners that are not offboarded. */
    private Uni<Void> livePartner(String partnerId) {
        return partners.findById(partnerId).onItem().ifNull().failWith(() -> ProblemException.notFound("partner", partnerId))
                .invoke(p -> {
                    if (p.status == PartnerStatus.OFFBOARDED) {
                        throw ProblemException.conflict("partner-offboarded", "partner " + partnerId + " is offboarded");
                    }
                }).replaceWithVoid();
    }

    private static List<BigDecimal> concat(Map<String, BigDecimal> a, Map<String, BigDecimal> b) {
        List<BigDecimal> all = new java.util.ArrayList<>();
        if (a != null) {
            all.addAll(a.values());
        }
        if (b != null) {
            all.addAll(b.values());
        }
        return all;
    }

    private static Map<String, BigDecimal> sorted(Map<String, BigDecimal> m) {
        return m == null ? Map.of() : new TreeMap<>(m);
    }
}
