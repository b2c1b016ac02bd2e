package io.pointmesh.ledger.service;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.events.ledger.CampaignBudgetExhausted;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAdjusted;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.PointsExpired;
import io.pointmesh.events.ledger.PointsExpiring;
import io.pointmesh.events.ledger.PointsForfeited;
import io.pointmesh.events.ledger.PointsGifted;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionHeld;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RedemptionVoided;
import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.events.ledger.ReferralBonusReversed;
import io.pointmesh.events.ledger.VoidReason;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PointsCalculation;
import io.pointmesh.ledger.PointsCalculation.GrantedBonus;
import io.pointmesh.ledger.RedemptionStatus;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.repository.OperationRepository.ReversalRow;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.PostingRepository.CampaignBudget;
import io.pointmesh.ledger.repository.PostingRepository.Draw;
import io.pointmesh.ledger.repository.PostingRepository.ExpiryNotice;
import io.pointmesh.ledger.repository.PostingRepository.Taken;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.repository.ReferralRepository.PaidBonus;
import io.pointmesh.platform.problem.ProblemException;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The ledger's postings: every operation that moves points, on the caller's transaction.
 *
 * <p>Concurrency: each operation first locks the member's balance row ({@code FOR UPDATE}); all
 * reads and writes of that member's balance and lots happen under that lock, so concurrent
 * requests for one member run one after the other and none can spend what another spent. Two
 * members are locked in id order. Partner and network accounts are written through shard rows
 * (see {@link Accounts#shardOf}) in a fixed order within a posting, so they are never a hot row.
 *
 * <p>Idempotency: the (partner, partner transaction id) or (member, idempotency key) row is
 * inserted last with {@code ON CONFLICT DO NOTHING}; a concurrent twin that got there first makes
 * this transaction throw {@link DuplicateRequest} and roll back, and the caller answers with the
 * twin's result. The unique keys, not this code, are what make "applied once" hold.
 */
public class Ledger {

    /** Where the postings' events go: the transactional outbox in the service. */
    @FunctionalInterface
    public interface EventSink {
        /** {@code postedAt}: the postings' time, which becomes the event's time. */
        void publish(Connection transaction, DomainEvent event, Instant postedAt) throws SQLException;
    }

    /** The ledger's configurable rules (see LedgerConfig for the defaults and keys). */
    public record Policy(Duration holdTimeout, long referralBonusPoints, int defaultValidityMonths, long giftMaxPoints,
                         long giftDailyMaxPoints, int expiryNoticeDays, ZoneId zone) {
    }

    /** A concurrent twin of this request committed first: roll back and answer with its result. */
    public static final class DuplicateRequest extends RuntimeException {
        public DuplicateRequest() {
            super("a request with the same idempotency key committed first", null, false, false);
        }
    }

    /** An earn request, resolved and priced by EarnService. */
    public record EarnPosting(UUID earningId, String partnerId, String partnerTxId, String requestHash, String memberId,
                              String storeCode, BigDecimal amount, String currency, Instant occurredAt, long basePoints,
                              List<BonusOffer> bonuses, BigDecimal gradeMultiplier, Instant availableAt, Instant expiresAt,
                              boolean imported) {
    }

    /** A campaign bonus offered to this purchase; the budget may cut it. */
    public record BonusOffer(String campaignId, String partnerId, long points, boolean networkFunded, long budgetPoints) {
    }

    /**
     * The member's say-so for a hold (docs/ledger.md, "Spending authorization"): {@code PIN} (card and
     * spending PIN), {@code PAYMENT_CODE} (a one-time code from the member's app), or {@code OPERATOR}
     * (a support case: the operator and a reason are recorded).
     */
    public record HoldAuthorization(String method, String actor, String reason) {
        public static final HoldAuthorization PIN = new HoldAuthorization("PIN", null, null);
        public static final HoldAuthorization PAYMENT_CODE = new HoldAuthorization("PAYMENT_CODE", null, null);

        public static HoldAuthorization operator(String actor, String reason) {
            return new HoldAuthorization("OPERATOR", actor, reason);
        }
    }

    /** An operation's stored result and whether this request only replayed it. */
    public record Outcome<T>(T result, boolean replayed) {
    }

    /** A cutoff past every lot's expiry: a forfeit empties them all. */
    private static final Instant AFTER_EVERY_LOT = Instant.parse("9999-12-31T00:00:00Z");

    private final PostingRepository postings;
    private final OperationRepository operations;
    private final DirectoryRepository directory;
    private final ReferralRepository referrals;
    private final Clock clock;
    private final EventSink events;
    private final Policy policy;

    public Ledger(PostingRepository postings, OperationRepository operations, DirectoryRepository directory,
                  ReferralRepository referrals, Clock clock, EventSink events, Policy policy) {
        this.postings = postings;
        this.operations = operations;
        this.directory = directory;
        this.referrals = referrals;
        this.clock = clock;
        this.events = events;
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    // ------------------------------------------------------------------ member state

    /**
     * Locks the member and brings the balance up to now: due pending lots mature, due lots
     * expire, and available points repay debt. Spends never see an expired or a pending point.
     */
    MemberBalance lockForPosting(Connection c, String memberId, Instant now) throws SQLException {
        MemberBalance m = postings.lockMember(c, memberId);
        if (m == null) {
            throw ProblemException.unprocessable("unknown-member", "Unknown member", "no account for member " + memberId);
        }
        bringUpToDate(c, m, now);
        return m;
    }

    /**
     * Locks a member who is to receive points: refused (422) if they left the network, as read once
     * their row is locked, so a {@code member.left} that forfeited everything while this request
     * waited for the lock is seen, and nothing is credited to a forgotten member.
     */
    MemberBalance lockForCredit(Connection c, String memberId, Instant now) throws SQLException {
        MemberBalance m = lockForPosting(c, memberId, now);
        requireNotLeft(c, memberId);
        return m;
    }

    private boolean hasLeft(Connection c, String memberId) throws SQLException {
        return directory.memberStatus(c, memberId).map("LEFT"::equals).orElse(false);
    }

    private void requireNotLeft(Connection c, String memberId) throws SQLException {
        if (hasLeft(c, memberId)) {
            throw ProblemException.unprocessable("member-not-active", "Member not active", "the member left the network");
        }
    }

    /**
     * For a member whose row this transaction has locked: what the clock did since the last posting.
     * Whatever changed is saved at once, so every path that locks a member (a replayed capture or
     * void, a lapse that finds nothing to do) commits lots and breakdown together (I9, checked at
     * commit by the lot_consistent trigger).
     */
    private void bringUpToDate(Connection c, MemberBalance m, Instant now) throws SQLException {
        long matured = postings.matureDue(c, m.memberId, now);
        m.pending -= matured;
        m.available += matured;
        long expired = expireDue(c, m, now);
        long debtBefore = m.debt;
        settleDebt(c, m, now);
        if (matured > 0 || expired > 0 || m.debt != debtBefore) {
            postings.saveMember(c, m, now);
        }
    }

    /** Empties the member's lots due by now into breakage and tells of it; answers how many points went. */
    private long expireDue(Connection c, MemberBalance m, Instant now) throws SQLException {
        long expired = empty(c, m, now, TransferKind.EXPIRY, now);
        if (expired > 0) {
            m.expired += expired;
            events.publish(c, new PointsExpired(m.memberId, expired, now), now);
        }
        return expired;
    }

    /** Invariant I5: debt > 0 only while nothing is available, so any available point repays debt first. */
    void settleDebt(Connection c, MemberBalance m, Instant now) throws SQLException {
        long repay = Math.min(m.debt, m.available);
        if (repay > 0) {
            postings.drawFifo(c, m.memberId, repay, UUID.randomUUID(), "DEBT_REPAYMENT", now);
            m.available -= repay;
            m.debt -= repay;
        }
    }

    /**
     * Moves what remains in the member's lots due by {@code cutoff} to breakage (expiry, or a
     * forfeit with a cutoff beyond every lot); answers how many points went.
     */
    private long empty(Connection c, MemberBalance m, Instant cutoff, TransferKind kind, Instant now) throws SQLException {
        long total = 0;
        for (Taken t : postings.emptyLots(c, m.memberId, cutoff)) {
            if (t.matured()) {
                m.available -= t.points();
            } else {
                m.pending -= t.points();
            }
            total += t.points();
        }
        postings.transfer(c, m.account(), Accounts.BREAKAGE, total, kind, UUID.randomUUID(), null, m.shard(), now);
        return total;
    }

    public void openMemberAccount(Connection c, String memberId) throws SQLException {
        postings.openMemberAccount(c, memberId);
    }

    public void openPartnerAccounts(Connection c, String partnerId) throws SQLException {
        postings.openPartnerAccounts(c, partnerId);
    }

    // ------------------------------------------------------------------ retries

    /** The stored answer to a retried earn request; 409 if its key was used for a different request; empty if new. */
    public Optional<Outcome<EarningRow>> replayEarning(Connection c, String partnerId, String partnerTxId, String requestHash)
            throws SQLException {
        Optional<EarningRow> stored = operations.findEarning(c, partnerId, partnerTxId);
        return stored.isEmpty() ? Optional.empty()
                : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, partnerTxId));
    }

    public Optional<Outcome<RedemptionRow>> replayHold(Connection c, String partnerId, String partnerTxId, String requestHash)
            throws SQLException {
        Optional<RedemptionRow> stored = operations.findRedemption(c, partnerId, partnerTxId);
        return stored.isEmpty() ? Optional.empty()
                : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, partnerTxId));
    }

    public Optional<Outcome<MemberOperationRow>> replayMemberOperation(Connection c, String memberId, String kind, String key,
                                                                       String requestHash) throws SQLException {
        Optional<MemberOperationRow> stored = operations.findMemberOperation(c, memberId, kind, key);
        return stored.isEmpty() ? Optional.empty() : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, key));
    }

    // ------------------------------------------------------------------ earn

    public Outcome<EarningRow> earn(Connection c, EarnPosting p) throws SQLException {
        Optional<Outcome<EarningRow>> retry = replayEarning(c, p.partnerId(), p.partnerTxId(), p.requestHash());
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForCredit(c, p.memberId(), now);

        // Campaign budgets: locked in campaign-id order (no deadlock between two earnings), and
        // never granted past (the CHECK on campaign.spent_points backs this up).
        List<GrantedBonus> granted = new ArrayList<>();
        List<BonusOffer> offers = new ArrayList<>(p.bonuses());
        offers.sort(Comparator.comparing(BonusOffer::campaignId));
        for (BonusOffer offer : offers) {
            long points = offer.points();
            if (offer.budgetPoints() > 0) {
                // the budget as it is now, under the lock: it may have changed since the offer was priced
                CampaignBudget row = postings.lockCampaignBudget(c, offer.campaignId()).orElse(new CampaignBudget(0, 0));
                long spent = row.spentPoints();
                long budget = row.budgetPoints();
                points = Math.max(0, Math.min(points, budget - spent));
                if (points > 0) {
                    postings.spendCampaignBudget(c, offer.campaignId(), points);
                    if (spent + points == budget) {
                        events.publish(c, new CampaignBudgetExhausted(offer.campaignId(), offer.partnerId(), budget), now);
                    }
                }
            }
            if (points > 0) {
                granted.add(new GrantedBonus(offer.campaignId(), points, offer.networkFunded()));
            }
        }
        PointsCalculation.Result points = PointsCalculation.total(p.basePoints(), granted, p.gradeMultiplier());

        Long lotId = null;
        boolean matured = !p.availableAt().isAfter(now);
        if (points.total() > 0) {
            lotId = postings.insertLot(c, p.memberId(), "EARN", p.earningId(), points.total(), p.occurredAt(),
                    p.availableAt(), p.expiresAt(), matured);
            // Postings, always in this order: partner issuance rows before network promotion rows.
            String issuance = Accounts.issuance(p.partnerId());
            postings.transfer(c, issuance, m.account(), points.basePoints(), TransferKind.EARN, p.earningId(), p.partnerId(), m.shard(), now);
            for (GrantedBonus b : granted) {
                if (!b.networkFunded()) {
                    postings.transfer(c, issuance, m.account(), b.points(), TransferKind.CAMPAIGN_BONUS, p.earningId(), p.partnerId(), m.shard(), now);
                }
            }
            for (GrantedBonus b : granted) {
                if (b.networkFunded()) {
                    postings.transfer(c, Accounts.PROMOTION, m.account(), b.points(), TransferKind.CAMPAIGN_BONUS, p.earningId(), p.partnerId(), m.shard(), now);
                }
            }
            postings.transfer(c, Accounts.PROMOTION, m.account(), points.gradeBonus(), TransferKind.GRADE_BONUS, p.earningId(), p.partnerId(), m.shard(), now);
            m.lifetimeEarned += points.total();
            if (matured) {
                m.available += points.total();
                if (!p.expiresAt().isAfter(now)) {
                    // born expired (history imported from long ago): to breakage at once, never repaying debt
                    expireDue(c, m, now);
                }
                settleDebt(c, m, now);
            } else {
                m.pending += points.total();
            }
        }
        EarningRow row = new EarningRow(p.earningId(), p.partnerId(), p.partnerTxId(), p.requestHash(), p.memberId(),
                p.storeCode(), p.amount(), p.currency(), p.occurredAt(), points.total(), points.basePoints(),
                points.partnerPoints(), points.networkPoints(), bonuses(granted), p.gradeMultiplier(), points.gradeBonus(),
                p.availableAt(), p.expiresAt(), lotId, BigDecimal.ZERO, 0, now);
        if (!operations.insertEarning(c, row)) {
            throw new DuplicateRequest();
        }
        if (!p.imported() && points.total() > 0) {
            // history from before a referral is not the referred member's first purchase in the network,
            // nor is a purchase that earned nothing
            payReferralBonus(c, m, p.earningId(), now);
        }
        postings.saveMember(c, m, now);
        events.publish(c, new PointsEarned(p.earningId().toString(), p.memberId(), p.partnerId(), p.storeCode(), p.partnerTxId(),
                p.amount(), p.currency(), p.occurredAt(), points.total(), points.basePoints(), row.bonuses(),
                p.gradeMultiplier(), p.availableAt(), p.expiresAt(), points.networkPoints()), now);
        return new Outcome<>(row, false);
    }

    private static List<Bonus> bonuses(List<GrantedBonus> granted) {
        return granted.stream().map(b -> new Bonus(b.campaignId(), b.points())).toList();
    }

    /** The first earning of a referred member pays both members the referral bonus, once (referral_bonus's key). */
    private void payReferralBonus(Connection c, MemberBalance member, UUID earningId, Instant now) throws SQLException {
        Optional<String> referrer = referrals.claimFirstEarning(c, member.memberId, earningId);
        long bonus = policy.referralBonusPoints();
        if (referrer.isEmpty() || bonus <= 0 || referrer.get().equals(member.memberId)) {
            return;
        }
        if (!referrals.insertBonus(c, member.memberId, referrer.get(), earningId, now)) {
            return;
        }
        UUID ref = UUID.randomUUID();
        credit(c, member, bonus, "REFERRAL", ref, Accounts.PROMOTION, TransferKind.REFERRAL_BONUS, null, now);
        long referrerPoints = 0;
        // the referrer's status is read once their row is locked (a racing member.left is seen)
        MemberBalance other = postings.lockMember(c, referrer.get());
        boolean referrerActive = other != null && directory.memberStatus(c, referrer.get()).map("ACTIVE"::equals).orElse(false);
        if (referrerActive) {
            bringUpToDate(c, other, now);
            credit(c, other, bonus, "REFERRAL", ref, Accounts.PROMOTION, TransferKind.REFERRAL_BONUS, null, now);
            postings.saveMember(c, other, now);
            referrerPoints = bonus;
        }
        referrals.recordPaid(c, member.memberId, bonus, referrerPoints);
        events.publish(c, new ReferralBonusPaid(member.memberId, referrer.get(), bonus, referrerPoints, earningId.toString()), now);
    }

    /**
     * The purchase that paid a referral bonus was refunded in full: the bonus is taken back from
     * both members (available points first, the rest as debt), once (referral_bonus.reversed_at).
     * The referred member's row is locked by the caller; the referrer's is locked after it, as when paid.
     */
    private void takeBackReferralBonus(Connection c, MemberBalance member, UUID earningId, Instant now) throws SQLException {
        Optional<PaidBonus> paid = referrals.markReversed(c, member.memberId, earningId, now);
        if (paid.isEmpty()) {
            return;
        }
        String referrer = referrals.referrer(c, member.memberId).orElseThrow();
        UUID ref = UUID.randomUUID();
        debit(c, member, paid.get().memberPoints(), ref, now);
        if (paid.get().referrerPoints() > 0) {
            MemberBalance other = postings.lockMember(c, referrer);
            if (other != null) {
                bringUpToDate(c, other, now);
                debit(c, other, paid.get().referrerPoints(), ref, now);
                postings.saveMember(c, other, now);
            }
        }
        events.publish(c, new ReferralBonusReversed(member.memberId, referrer, paid.get().memberPoints(), paid.get().referrerPoints(),
                earningId.toString()), now);
    }

    /** Takes points back to the promotion account: from available points (oldest expiry first), the rest as debt. */
    private void debit(Connection c, MemberBalance m, long points, UUID ref, Instant now) throws SQLException {
        if (points <= 0) {
            return;
        }
        long fromAvailable = Math.min(points, m.available);
        if (fromAvailable > 0) {
            postings.drawFifo(c, m.memberId, fromAvailable, ref, "REFERRAL_REVERSAL", now);
            m.available -= fromAvailable;
        }
        m.debt += points - fromAvailable;
        postings.transfer(c, m.account(), Accounts.PROMOTION, points, TransferKind.REFERRAL_REVERSAL, ref, null, m.shard(), now);
    }

    /** Credits a new available lot expiring after the default validity (bonuses, positive adjustments). */
    private void credit(Connection c, MemberBalance m, long points, String source, UUID ref, String from, TransferKind kind,
                        String partnerId, Instant now) throws SQLException {
        Instant expires = ZonedDateTime.ofInstant(now, policy.zone()).plusMonths(policy.defaultValidityMonths()).toInstant();
        postings.insertLot(c, m.memberId, source, ref, points, now, now, expires, true);
        postings.transfer(c, from, m.account(), points, kind, ref, partnerId, m.shard(), now);
        m.available += points;
        settleDebt(c, m, now);
    }

    // ------------------------------------------------------------------ earning reversal

    public Outcome<ReversalRow> reverseEarning(Connection c, String partnerId, UUID earningId, String partnerTxId,
                                               String requestHash, BigDecimal refundAmount) throws SQLException {
        Optional<ReversalRow> existing = operations.findEarningReversal(c, partnerId, partnerTxId);
        if (existing.isPresent()) {
            return replay(existing.get(), existing.get().requestHash(), requestHash, partnerTxId);
        }
        EarningRow seen = operations.findEarning(c, earningId).filter(e -> e.partnerId().equals(partnerId))
                .orElseThrow(() -> ProblemException.notFound("earning", earningId.toString()));
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        // a twin that held the lock before us committed meanwhile: its answer is ours
        existing = operations.findEarningReversal(c, partnerId, partnerTxId);
        if (existing.isPresent()) {
            return replay(existing.get(), existing.get().requestHash(), requestHash, partnerTxId);
        }
        EarningRow e = operations.lockEarning(c, earningId);
        BigDecimal refundedAfter = e.refundedAmount().add(refundAmount);
        if (refundedAfter.compareTo(e.amount()) > 0) {
            throw ProblemException.unprocessable("refund-exceeds-purchase", "Refund exceeds the purchase",
                    "refunds would total " + refundedAfter.toPlainString() + " of a purchase of " + e.amount().toPlainString());
        }
        long points = PointsCalculation.reversalPoints(e.points(), e.amount(), e.refundedAmount(), refundedAfter);
        long networkShare = PointsCalculation.networkReversalPoints(e.points(), e.networkPoints(), e.amount(), e.refundedAmount(),
                refundedAfter);
        UUID reversalId = UUID.randomUUID();
        long debt = 0;
        if (points > 0) {
            // Take back from the earning's own lot first, then from other available points; what
            // is left becomes debt (a reversal never fails for lack of points).
            long left = points;
            if (e.lotId() != null) {
                Taken own = postings.takeFromLot(c, e.lotId(), left, reversalId, "EARN_REVERSAL", now);
                if (own.matured()) {
                    m.available -= own.points();
                } else {
                    m.pending -= own.points();
                }
                left -= own.points();
            }
            long fromOthers = Math.min(left, m.available);
            if (fromOthers > 0) {
                postings.drawFifo(c, m.memberId, fromOthers, reversalId, "EARN_REVERSAL", now);
                m.available -= fromOthers;
                left -= fromOthers;
            }
            debt = left;
            m.debt += debt;
            m.lifetimeEarned -= points;
            postings.transfer(c, m.account(), Accounts.issuance(partnerId), points - networkShare, TransferKind.EARN_REVERSAL,
                    reversalId, partnerId, m.shard(), now);
            postings.transfer(c, m.account(), Accounts.PROMOTION, networkShare, TransferKind.EARN_REVERSAL, reversalId, partnerId,
                    m.shard(), now);
        }
        operations.recordRefund(c, earningId, refundAmount, points);
        if (refundedAfter.compareTo(e.amount()) == 0) {
            takeBackReferralBonus(c, m, earningId, now);
        }
        ReversalRow row = new ReversalRow(reversalId, earningId, partnerId, partnerTxId, requestHash, refundAmount, points, debt, now);
        if (!operations.insertEarningReversal(c, row)) {
            throw new DuplicateRequest();
        }
        postings.saveMember(c, m, now);
        events.publish(c, new EarningReversed(reversalId.toString(), earningId.toString(), m.memberId, partnerId, partnerTxId,
                refundAmount, points, debt, networkShare), now);
        return new Outcome<>(row, false);
    }

    // ------------------------------------------------------------------ redemption: hold, capture, void

    public Outcome<RedemptionRow> hold(Connection c, String partnerId, String partnerTxId, String requestHash, String memberId,
                                       String storeCode, long points, HoldAuthorization authorization) throws SQLException {
        Optional<Outcome<RedemptionRow>> retry = replayHold(c, partnerId, partnerTxId, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForPosting(c, memberId, now);
        retry = replayHold(c, partnerId, partnerTxId, requestHash);  // a twin committed while we waited for the lock
        if (retry.isPresent()) {
            return retry.get();
        }
        requireSpendable(m, points);
        UUID id = UUID.randomUUID();
        // The hold takes its points out of the lots now, so nothing (expiry, another spend) can
        // touch them until capture or void decides where they go.
        postings.drawFifo(c, memberId, points, id, "HOLD", now);
        m.available -= points;
        m.held += points;
        RedemptionRow row = new RedemptionRow(id, partnerId, partnerTxId, requestHash, memberId, storeCode, points, 0,
                RedemptionStatus.HELD, now.plus(policy.holdTimeout()), now, now);
        if (!operations.insertRedemption(c, row)) {
            throw new DuplicateRequest();
        }
        operations.insertRedemptionAuthorization(c, id, authorization.method(), authorization.actor(), authorization.reason());
        postings.saveMember(c, m, now);
        events.publish(c, new RedemptionHeld(id.toString(), memberId, partnerId, storeCode, partnerTxId, points, row.expiresAt()), now);
        return new Outcome<>(row, false);
    }

    /** A spend needs no debt and enough available points (invariant: available never goes negative). */
    private static void requireSpendable(MemberBalance m, long points) {
        if (m.debt > 0) {
            throw ProblemException.unprocessable("debt-outstanding", "Debt outstanding",
                    "the account owes " + m.debt + " points from a reversal; later earnings repay it first");
        }
        if (m.available < points) {
            throw ProblemException.unprocessable("insufficient-points", "Insufficient points",
                    points + " points requested, " + m.available + " available");
        }
    }

    public Outcome<RedemptionRow> capture(Connection c, String partnerId, UUID redemptionId, Long requested) throws SQLException {
        RedemptionRow seen = visibleRedemption(c, partnerId, redemptionId);
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        long points = requested == null ? r.points() : requested;
        if (r.status() == RedemptionStatus.CAPTURED && (requested == null || r.captured() == requested)) {
            return new Outcome<>(r, true);
        }
        if (r.status() == RedemptionStatus.HELD && !r.expiresAt().isAfter(now)) {
            r = release(c, m, r, VoidReason.LAPSED, now);
            postings.saveMember(c, m, now);
            return new Outcome<>(r, false);
        }
        if (r.status() != RedemptionStatus.HELD) {
            throw ProblemException.conflict("redemption-not-held", "redemption " + redemptionId + " is " + r.status());
        }
        if (points <= 0 || points > r.points()) {
            throw ProblemException.unprocessable("invalid-capture", "Invalid capture",
                    "a capture takes between 1 and the held " + r.points() + " points");
        }
        long released = r.points() - points;
        postings.restore(c, redemptionId, released);
        m.held -= r.points();
        m.available += released;
        expireDue(c, m, now);
        m.spent += points;
        postings.transfer(c, m.account(), Accounts.redemption(partnerId), points, TransferKind.REDEMPTION, redemptionId,
                partnerId, m.shard(), now);
        settleDebt(c, m, now);
        RedemptionRow captured = operations.updateRedemption(c, redemptionId, RedemptionStatus.CAPTURED, points, now);
        postings.saveMember(c, m, now);
        events.publish(c, new RedemptionCaptured(redemptionId.toString(), m.memberId, partnerId, r.storeCode(), points, released), now);
        return new Outcome<>(captured, false);
    }

    public Outcome<RedemptionRow> voidHold(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        RedemptionRow seen = visibleRedemption(c, partnerId, redemptionId);
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        if (r.status() == RedemptionStatus.VOIDED || r.status() == RedemptionStatus.LAPSED) {
            return new Outcome<>(r, true);
        }
        if (r.status() != RedemptionStatus.HELD) {
            throw ProblemException.conflict("redemption-not-held", "redemption " + redemptionId + " is " + r.status());
        }
        RedemptionRow voided = release(c, m, r, VoidReason.VOIDED, now);
        postings.saveMember(c, m, now);
        return new Outcome<>(voided, false);
    }

    /** Lapses one hold past its time; safe to run on several instances (the member lock decides). */
    public boolean lapse(Connection c, UUID redemptionId, String memberId) throws SQLException {
        Instant now = now();
        MemberBalance m = lockForPosting(c, memberId, now);
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        if (r.status() != RedemptionStatus.HELD || r.expiresAt().isAfter(now)) {
            return false;
        }
        release(c, m, r, VoidReason.LAPSED, now);
        postings.saveMember(c, m, now);
        return true;
    }

    private RedemptionRow release(Connection c, MemberBalance m, RedemptionRow r, VoidReason reason, Instant now) throws SQLException {
        postings.restore(c, r.id(), r.points());
        m.held -= r.points();
        m.available += r.points();
        expireDue(c, m, now);  // points back in a lot that expired meanwhile expire now: they never repay debt
        settleDebt(c, m, now);
        RedemptionStatus status = reason == VoidReason.LAPSED ? RedemptionStatus.LAPSED : RedemptionStatus.VOIDED;
        RedemptionRow row = operations.updateRedemption(c, r.id(), status, 0, now);
        events.publish(c, new RedemptionVoided(r.id().toString(), m.memberId, r.partnerId(), r.points(), reason), now);
        return row;
    }

    public RedemptionRow redemption(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        return visibleRedemption(c, partnerId, redemptionId);
    }

    private RedemptionRow visibleRedemption(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        // Another partner's redemption is "not found", not "forbidden": ids are not to be probed.
        return operations.findRedemption(c, redemptionId).filter(r -> partnerId == null || r.partnerId().equals(partnerId))
                .orElseThrow(() -> ProblemException.notFound("redemption", redemptionId.toString()));
    }

    public Outcome<RedemptionRow> reverseRedemption(Connection c, String partnerId, UUID redemptionId, String partnerTxId)
            throws SQLException {
        Optional<UUID> twin = operations.findRedemptionReversal(c, partnerId, partnerTxId);
        if (twin.isPresent()) {
            if (!twin.get().equals(redemptionId)) {
                throw ProblemException.conflict("idempotency-key-reused", "partnerTxId " + partnerTxId + " was used for another request");
            }
            return new Outcome<>(operations.findRedemption(c, redemptionId).orElseThrow(), true);
        }
        RedemptionRow seen = visibleRedemption(c, partnerId, redemptionId);
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        twin = operations.findRedemptionReversal(c, partnerId, partnerTxId);  // committed while we waited for the lock
        if (twin.isPresent()) {
            if (!twin.get().equals(redemptionId)) {
                throw ProblemException.conflict("idempotency-key-reused", "partnerTxId " + partnerTxId + " was used for another request");
            }
            return new Outcome<>(operations.findRedemption(c, redemptionId).orElseThrow(), true);
        }
        RedemptionRow r = operations.lockRedemption(c, redemptionId);
        if (r.status() != RedemptionStatus.CAPTURED) {
            throw ProblemException.conflict("redemption-not-captured", "redemption " + redemptionId + " is " + r.status());
        }
        // The points go back into the lots they were drawn from: they keep their expiry dates.
        postings.restore(c, redemptionId, r.captured());
        m.available += r.captured();
        m.spent -= r.captured();
        postings.transfer(c, Accounts.redemption(partnerId), m.account(), r.captured(), TransferKind.REDEMPTION_REVERSAL,
                redemptionId, partnerId, m.shard(), now);
        expireDue(c, m, now);
        settleDebt(c, m, now);
        UUID reversalId = UUID.randomUUID();
        if (!operations.insertRedemptionReversal(c, reversalId, redemptionId, partnerId, partnerTxId, r.captured(), now)) {
            throw new DuplicateRequest();
        }
        RedemptionRow reversed = operations.updateRedemption(c, redemptionId, RedemptionStatus.REVERSED, r.captured(), now);
        postings.saveMember(c, m, now);
        events.publish(c, new RedemptionReversed(reversalId.toString(), redemptionId.toString(), m.memberId, partnerId, r.captured()), now);
        if (hasLeft(c, m.memberId)) {
            // the member left while the purchase stood: what comes back is forfeited like the rest
            forfeit(c, m.memberId);
        }
        return new Outcome<>(reversed, false);
    }

    // ------------------------------------------------------------------ member operations

    public Outcome<MemberOperationRow> gift(Connection c, String memberId, String recipientId, long points, String key,
                                            String requestHash) throws SQLException {
        Optional<Outcome<MemberOperationRow>> retry = replayMemberOperation(c, memberId, "GIFT", key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        if (recipientId.equals(memberId)) {
            throw ProblemException.unprocessable("self-gift", "Gift to oneself", "a gift goes to another member's card");
        }
        if (points > policy.giftMaxPoints()) {
            throw ProblemException.unprocessable("gift-limit", "Gift limit", "a gift is at most " + policy.giftMaxPoints() + " points");
        }
        Instant now = now();
        MemberBalance[] both = postings.lockMembers(c, memberId, recipientId);
        MemberBalance giver = both[0];
        MemberBalance receiver = both[1];
        if (giver == null || receiver == null) {
            throw ProblemException.unprocessable("unknown-member", "Unknown member", "no account for the giver or the recipient");
        }
        retry = replayMemberOperation(c, memberId, "GIFT", key, requestHash);  // a twin committed while we waited for the locks
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant dayStart = ZonedDateTime.ofInstant(now, policy.zone()).truncatedTo(ChronoUnit.DAYS).toInstant();
        long today = operations.giftedSince(c, memberId, dayStart);
        if (today + points > policy.giftDailyMaxPoints()) {
            throw ProblemException.unprocessable("gift-daily-limit", "Daily gift limit",
                    "gifts are at most " + policy.giftDailyMaxPoints() + " points a day; " + today + " given today");
        }
        // Both rows are locked now; bring both up to date before spending.
        bringUpToDate(c, giver, now);
        bringUpToDate(c, receiver, now);
        requireNotLeft(c, recipientId);
        requireSpendable(giver, points);
        UUID id = UUID.randomUUID();
        List<Draw> draws = postings.drawFifo(c, memberId, points, id, "GIFT", now);
        giver.available -= points;
        giver.spent += points;
        // The receiver's lots keep the giver's expiry dates: a gift cannot extend a point's life.
        for (Draw d : mergeByExpiry(draws)) {
            postings.insertLot(c, recipientId, "GIFT", id, d.points(), now, now, d.expiresAt(), true);
        }
        receiver.available += points;
        settleDebt(c, receiver, now);
        postings.transfer(c, giver.account(), receiver.account(), points, TransferKind.GIFT, id, null, giver.shard(), now);
        MemberOperationRow row = new MemberOperationRow(id, memberId, "GIFT", key, requestHash, recipientId, points, null, null, null, now);
        if (!operations.insertMemberOperation(c, row)) {
            throw new DuplicateRequest();
        }
        postings.saveMember(c, giver, now);
        postings.saveMember(c, receiver, now);
        events.publish(c, new PointsGifted(id.toString(), memberId, recipientId, points), now);
        return new Outcome<>(row, false);
    }

    private static List<Draw> mergeByExpiry(List<Draw> draws) {
        Map<Instant, Long> byExpiry = new LinkedHashMap<>();
        draws.forEach(d -> byExpiry.merge(d.expiresAt(), d.points(), Long::sum));
        return byExpiry.entrySet().stream().map(e -> new Draw(0, e.getValue(), e.getKey())).toList();
    }

    public Outcome<MemberOperationRow> convert(Connection c, String memberId, String mileagePartnerId, long points, long miles,
                                               String key, String requestHash) throws SQLException {
        Optional<Outcome<MemberOperationRow>> retry = replayMemberOperation(c, memberId, "CONVERSION", key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForPosting(c, memberId, now);
        retry = replayMemberOperation(c, memberId, "CONVERSION", key, requestHash);  // a twin committed while we waited for the lock
        if (retry.isPresent()) {
            return retry.get();
        }
        requireSpendable(m, points);
        UUID id = UUID.randomUUID();
        postings.drawFifo(c, memberId, points, id, "CONVERSION", now);
        m.available -= points;
        m.spent += points;
        postings.transfer(c, m.account(), Accounts.CONVERSION, points, TransferKind.CONVERSION, id, mileagePartnerId, m.shard(), now);
        MemberOperationRow row = new MemberOperationRow(id, memberId, "CONVERSION", key, requestHash, mileagePartnerId, points, miles,
                null, null, now);
        if (!operations.insertMemberOperation(c, row)) {
            throw new DuplicateRequest();
        }
        postings.saveMember(c, m, now);
        events.publish(c, new PointsConverted(id.toString(), memberId, mileagePartnerId, points, miles), now);
        return new Outcome<>(row, false);
    }

    /**
     * An operator's correction. A credit is a new available lot; a debit takes available points
     * (oldest expiry first) and, like a reversal, leaves any shortfall as debt.
     */
    public Outcome<MemberOperationRow> adjust(Connection c, String memberId, long points, String reason, String actor, String key,
                                              String requestHash) throws SQLException {
        Optional<Outcome<MemberOperationRow>> retry = replayMemberOperation(c, memberId, "ADJUSTMENT", key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForCredit(c, memberId, now);
        UUID id = UUID.randomUUID();
        if (points > 0) {
            credit(c, m, points, "ADJUSTMENT", id, Accounts.ADJUSTMENT, TransferKind.ADJUSTMENT, null, now);
        } else {
            long debit = -points;
            long fromAvailable = Math.min(debit, m.available);
            if (fromAvailable > 0) {
                postings.drawFifo(c, memberId, fromAvailable, id, "ADJUSTMENT", now);
                m.available -= fromAvailable;
            }
            m.debt += debit - fromAvailable;
            postings.transfer(c, m.account(), Accounts.ADJUSTMENT, debit, TransferKind.ADJUSTMENT, id, null, m.shard(), now);
        }
        MemberOperationRow row = new MemberOperationRow(id, memberId, "ADJUSTMENT", key, requestHash, null, points, null, reason, actor, now);
        if (!operations.insertMemberOperation(c, row)) {
            throw new DuplicateRequest();
        }
        postings.saveMember(c, m, now);
        events.publish(c, new PointsAdjusted(id.toString(), memberId, points, reason, actor), now);
        return new Outcome<>(row, false);
    }

    /** A member left the network: open holds are released and every remaining point goes to breakage. */
    public long forfeit(Connection c, String memberId) throws SQLException {
        Instant now = now();
        MemberBalance m = postings.lockMember(c, memberId);
        if (m == null) {
            return 0;
        }
        for (RedemptionRow r : operations.heldRedemptions(c, memberId)) {
            release(c, m, operations.lockRedemption(c, r.id()), VoidReason.VOIDED, now);
        }
        long total = empty(c, m, AFTER_EVERY_LOT, TransferKind.FORFEIT, now);
        if (total > 0) {
            events.publish(c, new PointsForfeited(memberId, total), now);
        }
        postings.saveMember(c, m, now);
        return total;
    }

    // ------------------------------------------------------------------ jobs (one member per transaction)

    /** Expires the member's due lots; false when another transaction holds the member (try later). */
    public boolean expireMember(Connection c, String memberId) throws SQLException {
        MemberBalance m = postings.tryLockMember(c, memberId);
        if (m == null) {
            return false;
        }
        Instant now = now();
        bringUpToDate(c, m, now);
        postings.saveMember(c, m, now);
        return true;
    }

    /**
     * Tells members about points expiring within the notice period, once per lot. SKIP LOCKED:
     * instances share the work and never wait on a lot a posting holds.
     */
    public int noticeExpiring(Connection c, int limit) throws SQLException {
        Instant now = now();
        Instant horizon = now.plus(Duration.ofDays(policy.expiryNoticeDays()));
        List<ExpiryNotice> due = postings.markExpiryNotices(c, horizon, limit);
        Map<String, Map<Instant, Long>> byMember = new LinkedHashMap<>();
        for (ExpiryNotice d : due) {
            Instant day = ZonedDateTime.ofInstant(d.expiresAt(), policy.zone()).truncatedTo(ChronoUnit.DAYS).toInstant();
            byMember.computeIfAbsent(d.memberId(), k -> new LinkedHashMap<>()).merge(day, d.points(), Long::sum);
        }
        for (var member : byMember.entrySet()) {
            for (var day : member.getValue().entrySet()) {
                events.publish(c, new PointsExpiring(member.getKey(), day.getValue(), day.getKey()), now);
            }
        }
        return due.size();
    }

    private static <T> Outcome<T> replay(T stored, String storedHash, String requestHash, String key) {
        if (!storedHash.equals(requestHash)) {
            throw ProblemException.conflict("idempotency-key-reused",
                    "'" + key + "' was already used for a different request; a retry must repeat the original exactly");
        }
        return new Outcome<>(stored, true);
    }
}
