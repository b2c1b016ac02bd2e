package io.pointmesh.ledger.service;

import io.pointmesh.events.partner.CampaignAssignment;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.PointLimits;
import io.pointmesh.ledger.PointsCalculation;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository.EarnDirectory;
import io.pointmesh.ledger.repository.DirectoryRepository.EarnRule;
import io.pointmesh.ledger.repository.DirectoryRepository.MemberView;
import io.pointmesh.ledger.repository.ImportRepository;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.ReversalRow;
import io.pointmesh.ledger.service.Ledger.BonusOffer;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.config.GradeTerms;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.GroupCommit;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Earn: checks the request against the ledger's local directories (partner active, store open,
 * member active, rule in force at the purchase), prices it, and posts it. Everything runs in one
 * transaction, retried whole on a serialization failure or deadlock; a rejected request writes nothing.
 */
@ApplicationScoped
public class EarnService {

    /** Clocks of POS terminals drift: a purchase up to this far in the future is accepted. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** No ISO 4217 currency has more decimal places (a refund is bounded by it before its earning is read). */
    static final int MAX_FRACTION_DIGITS = 4;

    /** Far more than any purchase the ledger accepts (max-purchase-amount is 100,000,000 by default). */
    static final BigDecimal MAX_REFUND_AMOUNT = new BigDecimal("1E15");

    public record EarnCommand(
            String partnerTxId,
            String cardNumber,
            String memberId,
            String storeCode,
            BigDecimal amount,
            String currency,
            Instant occurredAt) {}

    @Inject
    Transactions transactions;

    /** A purchase the refund bound would refuse to refund: such a setting is refused at startup. */
    void checkPurchaseBound(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start) {
        checkPurchaseBound(config.maxPurchaseAmount());
    }

    static void checkPurchaseBound(BigDecimal maxPurchaseAmount) {
        if (maxPurchaseAmount.signum() <= 0 || maxPurchaseAmount.compareTo(MAX_REFUND_AMOUNT) > 0) {
            throw new IllegalStateException("pointmesh.ledger.max-purchase-amount (" + maxPurchaseAmount.toPlainString()
                    + ") must be positive and at most " + MAX_REFUND_AMOUNT.toPlainString()
                    + ", the largest amount a refund may name");
        }
    }

    @Inject
    Ledger ledger;

    @Inject
    GroupCommit groupCommit;

    @Inject
    DirectoryRepository directory;

    @Inject
    ImportRepository imports;

    @Inject
    LedgerConfig config;

    /** The network's grade multipliers (pointmesh.grades.multipliers.*), one key shared with member-service. */
    @Inject
    GradeTerms grades;

    public Outcome<EarningRow> earn(String partnerId, EarnCommand cmd) {
        return earn(partnerId, cmd, null, false, () -> {});
    }

    /**
     * A till's lone earning: {@code posting} runs once the request is valid and priced, just before it is posted (the
     * resource paces partners' uploads from then on: a refused request, junk included, paces nothing).
     */
    public Outcome<EarningRow> earn(String partnerId, EarnCommand cmd, Runnable posting) {
        return earn(partnerId, cmd, null, false, posting);
    }

    static final String CARD_FAILURES = "earnings refused for their card";

    static final java.util.Set<String> CARD_REFUSALS =
            java.util.Set.of("unknown-card", "card-blocked", "member-not-active");

    @Inject
    io.pointmesh.platform.security.RateLimiter limiter;

    /** How long an earning waits for a place in the card-failure budget held by earnings in flight. */
    static final Duration CARD_FAILURE_WAIT = Duration.ofSeconds(2);

    private io.pointmesh.platform.security.RateLimiter.Limit cardFailureLimit() {
        return new io.pointmesh.platform.security.RateLimiter.Limit(
                config.cardFailuresPerPartner(), config.cardFailuresWindow());
    }

    /**
     * A purchase of a partner's batch: exactly as {@link #earn(String, EarnCommand)}, but its posting
     * waits in the group commit for the lone requests of tills (GroupCommit#runBulk).
     */
    public Outcome<EarningRow> earnInBatch(String partnerId, EarnCommand cmd) {
        return earn(partnerId, cmd, null, true, () -> {});
    }

    /**
     * {@code importAudit}: the import call this purchase comes with, or null for live earning. An
     * imported purchase is history brought by a partner joining the network (operators only, see
     * ImportService): exempt from the back-dating window, earned at the base grade and without
     * grade- or segment-targeted campaigns (the member's standing at the time is not known), paying
     * no referral bonus, and linked to its import in the same transaction; everything
     * else as live earning, under the rules and campaigns in force at the purchase's time.
     */
    public Outcome<EarningRow> earn(String partnerId, EarnCommand cmd, UUID importAudit) {
        return earn(partnerId, cmd, importAudit, false, () -> {});
    }

    private Outcome<EarningRow> earn(
            String partnerId, EarnCommand cmd, UUID importAudit, boolean bulk, Runnable posting) {
        boolean imported = importAudit != null;
        Idempotency.requireText("partnerTxId", cmd.partnerTxId(), 64);
        if (cmd.amount() == null) {
            throw ProblemException.invalidField("amount", "required");
        }
        if (cmd.currency() == null) {
            throw ProblemException.invalidField("currency", "required");
        }
        if (cmd.occurredAt() == null) {
            throw ProblemException.invalidField("occurredAt", "required");
        }
        // before any directory read: a refused amount must not tell whether the card exists (card
        // numbers are not to be probed, least of all 500 to a batch)
        validateAmount(cmd.amount(), cmd.currency());
        boolean byCard =
                !imported && cmd.cardNumber() != null && !cmd.cardNumber().isBlank();
        String hash = RequestHash.of(
                cmd.cardNumber(), cmd.memberId(), cmd.storeCode(), cmd.amount(), cmd.currency(), cmd.occurredAt());
        // A retry is answered from what was stored, whatever changed since (rules, statuses), before
        // any lock is taken: the directory read says whether the key is stored (same round trip).
        // A twin that commits after that read is found by the earning's unique key when the
        // posting tries to store it again (DuplicateRequest); a refusal looks for a stored earning
        // before it is answered.
        Supplier<Outcome<EarningRow>> stored = () -> transactions.run(
                c -> ledger.replayEarning(c, partnerId, cmd.partnerTxId(), hash).orElseThrow());
        return Idempotency.firstWins(
                () -> {
                    EarnDirectory read = transactions.read(c -> directory.earnDirectory(
                            c,
                            partnerId,
                            cmd.partnerTxId(),
                            cmd.storeCode(),
                            cmd.cardNumber(),
                            cmd.memberId(),
                            cmd.occurredAt()));
                    if (read.earningStored()) {
                        return stored.get();
                    }
                    // A partner whose earnings were refused for their card too often this window learns no more
                    // cards (a retry of a stored earning, above, is still answered). The place is taken before the
                    // card is looked up and kept only if the card was refused: purchases in flight when the budget
                    // runs out cannot answer 201 for live cards and 429 for unknown ones (RateLimiter.attempt).
                    io.pointmesh.platform.security.RateLimiter.Attempt attempt = byCard
                            ? limiter.attempt(CARD_FAILURES, partnerId, cardFailureLimit(), CARD_FAILURE_WAIT)
                            : null;
                    try {
                        Ledger.EarnPosting priced = price(read, partnerId, cmd, hash, imported);
                        if (attempt != null) {
                            attempt.succeeded(); // the card held: the place is not kept while the earning is posted
                        }
                        if (imported) {
                            return transactions.run(c -> {
                                Outcome<EarningRow> earned = ledger.earn(c, priced);
                                imports.linkEarning(c, earned.result().id(), importAudit);
                                return earned;
                            });
                        }
                        // Live earnings are written in group commits: the directory was read above, outside
                        // the transaction, as it would have been at its start (READ COMMITTED); the posting
                        // re-reads under the member's lock what it depends on (balance, budgets).
                        int lane = Accounts.shardOf(priced.memberId());
                        posting.run();
                        return bulk
                                ? groupCommit.runBulk(lane, c -> ledger.earn(c, priced))
                                : groupCommit.run(lane, c -> ledger.earn(c, priced));
                    } catch (ProblemException refused) {
                        var replayed =
                                transactions.run(c -> ledger.replayEarning(c, partnerId, cmd.partnerTxId(), hash));
                        if (replayed.isPresent()) {
                            return replayed.get();
                        }
                        if (attempt != null && CARD_REFUSALS.contains(refused.code())) {
                            attempt.failed();
                        }
                        throw refused;
                    } finally {
                        if (attempt != null) {
                            attempt.close(); // anything but a card refusal gives the place back
                        }
                    }
                },
                stored);
    }

    /** Checks and prices the request against what one statement read (partner, store, card, member, rule, campaigns). */
    private Ledger.EarnPosting price(
            EarnDirectory read, String partnerId, EarnCommand cmd, String hash, boolean imported) {
        String category =
                ParticipantCheck.requireActivePartner(partnerId, read.partner()).category();
        ParticipantCheck.requireOpenStore(partnerId, cmd.storeCode(), read.storeOpen());
        Instant now = ledger.now();
        if (cmd.occurredAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw ProblemException.unprocessable(
                    "occurred-in-future", "Purchase in the future", "occurredAt is after now");
        }
        EarnRule rule = read.rule()
                .orElseThrow(() -> ProblemException.unprocessable(
                        "no-earn-rule",
                        "No earn rule",
                        "partner " + partnerId + " had no earn rule in force at " + cmd.occurredAt()));
        int backdating = rule.backdatingDays(); // 0 means none: only purchases of the last few minutes earn
        if (!imported
                && cmd.occurredAt()
                        .isBefore(now.minus(Duration.ofDays(backdating)).minus(CLOCK_SKEW))) {
            throw ProblemException.unprocessable(
                    "occurred-too-long-ago",
                    "Purchase too old",
                    "purchases older than " + backdating + " days cannot earn");
        }
        ZoneId zone = ZoneId.of(config.zone());
        Instant availableAt = cmd.occurredAt().plus(Duration.ofDays(rule.pendingDays()));
        Instant expiresAt = ZonedDateTime.ofInstant(cmd.occurredAt(), zone)
                .plusMonths(rule.validityMonths())
                .toInstant();
        if (availableAt.isAfter(expiresAt)) {
            // a rule version partner-service no longer accepts (pending period past the validity)
            throw ProblemException.unprocessable(
                    "rule-cannot-earn",
                    "Earn rule cannot earn",
                    "rule version " + rule.version() + " makes points available after they expire (pending "
                            + rule.pendingDays() + " days, validity " + rule.validityMonths() + " months)");
        }
        // the card last: every refusal that does not depend on it is answered first, whatever the card, so that a
        // purchase that cannot earn (a time in the future, say) tells nothing about its card and leaves no trace a
        // member could see (docs/ledger.md, "No probing")
        MemberView member = ParticipantCheck.activeMember(cmd.cardNumber(), cmd.memberId(), read.card(), read.member());
        BigDecimal rate = rule.storeRates()
                .getOrDefault(
                        cmd.storeCode(),
                        category == null
                                ? rule.baseRate()
                                : rule.categoryRates().getOrDefault(category, rule.baseRate()));
        long base = PointsCalculation.basePoints(cmd.amount(), rate, rule.minimumPurchase(), rule.perTransactionCap());

        List<BonusOffer> offers = new ArrayList<>();
        for (var campaign : read.campaigns()) {
            // an imported purchase's grade and segment at the time are unknown: targeted campaigns do not apply to it
            if (imported && !"EVERYONE".equals(campaign.target())) {
                continue;
            }
            // nor does a co-funder pay for history brought in by the partner
            if (imported && campaign.coFunderId() != null) {
                continue;
            }
            if (!targets(campaign, member, read.segmentShared())
                    || !CampaignAssignment.inTreatment(
                            campaign.campaignId(), member.memberId(), campaign.treatmentShare())) {
                continue;
            }
            long bonus = PointsCalculation.campaignBonus(
                    base, campaign.multiplier(), campaign.fixedPoints(), "MULTIPLIER".equals(campaign.bonusKind()));
            if (bonus > 0 && base > 0) {
                offers.add(new BonusOffer(
                        campaign.campaignId(),
                        campaign.partnerId(),
                        bonus,
                        "NETWORK".equals(campaign.fundedBy()),
                        campaign.budgetPoints(),
                        campaign.audience(),
                        campaign.coFunderId(),
                        campaign.coFunderShare()));
            }
        }
        BigDecimal multiplier =
                imported ? BigDecimal.ONE : grades.multipliers().getOrDefault(member.grade(), BigDecimal.ONE);
        offers = withinPointsLimit(base, offers, multiplier);
        return posting(
                partnerId,
                cmd,
                hash,
                member.memberId(),
                multiplier,
                base,
                offers,
                availableAt,
                expiresAt,
                imported,
                read.firstEarningRecorded());
    }

    /**
     * One earning moves at most {@link PointLimits#MAX_PER_OPERATION}: the campaigns' bonuses are cut,
     * in offer order, so that (base + bonuses) x the grade multiplier stays within it, every offer
     * counted whole (budgets only cut further). The till still gets its base points; only a base
     * that alone passes the limit is refused (422 points-limit).
     */
    static List<BonusOffer> withinPointsLimit(long base, List<BonusOffer> offers, BigDecimal multiplier) {
        long maxSubtotal = BigDecimal.valueOf(PointLimits.MAX_PER_OPERATION)
                .divide(multiplier, 0, java.math.RoundingMode.FLOOR)
                .longValueExact();
        if (base > maxSubtotal) {
            throw ProblemException.unprocessable(
                    "points-limit",
                    "Earning above the points limit",
                    "this purchase would earn more than " + PointLimits.MAX_PER_OPERATION
                            + " points, the most one earning moves");
        }
        long room = maxSubtotal - base;
        List<BonusOffer> fitted = new ArrayList<>(offers.size());
        for (BonusOffer o : offers) {
            long points = Math.min(o.points(), room);
            if (points > 0) {
                fitted.add(new BonusOffer(
                        o.campaignId(),
                        o.partnerId(),
                        points,
                        o.networkFunded(),
                        o.budgetPoints(),
                        o.audience(),
                        o.coFunderId(),
                        o.coFunderShare()));
                room -= points;
            }
        }
        return fitted;
    }

    private static boolean targets(DirectoryRepository.Campaign campaign, MemberView member, boolean segmentShared) {
        return switch (campaign.target()) {
            case "GRADE" ->
                campaign.targetValue() != null && campaign.targetValue().equalsIgnoreCase(member.grade());
            // a segment (active, dormant, churned...) comes from purchases across the network: the bonuses in the
            // partner's answer would tell it, so only a member who lets this partner see it is targeted by it
            case "SEGMENT" ->
                segmentShared
                        && campaign.targetValue() != null
                        && campaign.targetValue().equalsIgnoreCase(member.segment());
            // a joint campaign's audience is decided by the posting, under the member's lock
            case "CROSS_PARTNER" -> campaign.audience() != null;
            default -> true;
        };
    }

    private Ledger.EarnPosting posting(
            String partnerId,
            EarnCommand cmd,
            String hash,
            String memberId,
            BigDecimal multiplier,
            long base,
            List<BonusOffer> offers,
            Instant availableAt,
            Instant expiresAt,
            boolean imported,
            boolean firstEarningRecorded) {
        return new Ledger.EarnPosting(
                PostingIds.next(),
                partnerId,
                cmd.partnerTxId(),
                hash,
                memberId,
                cmd.storeCode(),
                cmd.amount(),
                cmd.currency(),
                cmd.occurredAt(),
                base,
                offers,
                multiplier,
                availableAt,
                expiresAt,
                imported,
                firstEarningRecorded);
    }

    void validateAmount(BigDecimal amount, String currency) {
        if (!config.currencies().contains(currency)) {
            throw ProblemException.unprocessable(
                    "unsupported-currency",
                    "Unsupported currency",
                    "currency " + currency + " is not one of " + config.currencies());
        }
        if (amount.signum() <= 0) {
            throw ProblemException.unprocessable("invalid-amount", "Invalid amount", "amount must be positive");
        }
        if (amount.compareTo(config.maxPurchaseAmount()) > 0) {
            throw ProblemException.unprocessable(
                    "invalid-amount",
                    "Invalid amount",
                    "amount exceeds the largest accepted purchase ("
                            + config.maxPurchaseAmount().toPlainString() + ")");
        }
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        if (amount.stripTrailingZeros().scale() > Math.max(digits, 0)) {
            throw ProblemException.unprocessable(
                    "invalid-amount",
                    "Invalid amount",
                    currency + " amounts have at most " + digits + " decimal places");
        }
    }

    public Outcome<ReversalRow> reverse(String partnerId, UUID earningId, String partnerTxId, BigDecimal refundAmount) {
        Idempotency.requireText("partnerTxId", partnerTxId, 64);
        if (refundAmount == null) {
            throw ProblemException.invalidField("amount", "required: the refunded purchase amount");
        }
        if (refundAmount.signum() <= 0) {
            // as an earn request's amount: a refund is a purchase amount
            throw ProblemException.unprocessable("invalid-amount", "Invalid amount", "amount must be positive");
        }
        // bounded before anything reads it, by a fixed size (not max-purchase-amount, which an operator may lower
        // after a larger purchase was earned: its full refund must still pass); the earning's own amount and
        // currency are checked after
        if (refundAmount.compareTo(MAX_REFUND_AMOUNT) > 0) {
            throw ProblemException.unprocessable(
                    "invalid-amount", "Invalid amount", "amount is more than any purchase the ledger records");
        }
        if (refundAmount.stripTrailingZeros().scale() > MAX_FRACTION_DIGITS) {
            throw ProblemException.unprocessable(
                    "invalid-amount", "Invalid amount", "amount has more decimal places than any currency");
        }
        String hash = RequestHash.of(earningId, refundAmount);
        Transactions.Work<Outcome<ReversalRow>> work =
                c -> ledger.reverseEarning(c, partnerId, earningId, partnerTxId, hash, refundAmount);
        return Idempotency.firstWins(() -> transactions.run(work), () -> transactions.run(work));
    }
}
