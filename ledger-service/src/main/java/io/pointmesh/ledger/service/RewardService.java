package io.pointmesh.ledger.service;

import io.pointmesh.events.Grade;
import io.pointmesh.events.Segment;
import io.pointmesh.ledger.PointLimits;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository.MemberView;
import io.pointmesh.ledger.repository.RewardRepository;
import io.pointmesh.ledger.repository.RewardRepository.OrderRow;
import io.pointmesh.ledger.repository.RewardRepository.RewardRow;
import io.pointmesh.ledger.repository.RewardRepository.Terms;
import io.pointmesh.ledger.repository.RewardRepository.TopUpRow;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The rewards catalogue (docs/rewards.md): publishing rewards and their coupon codes, members'
 * browsing and orders. Orders are posted by {@link Ledger} (points, stock and code in one transaction).
 */
@ApplicationScoped
public class RewardService {

    public static final Set<String> FULFILMENTS = Set.of("COUPON_CODE", "SHIPPING", "PARTNER_VOUCHER");
    static final int MAX_CODES_PER_UPLOAD = 10_000;
    static final int LIST_LIMIT = 200;

    /** What a partner or an operator publishes. {@code stock} null: unlimited (coupons: the codes uploaded). */
    @RegisterForReflection
    public record Publication(
            String partnerId,
            String title,
            String description,
            String imageUrl,
            Long pricePoints,
            Long stock,
            Integer perMemberLimit,
            Instant availableFrom,
            Instant availableUntil,
            String fulfilment,
            List<String> grades,
            List<String> segments) {}

    /** A CSV upload's result: codes new to the pool, codes it already had, and the stock now. */
    @RegisterForReflection
    public record CodeUpload(String rewardId, int received, int added, int duplicates, long stockLeft) {}

    @Inject
    Transactions transactions;

    @Inject
    Ledger ledger;

    @Inject
    RewardRepository rewards;

    @Inject
    DirectoryRepository directory;

    @Inject
    ParticipantCheck participants;

    @Inject
    AccountQueryService accounts;

    /**
     * What a partner or an operator may change of a reward (docs/rewards.md, "Editing"): the whole
     * set of terms, a field left out cleared (title and pricePoints are required). The fulfilment,
     * the partner and the stock are not terms (stock: a top-up; a coupon's: its codes).
     */
    @RegisterForReflection
    public record TermsChange(
            String title,
            String description,
            String imageUrl,
            Long pricePoints,
            Integer perMemberLimit,
            Instant availableFrom,
            Instant availableUntil,
            List<String> grades,
            List<String> segments) {}

    /** A stock top-up: {@code units} more of a stock-limited reward. */
    @RegisterForReflection
    public record TopUpRequest(Long units) {}

    /** A top-up's answer: the units it added and the stock left right after it. */
    @RegisterForReflection
    public record StockTopUp(String topUpId, String rewardId, long units, long stockLeft, Instant createdAt) {
        public static StockTopUp of(TopUpRow t) {
            return new StockTopUp(
                    t.id().toString(), t.rewardId().toString(), t.units(), t.stockLeftAfter(), t.createdAt());
        }
    }

    /**
     * Publishes a reward. {@code callerPartnerId}: the calling partner (it publishes only for itself),
     * or null for an operator, who publishes for any partner or, without a partnerId, for the network.
     * With an {@code idempotencyKey}, a retry (the same caller, key and body) is answered with the
     * reward the first one made (replayed), another body with 409, and twins sent at once make one.
     */
    public Outcome<RewardRow> publish(String callerPartnerId, String actor, Publication p, String idempotencyKey) {
        if (p == null) {
            throw ProblemException.badRequest("missing-body", "a reward body is required");
        }
        String partnerId = p.partnerId() == null || p.partnerId().isBlank() ? callerPartnerId : p.partnerId();
        if (callerPartnerId != null && !callerPartnerId.equals(partnerId)) {
            throw ProblemException.forbidden("other-partner", "a partner publishes rewards only for itself");
        }
        Terms terms = terms(new TermsChange(
                p.title(),
                p.description(),
                p.imageUrl(),
                p.pricePoints(),
                p.perMemberLimit(),
                p.availableFrom(),
                p.availableUntil(),
                p.grades(),
                p.segments()));
        if (p.fulfilment() == null || !FULFILMENTS.contains(p.fulfilment())) {
            throw ProblemException.invalidField("fulfilment", "one of " + String.join(", ", sorted(FULFILMENTS)));
        }
        boolean coupon = "COUPON_CODE".equals(p.fulfilment());
        if (coupon && p.stock() != null) {
            throw ProblemException.invalidField("stock", "a coupon reward's stock is its codes: upload them");
        }
        if (p.stock() != null && (p.stock() < 0 || p.stock() > PointLimits.MAX_PER_OPERATION)) {
            throw ProblemException.invalidField("stock", "from 0 to " + PointLimits.MAX_PER_OPERATION);
        }
        String key = keyOrNull(idempotencyKey);
        String scope = key == null ? null : scope(callerPartnerId);
        String hash = key == null
                ? null
                : RequestHash.of(
                        partnerId,
                        terms.title(),
                        terms.description(),
                        terms.imageUrl(),
                        terms.pricePoints(),
                        terms.perMemberLimit(),
                        terms.availableFrom(),
                        terms.availableUntil(),
                        p.fulfilment(),
                        p.stock(),
                        String.join(",", sorted(terms.grades())),
                        String.join(",", sorted(terms.segments())));
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    if (key != null) {
                        var retry = replayPublication(c, scope, key, hash);
                        if (retry.isPresent()) {
                            return retry.get();
                        }
                    }
                    if (partnerId != null) {
                        participants.requireActivePartner(c, partnerId);
                    }
                    Instant now = ledger.now();
                    Long stock = coupon ? Long.valueOf(0) : p.stock();
                    RewardRow row = new RewardRow(
                            PostingIds.next(),
                            partnerId,
                            terms.title(),
                            terms.description(),
                            terms.imageUrl(),
                            terms.pricePoints(),
                            stock,
                            terms.perMemberLimit(),
                            terms.availableFrom(),
                            terms.availableUntil(),
                            p.fulfilment(),
                            terms.grades(),
                            terms.segments(),
                            actor,
                            now,
                            coupon ? null : p.stock(),
                            null,
                            null,
                            null,
                            null,
                            scope,
                            key,
                            hash,
                            null,
                            null);
                    if (!rewards.insertReward(c, row)) {
                        throw new Ledger.DuplicateRequest(); // a twin with the key committed first
                    }
                    return new Outcome<>(rewards.reward(c, row.id()).orElseThrow(), false);
                }),
                () -> transactions.run(
                        c -> replayPublication(c, scope, key, hash).orElseThrow()));
    }

    private java.util.Optional<Outcome<RewardRow>> replayPublication(
            java.sql.Connection c, String scope, String key, String hash) throws java.sql.SQLException {
        var stored = rewards.rewardByKey(c, scope, key);
        // the reward as it stands now (it may have been edited since)
        return stored.map(r -> Postings.replay(r, r.requestHash(), hash, key));
    }

    /**
     * Replaces a reward's terms ({@link TermsChange}): its partner ({@code callerPartnerId}) or an
     * operator (null). A new price is what new orders pay; an order keeps the points it paid (its
     * own {@code points}, which its refund gives back). Another partner's reward is 404; a withdrawn
     * one 409. The reward's row is locked FOR UPDATE: the edit waits for the orders in flight, and
     * orders after it read the new terms.
     */
    public RewardRow edit(String callerPartnerId, String actor, String rewardId, TermsChange change) {
        UUID id = rewardId(rewardId);
        if (change == null) {
            throw ProblemException.badRequest("missing-body", "the reward's terms are required");
        }
        Terms terms = terms(change);
        return transactions.run(c -> {
            RewardRow r = visible(callerPartnerId, rewardId, rewards.lockForChange(c, id));
            requireNotWithdrawn(r);
            Instant now = ledger.now();
            rewards.updateTerms(c, id, terms, actor, now, now.minus(PRICE_RAISE_NOTICE));
            return rewards.reward(c, id).orElseThrow();
        });
    }

    /**
     * Withdraws a reward: no order from now on (409 reward-withdrawn); its orders stand and are
     * fulfilled, failed or cancelled as before. Repeating it is harmless (replayed). The time is
     * taken under the row's lock, after every order in flight committed (I22).
     */
    public Outcome<RewardRow> withdraw(String callerPartnerId, String actor, String rewardId) {
        UUID id = rewardId(rewardId);
        return transactions.run(c -> {
            RewardRow r = visible(callerPartnerId, rewardId, rewards.lockForChange(c, id));
            if (r.withdrawn()) {
                return new Outcome<>(r, true);
            }
            rewards.withdraw(c, id, actor, ledger.now());
            return new Outcome<>(rewards.reward(c, id).orElseThrow(), false);
        });
    }

    /**
     * Adds units to a stock-limited reward (not a coupon: its stock is its codes; not an unlimited
     * one). With an Idempotency-Key a retry adds nothing and is answered with the first top-up. The
     * reward's row is locked like an order's decrement, so top-ups and orders take turns on the
     * stock: none is lost, nothing is oversold (I16, I21).
     */
    public Outcome<TopUpRow> topUp(
            String callerPartnerId, String actor, String rewardId, TopUpRequest body, String idempotencyKey) {
        UUID id = rewardId(rewardId);
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a top-up body is required");
        }
        if (body.units() == null || body.units() < 1 || body.units() > PointLimits.MAX_PER_OPERATION) {
            throw ProblemException.invalidField("units", "from 1 to " + PointLimits.MAX_PER_OPERATION);
        }
        long units = body.units();
        String key = keyOrNew(idempotencyKey);
        String scope = scope(callerPartnerId);
        String hash = RequestHash.of(id, units);
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    var retry = replayTopUp(c, scope, key, hash);
                    if (retry.isPresent()) {
                        return retry.get();
                    }
                    RewardRow r = visible(callerPartnerId, rewardId, rewards.lockForStock(c, id));
                    if ("COUPON_CODE".equals(r.fulfilment())) {
                        throw ProblemException.unprocessable(
                                "coupon-stock-is-codes",
                                "A coupon's stock is its codes",
                                "upload codes to add stock to coupon reward " + rewardId);
                    }
                    if (r.stockLeft() == null) {
                        throw ProblemException.unprocessable(
                                "unlimited-stock", "Unlimited stock", "reward " + rewardId + " has no stock limit");
                    }
                    requireNotWithdrawn(r);
                    TopUpRow t = new TopUpRow(
                            PostingIds.next(), id, units, r.stockLeft() + units, scope, key, hash, actor, ledger.now());
                    if (!rewards.insertTopUp(c, t)) {
                        throw new Ledger.DuplicateRequest();
                    }
                    long left = rewards.addStock(c, id, units);
                    if (left != t.stockLeftAfter()) {
                        throw new IllegalStateException("reward " + id + " stock moved under its lock");
                    }
                    return new Outcome<>(t, false);
                }),
                () -> transactions.run(c -> replayTopUp(c, scope, key, hash).orElseThrow()));
    }

    private java.util.Optional<Outcome<TopUpRow>> replayTopUp(
            java.sql.Connection c, String scope, String key, String hash) throws java.sql.SQLException {
        return rewards.topUpByKey(c, scope, key).map(t -> Postings.replay(t, t.requestHash(), hash, key));
    }

    private static java.time.Instant micros(java.time.Instant t) {
        return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** The terms checked and normalized (title stripped, grades and segments known and once each). */
    private static Terms terms(TermsChange p) {
        Idempotency.requireText("title", p.title(), 200);
        if (p.description() != null && p.description().length() > 4000) {
            throw ProblemException.invalidField("description", "at most 4000 characters");
        }
        if (p.imageUrl() != null) {
            requireImageUrl(p.imageUrl());
        }
        PointLimits.requirePositive("pricePoints", p.pricePoints());
        if (p.perMemberLimit() != null && p.perMemberLimit() < 1) {
            throw ProblemException.invalidField("perMemberLimit", "at least 1");
        }
        io.pointmesh.platform.problem.TimeParams.inRange("availableFrom", p.availableFrom());
        io.pointmesh.platform.problem.TimeParams.inRange("availableUntil", p.availableUntil());
        // compared as stored: PostgreSQL keeps microseconds, so two times a nanosecond apart are one time there (and
        // the table's CHECK would refuse them with a 500)
        java.time.Instant from = micros(p.availableFrom());
        java.time.Instant until = micros(p.availableUntil());
        if (from != null && until != null && !until.isAfter(from)) {
            throw ProblemException.invalidField("availableUntil", "after availableFrom");
        }
        return new Terms(
                p.title().strip(),
                p.description(),
                p.imageUrl(),
                p.pricePoints(),
                p.perMemberLimit(),
                from,
                until,
                names("grades", p.grades(), Grade.values()),
                names("segments", p.segments(), Segment.values()));
    }

    static void requireNotWithdrawn(RewardRow r) {
        if (r.withdrawn()) {
            throw ProblemException.conflict("reward-withdrawn", "reward " + r.id() + " is withdrawn");
        }
    }

    /** Who a key belongs to: a partner's integration client, or the operators. */
    private static String scope(String callerPartnerId) {
        return callerPartnerId == null ? "operator" : "partner:" + callerPartnerId;
    }

    /** The reward if the caller may change it: another partner's (or the network's, to a partner) is 404. */
    private static RewardRow visible(String callerPartnerId, String rewardId, java.util.Optional<RewardRow> r) {
        return r.filter(x -> callerPartnerId == null || callerPartnerId.equals(x.partnerId()))
                .orElseThrow(() -> ProblemException.notFound("reward", rewardId));
    }

    /** A partner's own rewards ({@code partnerId}), or every reward (an operator, {@code partnerId} null). */
    public List<RewardRow> catalogue(String partnerId) {
        return transactions.read(c -> rewards.rewards(c, partnerId, partnerId == null, LIST_LIMIT));
    }

    /** What the member may order now (eligible, in stock, in its window), with what they can afford; {@code affordableOnly} filters. */
    public MemberCatalogue forMember(String memberId, boolean affordableOnly) {
        return transactions.read(c -> {
            MemberView m = participants.activeMember(c, null, memberId);
            long available = accounts.balance(c, memberId).available();
            List<RewardRow> rows = rewards.orderable(
                    c, memberId, m.grade(), m.segment(), affordableOnly ? available : null, ledger.now(), LIST_LIMIT);
            return new MemberCatalogue(available, rows);
        });
    }

    public record MemberCatalogue(long available, List<RewardRow> rewards) {}

    /**
     * Adds a CSV of codes (one per line, the first column; an optional header line "code") to a
     * coupon reward's pool: each code once, so the same file sent again adds nothing.
     */
    public CodeUpload uploadCodes(String callerPartnerId, UUID rewardId, String csv) {
        List<String> codes = parseCodes(csv);
        return transactions.run(c -> {
            // locked as a top-up locks it: a withdrawal (FOR UPDATE) is either seen here or waits for the upload
            RewardRow r = visible(callerPartnerId, rewardId.toString(), rewards.lockForStock(c, rewardId));
            if (!"COUPON_CODE".equals(r.fulfilment())) {
                throw ProblemException.unprocessable(
                        "not-a-coupon-reward", "Not a coupon reward", "reward " + rewardId + " is " + r.fulfilment());
            }
            // codes for a reward nobody can order any more would show as stock that does not exist
            requireNotWithdrawn(r);
            int added = rewards.addCodes(c, rewardId, codes, ledger.now());
            long stock = rewards.reward(c, rewardId).orElseThrow().stockLeft();
            return new CodeUpload(rewardId.toString(), codes.size(), added, codes.size() - added, stock);
        });
    }

    /**
     * A CSV line's first field (RFC 4180): a quoted one may hold commas and doubled quotes ("AB,CD" is
     * the code AB,CD; split at the comma first, it was stored as a code members could never use).
     */
    static String firstField(String line) {
        String l = line.strip();
        if (!l.startsWith("\"")) {
            int comma = l.indexOf(',');
            return (comma < 0 ? l : l.substring(0, comma)).strip();
        }
        StringBuilder field = new StringBuilder();
        for (int i = 1; i < l.length(); i++) {
            char ch = l.charAt(i);
            if (ch == '"') {
                if (i + 1 < l.length() && l.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    return field.toString().strip();
                }
            } else {
                field.append(ch);
            }
        }
        throw ProblemException.invalidField("codes", "a quoted code without its closing quote: " + line);
    }

    static List<String> parseCodes(String csv) {
        if (csv == null || csv.isBlank()) {
            throw ProblemException.badRequest("missing-body", "a CSV of codes is required, one per line");
        }
        LinkedHashSet<String> codes = new LinkedHashSet<>();
        String[] lines = csv.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            String code = firstField(lines[i]);
            if (code.isEmpty() || (i == 0 && code.equalsIgnoreCase("code"))) {
                continue;
            }
            if (code.length() > 200 || code.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                throw ProblemException.invalidField("codes", "line " + (i + 1) + ": at most 200 printable characters");
            }
            codes.add(code);
        }
        if (codes.isEmpty()) {
            throw ProblemException.invalidField("codes", "no code in the file");
        }
        if (codes.size() > MAX_CODES_PER_UPLOAD) {
            throw ProblemException.invalidField("codes", "at most " + MAX_CODES_PER_UPLOAD + " codes per upload");
        }
        return new ArrayList<>(codes);
    }

    /**
     * The member orders a reward: its price and a unit of stock (a coupon's code) in one transaction.
     * {@code shownPrice}: the price the member was shown (null from a client that does not send it); an order never
     * pays more than it, and without it an order is refused for {@link #PRICE_RAISE_NOTICE} after a raise.
     */
    public Outcome<OrderRow> order(
            String memberId, String rewardId, String shippingAddress, Long shownPrice, String idempotencyKey) {
        UUID id = rewardId(rewardId);
        if (shippingAddress != null && shippingAddress.length() > 1000) {
            throw ProblemException.invalidField("shippingAddress", "at most 1000 characters");
        }
        if (shownPrice != null) {
            PointLimits.requirePositive("pricePoints", shownPrice);
        }
        // required: a coupon order retried after a timeout took two codes, which the member cannot cancel
        String key = Idempotency.requireKey(idempotencyKey, "a reward order");
        // without a stated price, the hash of before (a retry across an upgrade is still a retry)
        String hash = shownPrice == null
                ? RequestHash.of(id, shippingAddress)
                : RequestHash.of(id, shippingAddress, shownPrice);
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    var retry = ledger.replayRewardOrder(c, memberId, key, hash);
                    if (retry.isPresent()) {
                        return retry.get();
                    }
                    MemberView m = participants.activeMember(c, null, memberId);
                    RewardRow r =
                            rewards.reward(c, id).orElseThrow(() -> ProblemException.notFound("reward", rewardId));
                    requireOrderable(c, r, m, ledger.now());
                    requirePrice(r, shownPrice, ledger.now());
                    if ("SHIPPING".equals(r.fulfilment()) && (shippingAddress == null || shippingAddress.isBlank())) {
                        throw ProblemException.invalidField("shippingAddress", "required for a reward that is shipped");
                    }
                    // checked again on the reward's row as the posting locks it (an edit or withdrawal in between)
                    return ledger.orderReward(
                            c,
                            memberId,
                            id,
                            locked -> {
                                requireOrderable(c, locked, m, ledger.now());
                                // the price paid is the locked row's: checked against what the member saw
                                requirePrice(locked, shownPrice, ledger.now());
                            },
                            key,
                            hash,
                            shippingAddress == null ? null : shippingAddress.strip());
                }),
                () -> transactions.run(
                        c -> ledger.replayRewardOrder(c, memberId, key, hash).orElseThrow()));
    }

    /**
     * How long after a raise an order must state the price it was shown: a member who browsed the catalogue at the old
     * price is not charged the new one by an app that does not send it (a partner raising a coupon's price while
     * members order it would otherwise take the new price from each, with no way back).
     */
    static final java.time.Duration PRICE_RAISE_NOTICE = java.time.Duration.ofMinutes(15);

    /** 409 price-changed when the reward costs more than the member was shown, or rose recently and none was stated. */
    static void requirePrice(RewardRow r, Long shownPrice, Instant now) {
        if (shownPrice != null ? r.pricePoints() > shownPrice : recentlyRaised(r, now)) {
            throw ProblemException.conflict(
                    "price-changed",
                    "reward " + r.id() + " now costs " + r.pricePoints() + " points"
                            + (shownPrice != null
                                    ? ", more than the " + shownPrice + " shown"
                                    : " (raised " + r.priceRaisedAt() + ")")
                            + "; order again with pricePoints " + r.pricePoints() + " once the member has seen it");
        }
    }

    /** Raised within the notice, above what it cost before (a raise corrected back down is no raise). */
    private static boolean recentlyRaised(RewardRow r, Instant now) {
        return r.priceRaisedAt() != null
                && now.isBefore(r.priceRaisedAt().plus(PRICE_RAISE_NOTICE))
                && (r.priceBeforeRaise() == null || r.pricePoints() > r.priceBeforeRaise());
    }

    private void requireOrderable(java.sql.Connection c, RewardRow r, MemberView m, Instant now)
            throws java.sql.SQLException {
        if (r.withdrawn()) {
            throw ProblemException.conflict(
                    "reward-withdrawn", "reward " + r.id() + " is withdrawn: it takes no order");
        }
        if (r.partnerId() != null
                && directory
                        .partner(c, r.partnerId())
                        .map(p -> !"ACTIVE".equals(p.status()))
                        .orElse(true)) {
            throw ProblemException.unprocessable(
                    "reward-not-available", "Reward not available", "the reward's partner is not active");
        }
        if ((r.availableFrom() != null && now.isBefore(r.availableFrom()))
                || (r.availableUntil() != null && !now.isBefore(r.availableUntil()))) {
            throw ProblemException.unprocessable(
                    "reward-not-available", "Reward not available", "the reward is not available now");
        }
        if ((!r.grades().isEmpty() && !r.grades().contains(m.grade()))
                || (!r.segments().isEmpty()
                        && (!r.segments().contains(m.segment())
                                || (r.partnerId() != null
                                        && !rewards.segmentSharedWith(c, m.memberId(), r.partnerId()))))) {
            throw ProblemException.unprocessable(
                    "not-eligible", "Not eligible", "the reward is for other grades or segments");
        }
    }

    public Outcome<OrderRow> cancel(String memberId, String orderId) {
        UUID id = orderId(orderId);
        return transactions.run(c -> ledger.cancelRewardOrder(c, memberId, id));
    }

    /** FULFILLED or FAILED (a reason required), by the reward's partner ({@code partnerId}) or an operator (null). */
    public Outcome<OrderRow> decide(String partnerId, String orderId, String outcome, String reason) {
        UUID id = orderId(orderId);
        if (!"FULFILLED".equals(outcome) && !"FAILED".equals(outcome)) {
            throw ProblemException.invalidField("outcome", "FULFILLED or FAILED");
        }
        if ("FAILED".equals(outcome)) {
            Idempotency.requireText("reason", reason, 500);
        } else if (reason != null && reason.length() > 500) {
            throw ProblemException.invalidField("reason", "at most 500 characters");
        }
        String why = reason == null ? null : reason.strip();
        return transactions.run(c -> ledger.decideRewardOrder(c, partnerId, id, outcome, why));
    }

    /** A page of orders, and the cursor of the next page (null on the last). */
    public record OrderPage(List<OrderRow> orders, String nextCursor) {}

    /** A member's orders, newest first, a page at a time (a coupon's code is shown only here: none may fall off). */
    public OrderPage memberOrders(String memberId, String cursor, Integer limit) {
        RewardRepository.OrderCursor after = orderCursor(cursor);
        int size = pageSize(limit);
        return page(transactions.read(c -> rewards.memberOrders(c, memberId, after, size + 1)), size);
    }

    /** Orders of a partner's rewards, or (an operator, {@code partnerId} null) all orders, a page at a time. */
    public OrderPage partnerOrders(String partnerId, String status, String cursor, Integer limit) {
        if (status != null
                && !Set.of("ORDERED", "FULFILLED", "CANCELLED", "FAILED").contains(status)) {
            throw ProblemException.invalidField("status", "ORDERED, FULFILLED, CANCELLED or FAILED");
        }
        RewardRepository.OrderCursor after = orderCursor(cursor);
        int size = pageSize(limit);
        return page(
                transactions.read(c -> rewards.ordersOf(c, partnerId, partnerId == null, status, after, size + 1)),
                size);
    }

    private static int pageSize(Integer limit) {
        if (limit == null) {
            return LIST_LIMIT;
        }
        if (limit < 1 || limit > LIST_LIMIT) {
            throw ProblemException.invalidField("limit", "from 1 to " + LIST_LIMIT);
        }
        return limit;
    }

    /** One row more than a page was read: its presence says there is a next page, which starts after the last shown. */
    private static OrderPage page(List<OrderRow> rows, int size) {
        if (rows.size() <= size) {
            return new OrderPage(rows, null);
        }
        List<OrderRow> shown = rows.subList(0, size);
        OrderRow last = shown.get(size - 1);
        long micros = java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, last.createdAt());
        return new OrderPage(shown, micros + "_" + last.id());
    }

    /** A cursor from a previous page: the last order's time (microseconds) and id. */
    private static RewardRepository.OrderCursor orderCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return RewardRepository.OrderCursor.FIRST;
        }
        try {
            int cut = cursor.indexOf('_');
            long micros = Long.parseLong(cursor.substring(0, cut));
            Instant at = Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
            // only times the database can hold (a year -7537 was sent to PostgreSQL and refused: 500)
            io.pointmesh.platform.problem.TimeParams.instant("cursor", at.toString());
            return new RewardRepository.OrderCursor(at, UUID.fromString(cursor.substring(cut + 1)));
        } catch (RuntimeException e) {
            throw ProblemException.invalidField("cursor", "a cursor from a previous page");
        }
    }

    private RewardRow visibleReward(java.sql.Connection c, String partnerId, UUID rewardId)
            throws java.sql.SQLException {
        // another partner's reward is "not found": ids are not to be probed
        return rewards.reward(c, rewardId)
                .filter(r -> partnerId == null || partnerId.equals(r.partnerId()))
                .orElseThrow(() -> ProblemException.notFound("reward", rewardId.toString()));
    }

    private static void requireImageUrl(String url) {
        try {
            URI u = URI.create(url);
            if (url.length() > 2000
                    || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    || u.getHost() == null) {
                throw ProblemException.invalidField("imageUrl", "an http(s) URL of at most 2000 characters");
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("imageUrl", "an http(s) URL of at most 2000 characters");
        }
    }

    private static List<String> names(String field, List<String> given, Enum<?>[] allowed) {
        if (given == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        List<String> valid = Arrays.stream(allowed).map(Enum::name).toList();
        for (String g : given) {
            if (g == null || !valid.contains(g)) {
                throw ProblemException.invalidField(field, "each one of " + String.join(", ", valid));
            }
            names.add(g);
        }
        return List.copyOf(names);
    }

    private static List<String> sorted(java.util.Collection<String> s) {
        return s.stream().sorted().toList();
    }

    private static UUID rewardId(String id) {
        if (id == null || id.isBlank()) {
            throw ProblemException.invalidField("rewardId", "required");
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("reward", id);
        }
    }

    private static UUID orderId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("reward order", id);
        }
    }

    /** A publication's key, checked; null without one (every publication new, as before keys). */
    private static String keyOrNull(String key) {
        return key == null || key.isBlank() ? null : keyOrNew(key);
    }

    /** Without an Idempotency-Key header every request is new (the client gave up on safe retries). */
    private static String keyOrNew(String key) {
        if (key == null || key.isBlank()) {
            return UUID.randomUUID().toString();
        }
        if (key.length() > 128) {
            throw ProblemException.invalidField("Idempotency-Key", "at most 128 characters");
        }
        return key;
    }
}
