package io.pointmesh.ledger.service;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.repository.OperationRepository.ReversalRow;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.repository.RewardRepository;
import io.pointmesh.ledger.repository.RewardRepository.OrderRow;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
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
 *
 * <p>This class is the one entry point to every posting; each kind is posted by its own class,
 * and {@link Postings} holds what they share (the member's lock, bringing lots and breakdown up to
 * date, debt, expiry, retries):
 * <ul>
 * <li>earn: {@link EarnPostings}, with the referral bonus in {@link ReferralBonusPostings};</li>
 * <li>earning reversals: {@link EarningReversalPostings};</li>
 * <li>redemptions (hold, capture, void, lapse, reversal): {@link RedemptionPostings};</li>
 * <li>gifts, conversions and adjustments: {@link MemberOperationPostings};</li>
 * <li>expiry, expiry notices and a departing member's forfeit: {@link BreakagePostings};</li>
 * <li>one member's credit of a bulk award: {@link AwardPostings}.</li>
 * <li>reward orders (order, cancellation, fulfilment or failure): {@link RewardPostings}.</li>
 * </ul>
 */
public class Ledger {

    /** Where the postings' events go: the transactional outbox in the service. */
    @FunctionalInterface
    public interface EventSink {
        /** {@code postedAt}: the postings' time, which becomes the event's time. */
        void publish(Connection transaction, DomainEvent event, Instant postedAt) throws SQLException;
    }

    /** The ledger's configurable rules (see LedgerConfig for the defaults and keys). */
    public record Policy(
            Duration holdTimeout,
            long referralBonusPoints,
            long referralQualifyingPoints,
            Duration referralBonusHold,
            int defaultValidityMonths,
            long giftMaxPoints,
            long giftDailyMaxPoints,
            int expiryNoticeDays,
            ZoneId zone) {}

    /** A concurrent twin of this request committed first: roll back and answer with its result. */
    public static final class DuplicateRequest extends RuntimeException {
        public DuplicateRequest() {
            super("a request with the same idempotency key committed first", null, false, false);
        }
    }

    /**
     * An earn request, resolved and priced by EarnService. {@code firstEarningRecorded}: the
     * member's first qualifying earning was already recorded when the request was priced
     * (member_directory.first_earning_id, set once and never cleared), so this one cannot pay a
     * referral bonus and the posting need not ask; false means "ask".
     */
    public record EarnPosting(
            UUID earningId,
            String partnerId,
            String partnerTxId,
            String requestHash,
            String memberId,
            String storeCode,
            BigDecimal amount,
            String currency,
            Instant occurredAt,
            long basePoints,
            List<BonusOffer> bonuses,
            BigDecimal gradeMultiplier,
            Instant availableAt,
            Instant expiresAt,
            boolean imported,
            boolean firstEarningRecorded) {}

    /**
     * A campaign bonus offered to this purchase; the budget may cut it. A joint campaign's offer
     * carries its {@code audience}, checked by the posting under the member's lock; a co-funded one
     * its co-funder and the co-funder's share of the bonus.
     */
    public record BonusOffer(
            String campaignId,
            String partnerId,
            long points,
            boolean networkFunded,
            long budgetPoints,
            DirectoryRepository.Campaign.Audience audience,
            String coFunderId,
            BigDecimal coFunderShare) {

        public BonusOffer(String campaignId, String partnerId, long points, boolean networkFunded, long budgetPoints) {
            this(campaignId, partnerId, points, networkFunded, budgetPoints, null, null, null);
        }
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

    /**
     * What a bulk award credits each member: {@code points} from the funding partner's issuance
     * ({@code fundedBy} PARTNER) or the network's promotion account; {@code awardId} is the caller's,
     * unique within its {@code owner} ("network" for an operator's award, else the partner's id).
     */
    public record AwardTerms(
            String awardId,
            long points,
            String reason,
            String campaignRef,
            io.pointmesh.events.partner.FundedBy fundedBy,
            String partnerId,
            String owner) {}

    /** One member's outcome in a bulk award: credited by posting {@code postingId}, or skipped with why. */
    public record AwardCredit(UUID postingId, String skipReason, Instant at) {
        static AwardCredit skipped(String why) {
            return new AwardCredit(null, why, null);
        }

        public boolean credited() {
            return postingId != null;
        }
    }

    /** An operation's stored result and whether this request only replayed it. */
    public record Outcome<T>(T result, boolean replayed) {}

    private final Postings.Context context;
    private final EarnPostings earnings;
    private final EarningReversalPostings earningReversals;
    private final RedemptionPostings redemptions;
    private final MemberOperationPostings memberOperations;
    private final BreakagePostings breakage;
    private final AwardPostings awards;
    private final RewardPostings rewardOrders;

    public Ledger(
            PostingRepository postings,
            OperationRepository operations,
            DirectoryRepository directory,
            ReferralRepository referrals,
            Clock clock,
            EventSink events,
            Policy policy) {
        this.context = new Postings.Context(postings, operations, directory, referrals, clock, events, policy);
        ReferralBonusPostings referralBonuses = new ReferralBonusPostings(context);
        this.earnings = new EarnPostings(context, referralBonuses);
        this.earningReversals = new EarningReversalPostings(context, referralBonuses);
        this.breakage = new BreakagePostings(context);
        this.awards = new AwardPostings(context);
        this.redemptions = new RedemptionPostings(context, breakage);
        this.memberOperations = new MemberOperationPostings(context);
        this.rewardOrders = new RewardPostings(context, new RewardRepository(), breakage);
    }

    public Policy policy() {
        return context.policy();
    }

    /** The zone of the ledger's days (limits, expiry dates, an award's as-of date). */
    public ZoneId zone() {
        return context.policy().zone();
    }

    public Instant now() {
        return context.now();
    }

    public void openMemberAccount(Connection c, String memberId) throws SQLException {
        context.postings().openMemberAccount(c, memberId);
    }

    public void openPartnerAccounts(Connection c, String partnerId) throws SQLException {
        context.postings().openPartnerAccounts(c, partnerId);
    }

    // ------------------------------------------------------------------ retries

    /** The stored answer to a retried earn request; 409 if its key was used for a different request; empty if new. */
    public Optional<Outcome<EarningRow>> replayEarning(
            Connection c, String partnerId, String partnerTxId, String requestHash) throws SQLException {
        return earnings.replayEarning(c, partnerId, partnerTxId, requestHash);
    }

    public Optional<Outcome<RedemptionRow>> replayHold(
            Connection c, String partnerId, String partnerTxId, String requestHash) throws SQLException {
        return redemptions.replayHold(c, partnerId, partnerTxId, requestHash);
    }

    public Optional<Outcome<MemberOperationRow>> replayMemberOperation(
            Connection c, String memberId, String kind, String key, String requestHash) throws SQLException {
        return memberOperations.replayMemberOperation(c, memberId, kind, key, requestHash);
    }

    // ------------------------------------------------------------------ earn and its reversal

    public Outcome<EarningRow> earn(Connection c, EarnPosting p) throws SQLException {
        return earnings.earn(c, p);
    }

    public Outcome<ReversalRow> reverseEarning(
            Connection c,
            String partnerId,
            UUID earningId,
            String partnerTxId,
            String requestHash,
            BigDecimal refundAmount)
            throws SQLException {
        return earningReversals.reverseEarning(c, partnerId, earningId, partnerTxId, requestHash, refundAmount);
    }

    // ------------------------------------------------------------------ redemption: hold, capture, void, reversal

    public Outcome<RedemptionRow> hold(
            Connection c,
            String partnerId,
            String partnerTxId,
            String requestHash,
            String memberId,
            String storeCode,
            long points,
            HoldAuthorization authorization)
            throws SQLException {
        return redemptions.hold(c, partnerId, partnerTxId, requestHash, memberId, storeCode, points, authorization);
    }

    public Outcome<RedemptionRow> capture(Connection c, String partnerId, UUID redemptionId, Long requested)
            throws SQLException {
        return redemptions.capture(c, partnerId, redemptionId, requested);
    }

    public Outcome<RedemptionRow> voidHold(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        return redemptions.voidHold(c, partnerId, redemptionId);
    }

    /** Lapses one hold past its time; safe to run on several instances (the member lock decides). */
    public boolean lapse(Connection c, UUID redemptionId, String memberId) throws SQLException {
        return redemptions.lapse(c, redemptionId, memberId);
    }

    /** The redemption as {@code partnerId} may see it (null: an operator, who sees all); another partner's is "not found". */
    public RedemptionRow redemption(Connection c, String partnerId, UUID redemptionId) throws SQLException {
        return redemptions.redemption(c, partnerId, redemptionId);
    }

    public Outcome<RedemptionRow> reverseRedemption(
            Connection c, String partnerId, UUID redemptionId, String partnerTxId) throws SQLException {
        return redemptions.reverseRedemption(c, partnerId, redemptionId, partnerTxId);
    }

    // ------------------------------------------------------------------ member operations

    public Outcome<MemberOperationRow> gift(
            Connection c, String memberId, String recipientId, long points, String key, String requestHash)
            throws SQLException {
        return memberOperations.gift(c, memberId, recipientId, points, key, requestHash);
    }

    public Outcome<MemberOperationRow> convert(
            Connection c,
            String memberId,
            String mileagePartnerId,
            long points,
            long miles,
            String key,
            String requestHash)
            throws SQLException {
        return memberOperations.convert(c, memberId, mileagePartnerId, points, miles, key, requestHash);
    }

    /** An operator's correction: a credit is a new available lot; a debit beyond what is available becomes debt. */
    public Outcome<MemberOperationRow> adjust(
            Connection c, String memberId, long points, String reason, String actor, String key, String requestHash)
            throws SQLException {
        return memberOperations.adjust(c, memberId, points, reason, actor, key, requestHash);
    }

    // ------------------------------------------------------------------ breakage: forfeit, expiry, notices

    /** A member left the network: open holds are released and every remaining point goes to breakage. */
    public long forfeit(Connection c, String memberId) throws SQLException {
        return breakage.forfeit(c, memberId);
    }

    /** Expires the member's due lots (a job, one member per transaction); false when another transaction holds the member. */
    public boolean expireMember(Connection c, String memberId) throws SQLException {
        return breakage.expireMember(c, memberId);
    }

    /** Tells members about points expiring within the notice period, once per lot (a job). */
    public int noticeExpiring(Connection c, int limit) throws SQLException {
        return breakage.noticeExpiring(c, limit);
    }

    // ------------------------------------------------------------------ bulk awards

    /**
     * Credits one member of a bulk award (its own lot, AWARD transfer and event), on the batch's
     * transaction; a member who left, is suspended or has no account is skipped with why.
     */
    public AwardCredit award(Connection c, String memberId, AwardTerms terms) throws SQLException {
        return awards.award(c, memberId, terms);
    }

    // ------------------------------------------------------------------ reward orders (docs/rewards.md)

    public Optional<Outcome<OrderRow>> replayRewardOrder(Connection c, String memberId, String key, String requestHash)
            throws SQLException {
        return rewardOrders.replayOrder(c, memberId, key, requestHash);
    }

    /** Takes the reward's price and a unit of its stock (a coupon's code) in the caller's transaction: 409 out-of-stock. */
    public Outcome<OrderRow> orderReward(
            Connection c,
            String memberId,
            UUID rewardId,
            RewardPostings.OrderCheck orderable,
            String key,
            String requestHash,
            String shippingAddress)
            throws SQLException {
        return rewardOrders.order(c, memberId, rewardId, orderable, key, requestHash, shippingAddress);
    }

    /** The member cancels an order not yet fulfilled: points back with their expiry, stock back. */
    public Outcome<OrderRow> cancelRewardOrder(Connection c, String memberId, UUID orderId) throws SQLException {
        return rewardOrders.cancel(c, memberId, orderId);
    }

    /** FULFILLED or FAILED (points back), by the reward's partner or an operator ({@code partnerId} null). */
    public Outcome<OrderRow> decideRewardOrder(
            Connection c, String partnerId, UUID orderId, String outcome, String reason) throws SQLException {
        return rewardOrders.decide(c, partnerId, orderId, outcome, reason);
    }
}
