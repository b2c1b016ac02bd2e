package io.pointmesh.ledger.audit;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
import java.util.TreeMap;

/**
 * A reference model of the ledger in plain Java (docs/ledger.md, "Model" and "Rules"): no database,
 * no SQL, no code shared with the service. The auditor (LedgerAuditorTest) runs the same operations
 * on the real ledger and on this model and compares every answer and the whole state after each step.
 *
 * <p>State as the ledger stores it: a member's breakdown and lots are brought up to date (matured,
 * expired, debt repaid) when a posting locks the member or a job runs, not by the clock alone;
 * {@link #effective} gives what the balance API answers (everything the clock made due applied).
 *
 * <p>Every operation answers an {@link Answer}: "OK", "REPLAYED" (a retry answered from what was
 * stored) or a problem code; a refused operation changes nothing (callers apply it to a {@link #copy}
 * and keep the copy only when it was not refused, as a rolled-back transaction would).
 */
public final class LedgerModel {

    /** The configuration the model and the real ledger are given. */
    public record Config(
            Duration holdTimeout,
            long referralBonus,
            long referralQualifying,
            int defaultValidityMonths,
            long giftMax,
            long giftDailyMax,
            ZoneId zone,
            Map<String, BigDecimal> gradeMultipliers,
            Duration referralHold) {}

    public record Rule(
            BigDecimal baseRate,
            Map<String, BigDecimal> storeRates,
            Map<String, BigDecimal> categoryRates,
            BigDecimal minimumPurchase,
            Long cap,
            int pendingDays,
            int validityMonths,
            int backdatingDays) {}

    public record Campaign(
            String id,
            String partnerId,
            boolean multiplier,
            BigDecimal factor,
            long fixedPoints,
            String targetGrade,
            long budget,
            boolean networkFunded) {}

    public record Program(BigDecimal milesPerPoint, long minimum, long step) {}

    /** What an operation answered: outcome, and its numbers (points, debt or miles, status). */
    public record Answer(String outcome, long points, long second, String status) {
        static Answer ok(long points, long second) {
            return new Answer("OK", points, second, null);
        }

        static Answer refused(String code) {
            return new Answer(code, 0, 0, null);
        }

        public boolean refused() {
            return !outcome.equals("OK") && !outcome.equals("REPLAYED");
        }

        Answer replayed() {
            return new Answer("REPLAYED", points, second, status);
        }
    }

    public static final class Lot {
        public final int seq;
        public final String memberId;
        public final String source;
        public final long points;
        public long remaining;
        /** What of it expired (and has not come back from breakage with a refund of its earning). */
        public long expired;
        /** What a refund of its earning took from elsewhere while these points were out on a spend (I23). */
        public long owed;
        /** The last draw made before it started owing: debt repayments after it may have repaid the refund's debt. */
        Long owedSinceDraw;

        public final Instant availableAt;
        public final Instant expiresAt;
        public boolean matured;

        Lot(
                int seq,
                String memberId,
                String source,
                long points,
                Instant availableAt,
                Instant expiresAt,
                boolean matured) {
            this.seq = seq;
            this.memberId = memberId;
            this.source = source;
            this.points = points;
            this.remaining = points;
            this.availableAt = availableAt;
            this.expiresAt = expiresAt;
            this.matured = matured;
        }

        Lot copy() {
            Lot l = new Lot(seq, memberId, source, points, availableAt, expiresAt, matured);
            l.remaining = remaining;
            l.expired = expired;
            l.owed = owed;
            l.owedSinceDraw = owedSinceDraw;
            return l;
        }

        @Override
        public String toString() {
            return source + " " + remaining + "/" + points + " avail " + availableAt + " exp " + expiresAt
                    + (matured ? " matured" : "");
        }
    }

    public static final class Member {
        public final String id;
        public final String grade;
        public final String referredBy;
        public String status = "ACTIVE";
        public boolean earnedOnce;
        public long available, pending, held, debt, lifetimeEarned, spent, expired;

        Member(String id, String grade, String referredBy) {
            this.id = id;
            this.grade = grade;
            this.referredBy = referredBy;
        }

        Member copy() {
            Member m = new Member(id, grade, referredBy);
            m.status = status;
            m.earnedOnce = earnedOnce;
            m.available = available;
            m.pending = pending;
            m.held = held;
            m.debt = debt;
            m.lifetimeEarned = lifetimeEarned;
            m.spent = spent;
            m.expired = expired;
            return m;
        }

        public List<Long> breakdown() {
            return List.of(available, pending, held, debt, lifetimeEarned, spent, expired);
        }
    }

    public static final class Partner {
        public final String id;
        public final String category;
        public final Rule rule;
        public final Program program;
        public String status = "ACTIVE";
        /**
         * issued, issuedReversed, networkFunded, networkFundedReversed, redeemed, redemptionReversed, converted,
         * redeemedRewards, redeemedRewardsReversed
         */
        public long[] totals = new long[9];

        Partner(String id, String category, Rule rule, Program program) {
            this.id = id;
            this.category = category;
            this.rule = rule;
            this.program = program;
        }

        Partner copy() {
            Partner p = new Partner(id, category, rule, program);
            p.status = status;
            p.totals = totals.clone();
            return p;
        }
    }

    record Earning(
            String key,
            String partnerId,
            String memberId,
            String store,
            BigDecimal amount,
            Instant occurredAt,
            long points,
            long networkPoints,
            Integer lotSeq,
            BigDecimal refunded,
            long base,
            Map<String, Long> bonuses) {} // campaign id -> the bonus it granted, before the grade multiplier

    public static final class Redemption {
        public final String key, partnerId, memberId, store;
        public final long points;
        public String status = "HELD";
        public long captured;
        public final Instant expiresAt;

        Redemption(String key, String partnerId, String memberId, String store, long points, Instant expiresAt) {
            this.key = key;
            this.partnerId = partnerId;
            this.memberId = memberId;
            this.store = store;
            this.points = points;
            this.expiresAt = expiresAt;
        }

        Redemption copy() {
            Redemption r = new Redemption(key, partnerId, memberId, store, points, expiresAt);
            r.status = status;
            r.captured = captured;
            return r;
        }
    }

    /** Points a spend took from a lot; restorable ones (holds) may go back. */
    static final class Draw {
        final int lotSeq;
        long points;
        boolean restored;
        /** In the order the ledger's lot_draw ids are (every draw the model makes, in turn). */
        long id;

        Draw(int lotSeq, long points) {
            this.lotSeq = lotSeq;
            this.points = points;
        }

        Draw copy() {
            Draw c = new Draw(lotSeq, points);
            c.restored = restored;
            c.id = id;
            return c;
        }
    }

    record Referral(
            String memberId,
            String referrerId,
            String earningKey,
            long memberPoints,
            long referrerPoints,
            boolean reversed,
            Integer memberLot,
            Integer referrerLot) {}

    record MemberOp(
            String kind, String memberId, String key, String body, Answer answer, Instant postedAt, long points) {}

    record Reversal(String earningKey, BigDecimal refund, Answer answer) {}

    /** A catalogue reward (docs/rewards.md): {@code stockLeft} null is unlimited; a coupon's stock is its codes left. */
    public static final class Reward {
        public final String id;
        public final String partnerId; // null: the network's
        public final String fulfilment;
        public final Integer perMemberLimit;
        public long price;
        public Long stockLeft;
        public boolean withdrawn;
        public Instant priceRaisedAt;
        public long priceBeforeRaise;

        Reward(String id, String partnerId, String fulfilment, Integer perMemberLimit, long price, Long stockLeft) {
            this.id = id;
            this.partnerId = partnerId;
            this.fulfilment = fulfilment;
            this.perMemberLimit = perMemberLimit;
            this.price = price;
            this.stockLeft = stockLeft;
            this.priceBeforeRaise = price;
        }

        Reward copy() {
            Reward r = new Reward(id, partnerId, fulfilment, perMemberLimit, price, stockLeft);
            r.withdrawn = withdrawn;
            r.priceRaisedAt = priceRaisedAt;
            r.priceBeforeRaise = priceBeforeRaise;
            return r;
        }

        boolean coupon() {
            return fulfilment.equals("COUPON_CODE");
        }
    }

    /** A member's order of a reward: the points it paid (its own price), its status. */
    public static final class RewardOrder {
        public final String key; // member|idempotency key
        public final String rewardId;
        public final String memberId;
        public final String partnerId;
        public final long points;
        public final boolean coupon;
        public String status;

        RewardOrder(
                String key,
                String rewardId,
                String memberId,
                String partnerId,
                long points,
                boolean coupon,
                String status) {
            this.key = key;
            this.rewardId = rewardId;
            this.memberId = memberId;
            this.partnerId = partnerId;
            this.points = points;
            this.coupon = coupon;
            this.status = status;
        }

        RewardOrder copy() {
            return new RewardOrder(key, rewardId, memberId, partnerId, points, coupon, status);
        }

        boolean standing() {
            return status.equals("ORDERED") || status.equals("FULFILLED");
        }
    }

    /** A stock top-up as stored: the reward and units (its body), under the caller's key. */
    record TopUp(String rewardId, long units, long stockLeftAfter) {}

    private final Config config;
    public Instant now;
    public final Map<String, Reward> rewards = new LinkedHashMap<>();
    public final Map<String, RewardOrder> rewardOrders = new LinkedHashMap<>(); // member|key
    final Map<String, TopUp> topUps = new LinkedHashMap<>(); // caller|key
    public final Map<String, Member> members = new LinkedHashMap<>();
    public final Map<String, Partner> partners = new LinkedHashMap<>();
    public final Map<String, Campaign> campaigns = new TreeMap<>();
    public final Map<String, Long> campaignSpent = new TreeMap<>();
    final List<Lot> lots = new ArrayList<>();
    final Map<String, Earning> earnings = new LinkedHashMap<>(); // partner|txId
    final Map<String, Redemption> redemptions = new LinkedHashMap<>(); // partner|txId
    final Map<String, List<Draw>> holdDraws = new LinkedHashMap<>(); // redemption key
    final Map<Integer, List<Draw>> refundDraws = new LinkedHashMap<>(); // earning's lot: its refunds' draws elsewhere
    final Map<String, List<Draw>> debtDraws = new LinkedHashMap<>(); // member: their debt repayments' draws
    final Map<String, Reversal> reversals = new LinkedHashMap<>(); // partner|txId
    final Map<String, String> redemptionReversals = new LinkedHashMap<>(); // partner|txId -> redemption key
    final Map<String, Referral> referrals = new LinkedHashMap<>(); // referred member
    final List<MemberOp> memberOps = new ArrayList<>();

    public LedgerModel(Config config, Instant now) {
        this.config = config;
        this.now = now;
    }

    /** The last draw's id (the model's count of draws). */
    long lastDraw;

    public LedgerModel copy() {
        LedgerModel m = new LedgerModel(config, now);
        m.lastDraw = lastDraw;
        members.forEach((k, v) -> m.members.put(k, v.copy()));
        partners.forEach((k, v) -> m.partners.put(k, v.copy()));
        m.campaigns.putAll(campaigns);
        m.campaignSpent.putAll(campaignSpent);
        lots.forEach(l -> m.lots.add(l.copy()));
        m.earnings.putAll(earnings);
        redemptions.forEach((k, v) -> m.redemptions.put(k, v.copy()));
        holdDraws.forEach((k, v) ->
                m.holdDraws.put(k, new ArrayList<>(v.stream().map(Draw::copy).toList())));
        refundDraws.forEach((k, v) ->
                m.refundDraws.put(k, new ArrayList<>(v.stream().map(Draw::copy).toList())));
        debtDraws.forEach((k, v) ->
                m.debtDraws.put(k, new ArrayList<>(v.stream().map(Draw::copy).toList())));
        m.reversals.putAll(reversals);
        m.redemptionReversals.putAll(redemptionReversals);
        m.referrals.putAll(referrals);
        m.memberOps.addAll(memberOps);
        rewards.forEach((k, v) -> m.rewards.put(k, v.copy()));
        rewardOrders.forEach((k, v) -> m.rewardOrders.put(k, v.copy()));
        m.topUps.putAll(topUps);
        return m;
    }

    // ------------------------------------------------------------------ setup

    public void addPartner(String id, String category, Rule rule, Program program) {
        partners.put(id, new Partner(id, category, rule, program));
    }

    public void addCampaign(Campaign c) {
        campaigns.put(c.id(), c);
        campaignSpent.put(c.id(), 0L);
    }

    public void addMember(String id, String grade, String referredBy) {
        members.put(id, new Member(id, grade, referredBy));
    }

    // ------------------------------------------------------------------ reads

    public List<Lot> lotsOf(String memberId) {
        return lots.stream().filter(l -> l.memberId.equals(memberId)).toList();
    }

    public Redemption redemption(String partnerId, String txId) {
        return redemptions.get(partnerId + "|" + txId);
    }

    public List<Redemption> allRedemptions() {
        return List.copyOf(redemptions.values());
    }

    public boolean hasEarning(String partnerId, String txId) {
        return earnings.containsKey(partnerId + "|" + txId);
    }

    /** What the balance API answers: the stored state with everything the clock made due applied. */
    public Map<String, List<Long>> effective() {
        LedgerModel m = copy();
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Member member : m.members.values()) {
            m.bringUpToDate(member);
            out.put(member.id, member.breakdown());
        }
        return out;
    }

    // ------------------------------------------------------------------ lots and the clock

    private Lot newLot(
            String memberId, String source, long points, Instant availableAt, Instant expiresAt, boolean matured) {
        Lot l = new Lot(lots.size(), memberId, source, points, availableAt, expiresAt, matured);
        lots.add(l);
        return l;
    }

    /** A posting locks the member: due lots mature, due lots expire, available points repay debt. */
    void bringUpToDate(Member m) {
        for (Lot l : lotsOf(m.id)) {
            if (!l.matured && !l.availableAt.isAfter(now)) {
                l.matured = true;
                m.pending -= l.remaining;
                m.available += l.remaining;
            }
        }
        expireDue(m);
        settleDebt(m);
    }

    private void expireDue(Member m) {
        for (Lot l : lotsOf(m.id)) {
            if (l.remaining > 0 && !l.expiresAt.isAfter(now)) {
                if (l.matured) {
                    m.available -= l.remaining;
                } else {
                    m.pending -= l.remaining;
                }
                m.expired += l.remaining;
                l.expired += l.remaining;
                l.remaining = 0;
            }
        }
    }

    private void settleDebt(Member m) {
        long repay = Math.min(m.debt, m.available);
        if (repay > 0) {
            debtDraws.computeIfAbsent(m.id, k -> new ArrayList<>()).addAll(drawFifo(m, repay));
            m.available -= repay;
            m.debt -= repay;
        }
    }

    /** Oldest expiry first (then oldest lot), from matured lots. */
    private List<Draw> drawFifo(Member m, long points) {
        List<Lot> order = lotsOf(m.id).stream()
                .filter(l -> l.matured && l.remaining > 0)
                .sorted(Comparator.comparing((Lot l) -> l.expiresAt).thenComparingInt(l -> l.seq))
                .toList();
        List<Draw> draws = new ArrayList<>();
        long left = points;
        for (Lot l : order) {
            if (left == 0) {
                break;
            }
            long take = Math.min(left, l.remaining);
            l.remaining -= take;
            left -= take;
            Draw d = new Draw(l.seq, take);
            d.id = ++lastDraw;
            draws.add(d);
        }
        if (left > 0) {
            throw new IllegalStateException("model: lots do not cover " + points);
        }
        return draws;
    }

    /** Points return to a lot: what it owes to its earning's refund is settled first (answered), the rest goes in. */
    private long returnToLot(int lotSeq, long back) {
        Lot l = lots.get(lotSeq);
        long settled = Math.min(back, l.owed);
        l.owed -= settled;
        l.remaining += back - settled;
        return settled;
    }

    /**
     * A spend's points back to the member: into their lots, but what a lot owed to a refund of its earning repays
     * debt, then gives back the refund's draws from other lots, then the member's debt repayments (latest expiry
     * first), the rest into the lot; points given back into a lot that owes settle that in turn.
     */
    private void giveBack(Member m, String ref, long points) {
        m.available += points;
        // the spend's draws back into their lots, latest expiry first, what lots owe answered
        java.util.ArrayDeque<long[]> owed = new java.util.ArrayDeque<>();
        returnDraws(holdDraws.getOrDefault(ref, List.of()), d -> true, true, points, owed);
        while (!owed.isEmpty()) {
            long[] o = owed.pop();
            int lotSeq = (int) o[0];
            long repaid = Math.min(o[1], m.debt);
            m.debt -= repaid;
            m.available -= repaid;
            long left = o[1] - repaid;
            left -= returnDraws(refundDraws.getOrDefault(lotSeq, List.of()), d -> d.lotSeq != lotSeq, true, left, owed);
            long since = lots.get(lotSeq).owedSinceDraw;
            left -= returnDraws(debtDraws.getOrDefault(m.id, List.of()), d -> d.id > since, false, left, owed);
            lots.get(lotSeq).remaining += left;
        }
    }

    /**
     * Open draws of {@code drawn} back into their lots: {@code latestExpiryFirst} (then lot, then the latest draw), or
     * the earliest draw first.
     */
    private long returnDraws(
            List<Draw> drawn,
            java.util.function.Predicate<Draw> which,
            boolean latestExpiryFirst,
            long max,
            java.util.Deque<long[]> owed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            if (!drawn.get(i).restored && which.test(drawn.get(i))) {
                order.add(i);
            }
        }
        order.sort(
                latestExpiryFirst
                        ? Comparator.comparing((Integer i) -> lots.get(drawn.get(i).lotSeq).expiresAt)
                                .thenComparingInt(i -> drawn.get(i).lotSeq)
                                .thenComparingLong(i -> drawn.get(i).id)
                                .reversed()
                        : Comparator.comparingLong((Integer i) -> drawn.get(i).id));
        long left = max;
        for (int i : order) {
            if (left == 0) {
                break;
            }
            Draw d = drawn.get(i);
            long back = Math.min(left, d.points);
            long settled = returnToLot(d.lotSeq, back);
            if (settled > 0) {
                owed.add(new long[] {d.lotSeq, settled});
            }
            if (back == d.points) {
                d.restored = true;
            } else {
                d.points -= back;
            }
            left -= back;
        }
        return max - left;
    }

    /**
     * The points of a lot out on draws that may come back: holds, captured holds and reward orders, other earnings'
     * refunds' draws and debt repayments (a settlement gives those back).
     */
    private long outOnSpends(int lotSeq) {
        long out = 0;
        List<List<Draw>> pools = new ArrayList<>(holdDraws.values());
        refundDraws.forEach((earningLot, draws) -> {
            if (earningLot != lotSeq) {
                pools.add(draws);
            }
        });
        pools.add(debtDraws.getOrDefault(lots.get(lotSeq).memberId, List.of()));
        for (List<Draw> draws : pools) {
            for (Draw d : draws) {
                if (!d.restored && d.lotSeq == lotSeq) {
                    out += d.points;
                }
            }
        }
        return out;
    }

    private void credit(Member m, long points, String source) {
        Instant expires = ZonedDateTime.ofInstant(now, config.zone())
                .plusMonths(config.defaultValidityMonths())
                .toInstant();
        newLot(m.id, source, points, now, expires, true);
        m.available += points;
        settleDebt(m);
    }

    private void debit(Member m, long points) {
        if (points <= 0) {
            return;
        }
        long fromAvailable = Math.min(points, m.available);
        if (fromAvailable > 0) {
            drawFifo(m, fromAvailable);
            m.available -= fromAvailable;
        }
        m.debt += points - fromAvailable;
    }

    /** The jobs: holds past their time lapse (oldest first), then every member with due lots is brought up to date. */
    public void runJobs() {
        redemptions.values().stream()
                .filter(r -> r.status.equals("HELD") && !r.expiresAt.isAfter(now))
                .sorted(Comparator.comparing(r -> r.expiresAt))
                .toList()
                .forEach(r -> {
                    Member m = members.get(r.memberId);
                    bringUpToDate(m);
                    release(m, r, "LAPSED");
                });
        for (Member m : members.values()) {
            bringUpToDate(m);
        }
    }

    // ------------------------------------------------------------------ earn

    public static long floor(BigDecimal x) {
        return x.setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    public Answer earn(
            String partnerId, String txId, String memberId, String store, BigDecimal amount, Instant occurredAt) {
        Earning stored = earnings.get(partnerId + "|" + txId);
        if (stored != null) {
            boolean same = stored.memberId().equals(memberId)
                    && stored.store().equals(store)
                    && stored.amount().compareTo(amount) == 0
                    && stored.occurredAt().equals(occurredAt);
            return same ? new Answer("REPLAYED", stored.points(), 0, null) : Answer.refused("idempotency-key-reused");
        }
        Partner p = partners.get(partnerId);
        if (!p.status.equals("ACTIVE")) {
            return Answer.refused("partner-not-active");
        }
        Rule rule = p.rule;
        if (occurredAt.isBefore(now.minus(Duration.ofDays(rule.backdatingDays())))) {
            return Answer.refused("occurred-too-long-ago");
        }
        // the member last: a refusal that does not depend on the card tells nothing about it
        Member m = members.get(memberId);
        if (!m.status.equals("ACTIVE")) {
            return Answer.refused("member-not-active");
        }
        BigDecimal rate = rule.storeRates().containsKey(store)
                ? rule.storeRates().get(store)
                : rule.categoryRates().getOrDefault(p.category, rule.baseRate());
        long base = amount.compareTo(rule.minimumPurchase()) < 0 ? 0 : floor(amount.multiply(rate));
        if (rule.cap() != null) {
            base = Math.min(base, rule.cap());
        }
        Instant availableAt = occurredAt.plus(Duration.ofDays(rule.pendingDays()));
        Instant expiresAt = ZonedDateTime.ofInstant(occurredAt, config.zone())
                .plusMonths(rule.validityMonths())
                .toInstant();
        bringUpToDate(m);
        long partnerPoints = base;
        long networkBonus = 0;
        Map<String, Long> granted = new TreeMap<>();
        for (Campaign c : campaigns.values()) { // in campaign-id order
            if (!c.partnerId().equals(partnerId)
                    || (c.targetGrade() != null && !c.targetGrade().equalsIgnoreCase(m.grade))) {
                continue;
            }
            long bonus = c.multiplier()
                    ? (c.factor().compareTo(BigDecimal.ONE) <= 0
                            ? 0
                            : floor(BigDecimal.valueOf(base).multiply(c.factor().subtract(BigDecimal.ONE))))
                    : Math.max(0, c.fixedPoints());
            if (bonus <= 0 || base <= 0) {
                continue;
            }
            if (c.budget() > 0) {
                long spent = campaignSpent.get(c.id());
                bonus = Math.max(0, Math.min(bonus, c.budget() - spent));
                campaignSpent.put(c.id(), spent + bonus);
            }
            if (bonus > 0) {
                granted.put(c.id(), bonus);
            }
            if (c.networkFunded()) {
                networkBonus += bonus;
            } else {
                partnerPoints += bonus;
            }
        }
        long subtotal = partnerPoints + networkBonus;
        BigDecimal multiplier = config.gradeMultipliers().getOrDefault(m.grade, BigDecimal.ONE);
        long total = floor(BigDecimal.valueOf(subtotal).multiply(multiplier));
        // the grade uplift goes with what it multiplies: the network's on its bonuses, the partner's on the rest
        long networkUplift = floor(BigDecimal.valueOf(networkBonus).multiply(multiplier.subtract(BigDecimal.ONE)));
        long network = networkBonus + networkUplift;
        partnerPoints += total - subtotal - networkUplift;
        Integer lotSeq = null;
        if (total > 0) {
            boolean matured = !availableAt.isAfter(now);
            lotSeq = newLot(memberId, "EARN", total, availableAt, expiresAt, matured).seq;
            p.totals[0] += partnerPoints;
            p.totals[2] += network;
            m.lifetimeEarned += total;
            if (matured) {
                m.available += total;
                if (!expiresAt.isAfter(now)) {
                    expireDue(m);
                }
                settleDebt(m);
            } else {
                m.pending += total;
            }
        }
        earnings.put(
                partnerId + "|" + txId,
                new Earning(
                        txId,
                        partnerId,
                        memberId,
                        store,
                        amount,
                        occurredAt,
                        total,
                        network,
                        lotSeq,
                        BigDecimal.ZERO,
                        base,
                        granted));
        // the referral bonus: the first earning of at least the qualifying base points
        if (total > 0 && base >= config.referralQualifying() && !m.earnedOnce) {
            m.earnedOnce = true;
            payReferral(m, partnerId + "|" + txId, availableAt);
        }
        return Answer.ok(total, 0);
    }

    /** Pending with the qualifying earning while it is (ReferralBonusPostings.creditBonus). */
    private void payReferral(Member m, String earningKey, Instant availableAt) {
        String referrerId = m.referredBy;
        if (referrerId == null
                || config.referralBonus() <= 0
                || referrerId.equals(m.id)
                || referrals.containsKey(m.id)) {
            return;
        }
        long bonus = config.referralBonus();
        Integer memberLot = creditBonus(m, bonus, availableAt);
        Member referrer = members.get(referrerId);
        long referrerPoints = 0;
        Integer referrerLot = null;
        if (referrer != null && referrer.status.equals("ACTIVE")) {
            bringUpToDate(referrer);
            referrerLot = creditBonus(referrer, bonus, availableAt);
            referrerPoints = bonus;
        }
        referrals.put(
                m.id, new Referral(m.id, referrerId, earningKey, bonus, referrerPoints, false, memberLot, referrerLot));
    }

    /** A referral bonus's lot: available now, or pending until the qualifying earning's points are; its seq. */
    private Integer creditBonus(Member m, long points, Instant earningAvailableAt) {
        Instant held = now.plus(config.referralHold());
        Instant availableAt = held.isAfter(earningAvailableAt) ? held : earningAvailableAt;
        if (!availableAt.isAfter(now)) {
            credit(m, points, "REFERRAL");
            return null;
        }
        Instant expires = ZonedDateTime.ofInstant(now, config.zone())
                .plusMonths(config.defaultValidityMonths())
                .toInstant();
        m.pending += points;
        return newLot(
                        m.id,
                        "REFERRAL",
                        points,
                        availableAt,
                        expires.isBefore(availableAt) ? availableAt : expires,
                        false)
                .seq;
    }

    /** Takes a bonus back: from its own lot while that is still pending, then as {@link #debit}. */
    private void debitBonus(Member m, long points, Integer lotSeq) {
        long left = points;
        if (lotSeq != null && !lots.get(lotSeq).matured) {
            Lot own = lots.get(lotSeq);
            long take = Math.min(left, own.remaining);
            own.remaining -= take;
            m.pending -= take;
            left -= take;
        }
        debit(m, left);
    }

    public static long proportion(long points, BigDecimal amount, BigDecimal refunded) {
        if (refunded.compareTo(amount) >= 0) {
            return points;
        }
        return floor(BigDecimal.valueOf(points).multiply(refunded).divide(amount, 0, RoundingMode.FLOOR));
    }

    public Answer reverseEarning(
            String partnerId, String txId, String earningPartnerId, String earningTxId, BigDecimal refund) {
        String earningKey = earningPartnerId + "|" + earningTxId;
        Reversal stored = reversals.get(partnerId + "|" + txId);
        if (stored != null) {
            return stored.earningKey().equals(earningKey) && stored.refund().compareTo(refund) == 0
                    ? stored.answer().replayed()
                    : Answer.refused("idempotency-key-reused");
        }
        Earning e = earnings.get(earningKey);
        if (e == null || !e.partnerId().equals(partnerId)) {
            return Answer.refused("not-found");
        }
        Member m = members.get(e.memberId());
        bringUpToDate(m);
        BigDecimal after = e.refunded().add(refund);
        if (after.compareTo(e.amount()) > 0) {
            return Answer.refused("refund-exceeds-purchase");
        }
        long points = proportion(e.points(), e.amount(), after) - proportion(e.points(), e.amount(), e.refunded());
        long network = 0;
        if (e.points() > 0 && e.networkPoints() > 0) {
            network = floor(BigDecimal.valueOf(proportion(e.points(), e.amount(), after) * e.networkPoints())
                            .divide(BigDecimal.valueOf(e.points()), 0, RoundingMode.FLOOR))
                    - floor(BigDecimal.valueOf(proportion(e.points(), e.amount(), e.refunded()) * e.networkPoints())
                            .divide(BigDecimal.valueOf(e.points()), 0, RoundingMode.FLOOR));
        }
        long debt = 0;
        if (points > 0) {
            long left = points;
            if (e.lotSeq() != null) {
                Lot own = lots.get(e.lotSeq());
                long take = Math.min(left, own.remaining);
                own.remaining -= take;
                if (own.matured) {
                    m.available -= take;
                } else {
                    m.pending -= take;
                }
                left -= take;
                // what of it expired comes back from breakage, not from the member's other points
                long back = Math.min(left, own.expired);
                own.expired -= back;
                m.expired -= back;
                left -= back;
                // what of it is out on a spend that may come back is owed by the lot (I23)
                long owe = Math.min(left, Math.max(0, outOnSpends(own.seq) - own.owed));
                if (owe > 0 && own.owed == 0) {
                    own.owedSinceDraw = lastDraw;
                }
                own.owed += owe;
            }
            long fromOthers = Math.min(left, m.available);
            if (fromOthers > 0) {
                List<Draw> drawn = drawFifo(m, fromOthers);
                if (e.lotSeq() != null) {
                    refundDraws
                            .computeIfAbsent(e.lotSeq(), k -> new ArrayList<>())
                            .addAll(drawn);
                }
                m.available -= fromOthers;
                left -= fromOthers;
            }
            debt = left;
            m.debt += debt;
            m.lifetimeEarned -= points;
            Partner p = partners.get(partnerId);
            p.totals[1] += points - network;
            p.totals[3] += network;
        }
        earnings.put(
                earningKey,
                new Earning(
                        e.key(),
                        e.partnerId(),
                        e.memberId(),
                        e.store(),
                        e.amount(),
                        e.occurredAt(),
                        e.points(),
                        e.networkPoints(),
                        e.lotSeq(),
                        after,
                        e.base(),
                        e.bonuses()));
        // a refunded bonus no longer counts against its campaign's budget (I11), by the same cumulative proportion,
        // as far as the refund took the points back (not what became debt)
        long reversed = points, owed = debt;
        e.bonuses().forEach((campaignId, bonus) -> {
            long step = proportion(bonus, e.amount(), after) - proportion(bonus, e.amount(), e.refunded());
            long back = reversed <= 0 || owed >= reversed ? 0 : step * (reversed - owed) / reversed;
            Long spent = campaignSpent.get(campaignId);
            if (back > 0 && spent != null && spent > 0) {
                campaignSpent.put(campaignId, Math.max(0, spent - back));
            }
        });
        // taken back when refunds leave the earning that paid it under the qualifying base points
        if (after.compareTo(e.amount()) == 0
                || (e.base() >= config.referralQualifying()
                        && e.base() - proportion(e.base(), e.amount(), after) < config.referralQualifying())) {
            Referral r = referrals.get(m.id);
            if (r != null && r.earningKey().equals(earningKey) && !r.reversed()) {
                referrals.put(
                        m.id,
                        new Referral(
                                r.memberId(),
                                r.referrerId(),
                                r.earningKey(),
                                r.memberPoints(),
                                r.referrerPoints(),
                                true,
                                r.memberLot(),
                                r.referrerLot()));
                debitBonus(m, r.memberPoints(), r.memberLot());
                if (r.referrerPoints() > 0) {
                    Member referrer = members.get(r.referrerId());
                    bringUpToDate(referrer);
                    debitBonus(referrer, r.referrerPoints(), r.referrerLot());
                }
            }
        }
        Answer answer = Answer.ok(points, debt);
        reversals.put(partnerId + "|" + txId, new Reversal(earningKey, refund, answer));
        return answer;
    }

    // ------------------------------------------------------------------ redemption

    /** An operator's hold (support case) by member id. */
    public Answer hold(String partnerId, String txId, String memberId, String store, long points) {
        Redemption stored = redemptions.get(partnerId + "|" + txId);
        if (stored != null) {
            return stored.memberId.equals(memberId) && stored.store.equals(store) && stored.points == points
                    ? new Answer("REPLAYED", stored.points, 0, null)
                    : Answer.refused("idempotency-key-reused");
        }
        if (!partners.get(partnerId).status.equals("ACTIVE")) {
            return Answer.refused("partner-not-active");
        }
        Member m = members.get(memberId);
        if (!m.status.equals("ACTIVE")) {
            return Answer.refused("member-not-active");
        }
        bringUpToDate(m);
        Answer refused = spendable(m, points);
        if (refused != null) {
            return refused;
        }
        String key = partnerId + "|" + txId;
        holdDraws.put(key, drawFifo(m, points));
        m.available -= points;
        m.held += points;
        redemptions.put(key, new Redemption(key, partnerId, memberId, store, points, now.plus(config.holdTimeout())));
        return new Answer("OK", points, 0, "HELD");
    }

    private static Answer spendable(Member m, long points) {
        if (m.debt > 0) {
            return Answer.refused("debt-outstanding");
        }
        if (m.available < points) {
            return Answer.refused("insufficient-points");
        }
        return null;
    }

    /** {@code requested} null: all held points. */
    public Answer capture(String callerPartnerId, Redemption r, Long requested) {
        if (!partners.get(callerPartnerId).status.equals("ACTIVE")) {
            return Answer.refused("partner-not-active");
        }
        if (!r.partnerId.equals(callerPartnerId)) {
            return Answer.refused("not-found");
        }
        Member m = members.get(r.memberId);
        bringUpToDate(m);
        long points = requested == null ? r.points : requested;
        if (r.status.equals("CAPTURED") && (requested == null || r.captured == requested)) {
            return new Answer("REPLAYED", r.captured, 0, r.status);
        }
        if (r.status.equals("HELD") && !r.expiresAt.isAfter(now)) {
            release(m, r, "LAPSED");
            return new Answer("hold-lapsed", 0, 0, "LAPSED");
        }
        if (r.status.equals("LAPSED")) {
            return new Answer("hold-lapsed", 0, 0, "LAPSED"); // whoever lapsed it, a capture is told so, every time
        }
        if (!r.status.equals("HELD")) {
            return Answer.refused("redemption-not-held");
        }
        if (points <= 0 || points > r.points) {
            return Answer.refused("invalid-capture");
        }
        m.held -= r.points;
        giveBack(m, r.key, r.points - points);
        m.spent += points;
        partners.get(r.partnerId).totals[4] += points;
        expireDue(m); // points back in a lot that expired meanwhile expire: they never repay debt
        settleDebt(m);
        r.status = "CAPTURED";
        r.captured = points;
        return new Answer("OK", points, 0, "CAPTURED");
    }

    public Answer voidHold(String callerPartnerId, Redemption r) {
        if (!r.partnerId.equals(callerPartnerId)) {
            return Answer.refused("not-found");
        }
        Member m = members.get(r.memberId);
        bringUpToDate(m);
        if (r.status.equals("VOIDED") || r.status.equals("LAPSED")) {
            return new Answer("REPLAYED", 0, 0, r.status);
        }
        if (!r.status.equals("HELD")) {
            return Answer.refused("redemption-not-held");
        }
        release(m, r, "VOIDED");
        return new Answer("OK", 0, 0, "VOIDED");
    }

    private void release(Member m, Redemption r, String status) {
        m.held -= r.points;
        giveBack(m, r.key, r.points);
        expireDue(m);
        settleDebt(m);
        r.status = status;
        r.captured = 0;
    }

    public Answer reverseRedemption(String callerPartnerId, Redemption r, String txId) {
        String twin = redemptionReversals.get(callerPartnerId + "|" + txId);
        if (twin != null) {
            return twin.equals(r.key)
                    ? new Answer("REPLAYED", r.captured, 0, r.status)
                    : Answer.refused("idempotency-key-reused");
        }
        if (!r.partnerId.equals(callerPartnerId)) {
            return Answer.refused("not-found");
        }
        Member m = members.get(r.memberId);
        bringUpToDate(m);
        if (!r.status.equals("CAPTURED")) {
            return Answer.refused("redemption-not-captured");
        }
        giveBack(m, r.key, r.captured);
        m.spent -= r.captured;
        partners.get(r.partnerId).totals[5] += r.captured;
        expireDue(m);
        settleDebt(m);
        redemptionReversals.put(callerPartnerId + "|" + txId, r.key);
        r.status = "REVERSED";
        return new Answer("OK", r.captured, 0, "REVERSED");
    }

    // ------------------------------------------------------------------ member operations

    private MemberOp memberOp(String kind, String memberId, String key) {
        return memberOps.stream()
                .filter(o -> o.kind().equals(kind)
                        && o.memberId().equals(memberId)
                        && o.key().equals(key))
                .findFirst()
                .orElse(null);
    }

    public Answer gift(String giverId, String recipientId, long points, String key) {
        String body = recipientId + "|" + points;
        MemberOp stored = memberOp("GIFT", giverId, key);
        if (stored != null) {
            return stored.body().equals(body) ? stored.answer().replayed() : Answer.refused("idempotency-key-reused");
        }
        Member giver = members.get(giverId);
        Member receiver = members.get(recipientId);
        if (!giver.status.equals("ACTIVE")) {
            return Answer.refused("member-not-active");
        }
        if (!receiver.status.equals("ACTIVE")) {
            return Answer.refused("recipient-not-usable"); // whatever is wrong with the card, one answer
        }
        if (giverId.equals(recipientId)) {
            return Answer.refused("self-gift");
        }
        if (points > config.giftMax()) {
            return Answer.refused("gift-limit");
        }
        Instant dayStart = ZonedDateTime.ofInstant(now, config.zone())
                .truncatedTo(ChronoUnit.DAYS)
                .toInstant();
        long today = memberOps.stream()
                .filter(o -> o.kind().equals("GIFT")
                        && o.memberId().equals(giverId)
                        && !o.postedAt().isBefore(dayStart))
                .mapToLong(MemberOp::points)
                .sum();
        if (today + points > config.giftDailyMax()) {
            return Answer.refused("gift-daily-limit");
        }
        bringUpToDate(giver);
        bringUpToDate(receiver);
        Answer refused = spendable(giver, points);
        if (refused != null) {
            return refused;
        }
        List<Draw> draws = drawFifo(giver, points);
        giver.available -= points;
        giver.spent += points;
        Map<Instant, Long> byExpiry = new LinkedHashMap<>();
        draws.forEach(d -> byExpiry.merge(lots.get(d.lotSeq).expiresAt, d.points, Long::sum));
        byExpiry.forEach((expires, p) -> newLot(recipientId, "GIFT", p, now, expires, true));
        receiver.available += points;
        settleDebt(receiver);
        Answer answer = Answer.ok(points, 0);
        memberOps.add(new MemberOp("GIFT", giverId, key, body, answer, now, points));
        return answer;
    }

    public Answer convert(String memberId, String mileagePartnerId, long points, String key) {
        String body = mileagePartnerId + "|" + points;
        MemberOp stored = memberOp("CONVERSION", memberId, key);
        if (stored != null) {
            return stored.body().equals(body) ? stored.answer().replayed() : Answer.refused("idempotency-key-reused");
        }
        Member m = members.get(memberId);
        if (!m.status.equals("ACTIVE")) {
            return Answer.refused("member-not-active");
        }
        Partner p = partners.get(mileagePartnerId);
        if (!p.status.equals("ACTIVE")) {
            return Answer.refused("partner-not-active");
        }
        if (points < p.program.minimum() || points % p.program.step() != 0) {
            return Answer.refused("invalid-conversion");
        }
        long miles = floor(BigDecimal.valueOf(points).multiply(p.program.milesPerPoint()));
        if (miles < 1) {
            return Answer.refused("invalid-conversion");
        }
        bringUpToDate(m);
        Answer refused = spendable(m, points);
        if (refused != null) {
            return refused;
        }
        drawFifo(m, points);
        m.available -= points;
        m.spent += points;
        p.totals[6] += points;
        Answer answer = Answer.ok(points, miles);
        memberOps.add(new MemberOp("CONVERSION", memberId, key, body, answer, now, points));
        return answer;
    }

    public Answer adjust(String memberId, long points, String reason, String key) {
        String body = memberId + "|" + points + "|" + reason;
        MemberOp stored = memberOp("ADJUSTMENT", memberId, key);
        if (stored != null) {
            return stored.body().equals(body) ? stored.answer().replayed() : Answer.refused("idempotency-key-reused");
        }
        Member m = members.get(memberId);
        bringUpToDate(m);
        if (points > 0) {
            credit(m, points, "ADJUSTMENT");
        } else {
            debit(m, -points);
        }
        Answer answer = Answer.ok(points, 0);
        memberOps.add(new MemberOp("ADJUSTMENT", memberId, key, body, answer, now, points));
        return answer;
    }

    // ------------------------------------------------------------------ reward orders (docs/rewards.md)

    /** A reward as published (a coupon's stock: the codes uploaded). */
    public void addReward(
            String id, String partnerId, String fulfilment, Integer perMemberLimit, long price, Long stock) {
        rewards.put(id, new Reward(id, partnerId, fulfilment, perMemberLimit, price, stock));
    }

    public RewardOrder rewardOrder(String memberId, String key) {
        return rewardOrders.get(memberId + "|" + key);
    }

    /**
     * The member orders a reward under {@code key}: a retry (the same reward) is the stored order as it
     * stands; the key with another reward is 409. Checks in the ledger's order: the member, the reward
     * (withdrawn, its partner active), the per-member limit, spendable points, then the stock.
     */
    public Answer orderReward(String memberId, String rewardId, String key) {
        RewardOrder stored = rewardOrders.get(memberId + "|" + key);
        if (stored != null) {
            return stored.rewardId.equals(rewardId)
                    ? new Answer("REPLAYED", stored.points, 0, stored.status)
                    : Answer.refused("idempotency-key-reused");
        }
        Member m = members.get(memberId);
        if (!m.status.equals("ACTIVE")) {
            return Answer.refused("member-not-active");
        }
        Reward r = rewards.get(rewardId);
        if (r.withdrawn) {
            return Answer.refused("reward-withdrawn");
        }
        if (r.partnerId != null && !partners.get(r.partnerId).status.equals("ACTIVE")) {
            return Answer.refused("reward-not-available");
        }
        // an order that states no price is refused for 15 minutes after a raise above the price before it
        // (RewardService.requirePrice)
        if (r.priceRaisedAt != null
                && now.isBefore(r.priceRaisedAt.plus(java.time.Duration.ofMinutes(15)))
                && r.price > r.priceBeforeRaise) {
            return Answer.refused("price-changed");
        }
        bringUpToDate(m);
        if (r.perMemberLimit != null
                && rewardOrders.values().stream()
                                .filter(o -> o.memberId.equals(memberId) && o.rewardId.equals(rewardId) && o.standing())
                                .count()
                        >= r.perMemberLimit) {
            return Answer.refused("reward-limit-reached");
        }
        Answer refused = spendable(m, r.price);
        if (refused != null) {
            return refused;
        }
        if (r.stockLeft != null && r.stockLeft == 0) {
            return Answer.refused("out-of-stock");
        }
        String orderKey = memberId + "|" + key;
        holdDraws.put(orderKey, drawFifo(m, r.price));
        m.available -= r.price;
        m.spent += r.price;
        if (r.stockLeft != null) {
            r.stockLeft -= 1;
        }
        if (r.partnerId != null) {
            partners.get(r.partnerId).totals[7] += r.price;
        }
        String status = r.coupon() ? "FULFILLED" : "ORDERED"; // a coupon is delivered with its code
        rewardOrders.put(
                orderKey, new RewardOrder(orderKey, rewardId, memberId, r.partnerId, r.price, r.coupon(), status));
        return new Answer("OK", r.price, 0, status);
    }

    /** The member cancels an order still ORDERED; another member's is not found; again: replayed. */
    public Answer cancelRewardOrder(String callerMemberId, RewardOrder o) {
        if (!o.memberId.equals(callerMemberId)) {
            return Answer.refused("not-found");
        }
        Member m = members.get(o.memberId);
        bringUpToDate(m);
        if (o.status.equals("CANCELLED")) {
            return new Answer("REPLAYED", o.points, 0, o.status);
        }
        if (!o.status.equals("ORDERED")) {
            return Answer.refused("order-not-cancellable");
        }
        refund(m, o, "CANCELLED");
        return new Answer("OK", o.points, 0, o.status);
    }

    /**
     * The reward's partner ({@code callerPartnerId}) or an operator (null) decides: FULFILLED (an open
     * order) or FAILED (an open order, or a fulfilled coupon), which refunds. The same decision again:
     * replayed.
     */
    public Answer decideRewardOrder(String callerPartnerId, RewardOrder o, String outcome) {
        if (callerPartnerId != null && !callerPartnerId.equals(o.partnerId)) {
            return Answer.refused("not-found");
        }
        Member m = members.get(o.memberId);
        bringUpToDate(m);
        if (o.status.equals(outcome)) {
            return new Answer("REPLAYED", o.points, 0, o.status);
        }
        boolean open = o.status.equals("ORDERED");
        boolean badCoupon = outcome.equals("FAILED") && o.status.equals("FULFILLED") && o.coupon;
        if (!open && !badCoupon) {
            return Answer.refused("order-not-open");
        }
        if (outcome.equals("FULFILLED")) {
            o.status = "FULFILLED";
        } else {
            refund(m, o, "FAILED");
        }
        return new Answer("OK", o.points, 0, o.status);
    }

    /** The points the order paid back into their lots, the stock back (never a coupon's code). */
    private void refund(Member m, RewardOrder o, String status) {
        giveBack(m, o.key, o.points);
        m.spent -= o.points;
        if (o.partnerId != null) {
            partners.get(o.partnerId).totals[8] += o.points;
        }
        expireDue(m);
        settleDebt(m);
        Reward r = rewards.get(o.rewardId);
        if (!r.coupon() && r.stockLeft != null) {
            r.stockLeft += 1;
        }
        o.status = status;
    }

    /** Units more of a stock-limited reward, once per (caller, key); the stock left after it. */
    public Answer topUp(String callerPartnerId, String rewardId, long units, String key) {
        String scoped = (callerPartnerId == null ? "operator" : callerPartnerId) + "|" + key;
        TopUp stored = topUps.get(scoped);
        if (stored != null) {
            return stored.rewardId().equals(rewardId) && stored.units() == units
                    ? new Answer("REPLAYED", stored.units(), stored.stockLeftAfter(), null)
                    : Answer.refused("idempotency-key-reused");
        }
        Reward r = rewards.get(rewardId);
        if (callerPartnerId != null && !callerPartnerId.equals(r.partnerId)) {
            return Answer.refused("not-found");
        }
        if (r.coupon()) {
            return Answer.refused("coupon-stock-is-codes");
        }
        if (r.stockLeft == null) {
            return Answer.refused("unlimited-stock");
        }
        if (r.withdrawn) {
            return Answer.refused("reward-withdrawn");
        }
        r.stockLeft += units;
        topUps.put(scoped, new TopUp(rewardId, units, r.stockLeft));
        return Answer.ok(units, r.stockLeft);
    }

    /** A new price (for new orders only); a withdrawn reward is not edited. */
    public Answer reprice(String callerPartnerId, String rewardId, long price) {
        Reward r = rewards.get(rewardId);
        if (callerPartnerId != null && !callerPartnerId.equals(r.partnerId)) {
            return Answer.refused("not-found");
        }
        if (r.withdrawn) {
            return Answer.refused("reward-withdrawn");
        }
        if (price > r.price) {
            // a raise within an earlier raise's notice keeps the price from before that one
            if (r.priceRaisedAt == null || r.priceRaisedAt.isBefore(now.minus(java.time.Duration.ofMinutes(15)))) {
                r.priceBeforeRaise = r.price;
            }
            r.priceRaisedAt = now;
        } else if (price < r.price) {
            r.priceBeforeRaise = Math.min(r.priceBeforeRaise, price);
        }
        r.price = price;
        return Answer.ok(price, 0);
    }

    public Answer withdraw(String callerPartnerId, String rewardId) {
        Reward r = rewards.get(rewardId);
        if (callerPartnerId != null && !callerPartnerId.equals(r.partnerId)) {
            return Answer.refused("not-found");
        }
        if (r.withdrawn) {
            return new Answer("REPLAYED", 0, 0, "WITHDRAWN");
        }
        r.withdrawn = true;
        return new Answer("OK", 0, 0, "WITHDRAWN");
    }
}
