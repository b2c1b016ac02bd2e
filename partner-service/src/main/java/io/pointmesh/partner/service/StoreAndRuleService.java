package io.pointmesh.partner.service;

import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.partner.EarnRule;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.Store;
import io.pointmesh.partner.repository.EarnRuleRepository;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.partner.repository.StoreRepository;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A partner's stores (opened and closed, never deleted) and its effective-dated earn rule versions. */
@ApplicationScoped
public class StoreAndRuleService {

    /** How far behind ours a client's "now" may be and still mean now (an effectiveFrom taking effect at publication). */
    static final java.time.Duration CLIENT_NOW_SKEW = java.time.Duration.ofSeconds(30);

    /** Overrides in one rule version (a version is one event, under the stream's size limit: about 40 bytes each). */
    public static final int MAX_STORE_OVERRIDES = 10_000;

    public static final int MAX_CATEGORY_OVERRIDES = 1_000;

    /** The contract's bounds for a base rate: 0.1 % to 10 %. */
    static final BigDecimal MIN_RATE = new BigDecimal("0.001");

    static final BigDecimal MAX_RATE = new BigDecimal("0.1");

    /** The ledger's largest accepted purchase by default: a minimum above it would make the rule earn nothing. */
    static final BigDecimal MAX_MINIMUM_PURCHASE = new BigDecimal("100000000");

    /** A rate override's key: a store code or a category, never a line break or '=' (the stored form's separators). */
    static final java.util.regex.Pattern OVERRIDE_KEY =
            java.util.regex.Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} _.&/-]{0,63}");

    @Inject
    PartnerRepository partners;

    @Inject
    StoreRepository storeRepository;

    @Inject
    EarnRuleRepository ruleRepository;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @WithTransaction
    public Uni<Store> openStore(String partnerId, String code, String name, StoreChannel channel, String region) {
        return livePartner(partnerId)
                .chain(() -> storeRepository.insertOpen(partnerId, code, name, channel, region, clock.instant()))
                .chain(inserted -> inserted == 0
                        ? Uni.createFrom()
                                .failure(ProblemException.conflict(
                                        "duplicate-store", "partner " + partnerId + " already has a store " + code))
                        : outbox.publish(new StoreOpened(partnerId, code, name, channel, region)))
                .chain(() -> store(partnerId, code));
    }

    @WithTransaction
    public Uni<Store> closeStore(String partnerId, String code) {
        return storeRepository
                .close(partnerId, code, clock.instant())
                .chain(updated -> updated == 0
                        ? store(partnerId, code).replaceWith(0)
                        : outbox.publish(new StoreClosed(partnerId, code)).replaceWith(1))
                .chain(() -> store(partnerId, code));
    }

    @WithSession
    public Uni<List<Store>> stores(String partnerId) {
        return partners.findById(partnerId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", partnerId))
                .chain(() -> storeRepository.byPartner(partnerId));
    }

    private Uni<Store> store(String partnerId, String code) {
        return storeRepository
                .find(partnerId, code)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("store", partnerId + "/" + code));
    }

    /**
     * Publishes a new rule version (the operator, under the partner's contract). Versions are never
     * edited; a new version may not take effect before the newest existing one, so the past stays as it was.
     */
    @WithTransaction
    public Uni<EarnRule> publishRule(String partnerId, EarnRule rule, String actor) {
        if (rule.baseRate() == null
                || rule.baseRate().compareTo(MIN_RATE) < 0
                || rule.baseRate().compareTo(MAX_RATE) > 0) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField("baseRate", "between 0.001 (0.1 %) and 0.1 (10 %)"));
        }
        // each version travels whole in one event: bounded, so that it always fits the event stream
        if ((rule.storeRates() != null && rule.storeRates().size() > MAX_STORE_OVERRIDES)
                || (rule.categoryRates() != null && rule.categoryRates().size() > MAX_CATEGORY_OVERRIDES)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            rule.storeRates() != null && rule.storeRates().size() > MAX_STORE_OVERRIDES
                                    ? "storeRates"
                                    : "categoryRates",
                            "at most " + MAX_STORE_OVERRIDES + " store and " + MAX_CATEGORY_OVERRIDES
                                    + " category overrides"));
        }
        for (BigDecimal r : concat(rule.storeRates(), rule.categoryRates())) {
            if (r == null || r.compareTo(MIN_RATE) < 0 || r.compareTo(MAX_RATE) > 0) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField("storeRates", "every override between 0.001 and 0.1"));
            }
        }
        // overrides travel as "key=rate" lines (RateOverrides): a key with a line break or '=' would
        // read back as another store's override ("GN-01=5\nx" is GN-01 at 500 %)
        for (var keys : List.of(
                Map.entry("storeRates", keysOf(rule.storeRates())),
                Map.entry("categoryRates", keysOf(rule.categoryRates())))) {
            for (String key : keys.getValue()) {
                if (key == null || !OVERRIDE_KEY.matcher(key).matches()) {
                    return Uni.createFrom()
                            .failure(
                                    ProblemException.invalidField(
                                            keys.getKey(),
                                            "every key a store code or category: letters, digits, '-', '_', '.', ' ', '&', '/', at most 64"));
                }
            }
        }
        if (rule.baseRate().stripTrailingZeros().scale() > 6) {
            return Uni.createFrom().failure(ProblemException.invalidField("baseRate", "at most 6 decimal places"));
        }
        for (var overrides : List.of(
                Map.entry("storeRates", concat(rule.storeRates(), null)),
                Map.entry("categoryRates", concat(rule.categoryRates(), null)))) {
            if (overrides.getValue().stream()
                    .anyMatch(r -> r.stripTrailingZeros().scale() > 6)) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                overrides.getKey(), "every rate at most 6 decimal places"));
            }
        }
        // a purchase amount: at most 100,000,000 and 4 decimal places (1E+999999999 reached PostgreSQL's NUMERIC)
        if (rule.minimumPurchase() != null
                && (rule.minimumPurchase().compareTo(MAX_MINIMUM_PURCHASE) > 0
                        || rule.minimumPurchase().stripTrailingZeros().scale() > 4)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "minimumPurchase",
                            "at most " + MAX_MINIMUM_PURCHASE.toPlainString() + ", 4 decimal places"));
        }
        // the ledger must be able to post every purchase the rule accepts: points available before
        // they expire, and a back-dated purchase's points not expired at birth (a month: 28 days at least)
        int shortestValidityDays = rule.validityMonths() * 28;
        if (rule.pendingDays() >= shortestValidityDays) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "pendingDays",
                            "shorter than the validity (" + rule.validityMonths() + " months: under "
                                    + shortestValidityDays + " days)"));
        }
        if (rule.backdatingDays() >= shortestValidityDays) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "backdatingDays",
                            "shorter than the validity (" + rule.validityMonths() + " months: under "
                                    + shortestValidityDays + " days)"));
        }
        Instant now = clock.instant();
        try {
            io.pointmesh.platform.problem.TimeParams.inRange("effectiveFrom", rule.effectiveFrom());
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        // compared and stored as PostgreSQL keeps them (microseconds): the version published is the one stored
        Instant nowMicros = now.truncatedTo(ChronoUnit.MICROS);
        Instant requested = (rule.effectiveFrom() == null ? now : rule.effectiveFrom()).truncatedTo(ChronoUnit.MICROS);
        // never in the past: a version taking effect even seconds ago would price late-reported purchases of those
        // seconds under it. A client's "now" a moment behind ours (clocks, the request's way) takes effect now,
        // as published (the answer says when); further back it is refused
        Instant effective = requested.isBefore(nowMicros) && !requested.isBefore(nowMicros.minus(CLIENT_NOW_SKEW))
                ? nowMicros
                : requested;
        boolean past = effective.isBefore(nowMicros);
        return livePartner(partnerId).chain(() -> rules(partnerId)).chain(existing -> {
            // History is never edited: only a partner's first version may start in the past (the
            // contract under which the purchase history it brings along is imported).
            if (past && !existing.isEmpty()) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                "effectiveFrom",
                                "may not be in the past (now is " + now.truncatedTo(ChronoUnit.MICROS)
                                        + "; leave it out to take effect now): history is never edited "
                                        + "(only a first version may start earlier)"));
            }
            EarnRule newest = existing.stream()
                    .max(java.util.Comparator.comparing(EarnRule::effectiveFrom).thenComparing(EarnRule::version))
                    .orElse(null);
            // strictly after the newest version: two versions taking effect at one instant would leave the
            // one in force at that instant to the order the ledger happened to read them in
            if (newest != null && !effective.isAfter(newest.effectiveFrom())) {
                return Uni.createFrom()
                        .failure(ProblemException.conflict(
                                "rule-out-of-order",
                                "a new version must take effect after version " + newest.version() + " ("
                                        + newest.effectiveFrom() + ")"));
            }
            int version =
                    existing.isEmpty() ? 1 : existing.get(existing.size() - 1).version() + 1;
            EarnRule v = new EarnRule(
                    version,
                    rule.baseRate(),
                    sorted(rule.storeRates()),
                    sorted(rule.categoryRates()),
                    rule.minimumPurchase() == null ? BigDecimal.ZERO : rule.minimumPurchase(),
                    rule.perTransactionCap(),
                    rule.pendingDays(),
                    rule.validityMonths(),
                    rule.backdatingDays(),
                    effective,
                    actor,
                    now);
            return ruleRepository
                    .insert(partnerId, v)
                    .chain(() -> outbox.publish(new EarnRulePublished(
                            partnerId,
                            version,
                            v.baseRate(),
                            v.storeRates(),
                            v.categoryRates(),
                            v.minimumPurchase(),
                            v.perTransactionCap(),
                            v.pendingDays(),
                            v.validityMonths(),
                            v.backdatingDays(),
                            effective)))
                    .replaceWith(v);
        });
    }

    @WithSession
    public Uni<List<EarnRule>> rules(String partnerId) {
        return ruleRepository.byPartner(partnerId);
    }

    /** Stores and rules belong to partners that are not offboarded. */
    private Uni<Void> livePartner(String partnerId) {
        return partners.findById(partnerId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", partnerId))
                .invoke(p -> {
                    if (p.status == PartnerStatus.OFFBOARDED) {
                        throw ProblemException.conflict(
                                "partner-offboarded", "partner " + partnerId + " is offboarded");
                    }
                })
                .replaceWithVoid();
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

    private static java.util.Set<String> keysOf(Map<String, BigDecimal> m) {
        return m == null ? java.util.Set.of() : m.keySet();
    }

    private static Map<String, BigDecimal> sorted(Map<String, BigDecimal> m) {
        return m == null ? Map.of() : new TreeMap<>(m);
    }
}
