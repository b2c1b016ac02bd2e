package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.RewardOrderCancelled;
import io.pointmesh.events.ledger.RewardOrderFailed;
import io.pointmesh.events.ledger.RewardOrderFulfilled;
import io.pointmesh.events.ledger.RewardOrdered;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.RewardRepository;
import io.pointmesh.ledger.repository.RewardRepository.OrderRow;
import io.pointmesh.ledger.repository.RewardRepository.RewardRow;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Reward orders (docs/rewards.md). An order is a hold captured at once: under the member's row
 * lock it draws the price from the member's lots (oldest expiry first, recorded in lot_draw), pays
 * it to the reward's account, takes a unit of the reward's stock (I16) and, for a coupon, one code
 * of its pool (I17), all in the caller's one transaction. A cancelled or failed order gives the
 * points back into the lots they came from, so they keep their expiry dates, like a cancelled
 * redemption.
 */
final class RewardPostings extends Postings {

    static final String ORDERED = "ORDERED";
    static final String FULFILLED = "FULFILLED";
    static final String CANCELLED = "CANCELLED";
    static final String FAILED = "FAILED";
    static final String COUPON_CODE = "COUPON_CODE";

    private final RewardRepository rewards;
    private final BreakagePostings breakage;

    RewardPostings(Context context, RewardRepository rewards, BreakagePostings breakage) {
        super(context);
        this.rewards = rewards;
        this.breakage = breakage;
    }

    /** The stored answer to a retried order; 409 if its key was used for a different request; empty if new. */
    Optional<Outcome<OrderRow>> replayOrder(Connection c, String memberId, String key, String requestHash)
            throws SQLException {
        Optional<OrderRow> stored = rewards.order(c, memberId, key);
        return stored.isEmpty()
                ? Optional.empty()
                : Optional.of(replay(stored.get(), stored.get().requestHash(), requestHash, key));
    }

    /** A check of the reward's row as the order locks it: throws (a problem) if it may not be ordered. */
    @FunctionalInterface
    interface OrderCheck {
        void check(RewardRow reward) throws SQLException;
    }

    Outcome<OrderRow> order(
            Connection c,
            String memberId,
            UUID rewardId,
            OrderCheck orderable,
            String key,
            String requestHash,
            String shippingAddress)
            throws SQLException {
        Optional<Outcome<OrderRow>> retry = replayOrder(c, memberId, key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForPosting(c, memberId, now);
        retry = replayOrder(c, memberId, key, requestHash); // a twin committed while we waited for the lock
        if (retry.isPresent()) {
            return retry.get();
        }
        requireNotLeft(c, memberId); // a leave that committed while we waited for the lock
        // the reward's row FOR KEY SHARE (after the member's: the lock order): its terms as they are now,
        // and no edit or withdrawal commits before this order does; the price paid is the one read here
        RewardRow reward = rewards.rewardForOrder(c, rewardId)
                .orElseThrow(() -> ProblemException.notFound("reward", rewardId.toString()));
        orderable.check(reward);
        // the member's row lock serializes the member's orders: the count cannot change under us
        if (reward.perMemberLimit() != null
                && rewards.standingOrders(c, memberId, reward.id()) >= reward.perMemberLimit()) {
            throw ProblemException.unprocessable(
                    "reward-limit-reached",
                    "Reward limit reached",
                    "a member may order this reward at most " + reward.perMemberLimit() + " times");
        }
        long points = reward.pricePoints();
        requireSpendable(m, points);
        UUID id = PostingIds.next();
        postings.drawFifo(c, memberId, points, id, "REWARD_ORDER", now);
        m.available -= points;
        m.spent += points;
        postings.transfer(
                c,
                m.account(),
                account(reward.partnerId()),
                points,
                TransferKind.REWARD_ORDER,
                id,
                reward.partnerId(),
                m.shard(),
                now);
        boolean coupon = COUPON_CODE.equals(reward.fulfilment());
        OrderRow row = new OrderRow(
                id,
                reward.id(),
                memberId,
                reward.partnerId(),
                key,
                requestHash,
                points,
                coupon ? FULFILLED : ORDERED, // a coupon is delivered with the order: its code
                shippingAddress,
                null,
                null,
                reward.title(),
                reward.fulfilment(),
                now,
                now);
        if (!rewards.insertOrder(c, row)) {
            throw new DuplicateRequest();
        }
        // Last, so the reward's row (locked by the decrement until commit) is held as briefly as possible.
        if (reward.stockLeft() != null && !rewards.takeStock(c, reward.id())) {
            throw ProblemException.conflict("out-of-stock", "reward " + reward.id() + " is out of stock");
        }
        if (coupon && rewards.takeCode(c, reward.id(), id).isEmpty()) {
            // the stock of a coupon reward is its free codes (ledger_invariant_violation checks it)
            throw new IllegalStateException("reward " + reward.id() + " had stock but no free code");
        }
        postings.saveMember(c, m, now);
        String rewardKey = reward.id().toString();
        events.publish(
                c,
                new RewardOrdered(
                        id.toString(),
                        rewardKey,
                        memberId,
                        reward.partnerId(),
                        reward.title(),
                        reward.fulfilment(),
                        points),
                now);
        if (coupon) {
            events.publish(
                    c, new RewardOrderFulfilled(id.toString(), rewardKey, memberId, reward.partnerId(), points), now);
        }
        return new Outcome<>(rewards.order(c, id).orElseThrow(), false);
    }

    /** The member cancels an order that is not fulfilled yet: points and stock come back. */
    Outcome<OrderRow> cancel(Connection c, String memberId, UUID orderId) throws SQLException {
        OrderRow seen = rewards.order(c, orderId)
                .filter(o -> o.memberId().equals(memberId))
                .orElseThrow(() -> ProblemException.notFound("reward order", orderId.toString()));
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        rewards.lockOrder(c, orderId);
        OrderRow o = rewards.order(c, orderId).orElseThrow();
        if (CANCELLED.equals(o.status())) {
            return new Outcome<>(o, true);
        }
        if (!ORDERED.equals(o.status())) {
            throw ProblemException.conflict(
                    "order-not-cancellable",
                    "reward order " + orderId + " is " + o.status() + ": it cannot be cancelled");
        }
        refund(c, m, o, CANCELLED, null, now);
        events.publish(
                c,
                new RewardOrderCancelled(
                        o.id().toString(), o.rewardId().toString(), o.memberId(), o.partnerId(), o.points()),
                now);
        forfeitIfLeft(c, m.memberId);
        return new Outcome<>(rewards.order(c, orderId).orElseThrow(), false);
    }

    /**
     * The reward's partner (or an operator, {@code partnerId} null) decides an order: FULFILLED
     * (an open order), or FAILED (an open order, or a coupon whose code did not work), which gives
     * the points back. Repeating the same decision is harmless.
     */
    Outcome<OrderRow> decide(Connection c, String partnerId, UUID orderId, String outcome, String reason)
            throws SQLException {
        OrderRow seen = rewards.order(c, orderId)
                .filter(o -> partnerId == null || partnerId.equals(o.partnerId()))
                .orElseThrow(() -> ProblemException.notFound("reward order", orderId.toString()));
        Instant now = now();
        MemberBalance m = lockForPosting(c, seen.memberId(), now);
        rewards.lockOrder(c, orderId);
        OrderRow o = rewards.order(c, orderId).orElseThrow();
        if (outcome.equals(o.status())) {
            return new Outcome<>(o, true);
        }
        boolean open = ORDERED.equals(o.status());
        boolean badCoupon =
                FAILED.equals(outcome) && FULFILLED.equals(o.status()) && COUPON_CODE.equals(o.fulfilment());
        if (!open && !badCoupon) {
            throw ProblemException.conflict(
                    "order-not-open",
                    "reward order " + orderId + " is " + o.status() + ": it cannot become " + outcome);
        }
        String rewardId = o.rewardId().toString();
        if (FULFILLED.equals(outcome)) {
            rewards.updateOrder(c, orderId, FULFILLED, null, now);
            events.publish(
                    c,
                    new RewardOrderFulfilled(o.id().toString(), rewardId, o.memberId(), o.partnerId(), o.points()),
                    now);
        } else {
            refund(c, m, o, FAILED, reason, now);
            events.publish(
                    c,
                    new RewardOrderFailed(o.id().toString(), rewardId, o.memberId(), o.partnerId(), o.points(), reason),
                    now);
            forfeitIfLeft(c, m.memberId);
        }
        return new Outcome<>(rewards.order(c, orderId).orElseThrow(), false);
    }

    /**
     * The order's points back into the lots they were drawn from (their expiry dates kept; points
     * whose lot expired meanwhile expire at once and repay no debt), and its unit of stock back,
     * unless it held a coupon code, which the member has seen and which never returns to the pool.
     */
    private void refund(Connection c, MemberBalance m, OrderRow o, String status, String reason, Instant now)
            throws SQLException {
        giveBack(c, m, o.id(), o.points());
        m.spent -= o.points();
        postings.transfer(
                c,
                account(o.partnerId()),
                m.account(),
                o.points(),
                TransferKind.REWARD_ORDER_REVERSAL,
                o.id(),
                o.partnerId(),
                m.shard(),
                now);
        expireDue(c, m, now);
        settleDebt(c, m, now);
        if (!COUPON_CODE.equals(o.fulfilment())) {
            rewards.returnStock(c, o.rewardId());
        }
        rewards.updateOrder(c, o.id(), status, reason, now);
        postings.saveMember(c, m, now);
    }

    private void forfeitIfLeft(Connection c, String memberId) throws SQLException {
        if (hasLeft(c, memberId)) {
            // the member left while the order stood: what comes back is forfeited like the rest
            breakage.forfeit(c, memberId);
        }
    }

    /** Where a reward's points go: the partner's redemption account (settled like any redemption), or the network's. */
    static String account(String partnerId) {
        return partnerId == null ? Accounts.REWARDS : Accounts.redemption(partnerId);
    }
}
