package io.pointmesh.ledger.repository;

import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.platform.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of postings: member rows, transfers, lots and draws, campaign budgets. Every method runs
 * on the caller's transaction; callers hold the member's row lock ({@link #lockMember}) before
 * touching its lots (the jobs' batch reads excepted).
 */
public class PostingRepository {

    /** Points taken from one lot by a spend or a debit. */
    public record Draw(long lotId, long points, Instant expiresAt) {}

    /** A lot's remaining points that expired (or were forfeited), and whether they were available. */
    public record Taken(long points, boolean matured, Instant expiresAt) {}

    /** A campaign's budget and what it granted so far. */
    public record CampaignBudget(long spentPoints, long budgetPoints) {}

    /** A lot's remaining points that will expire soon, now marked as told. */
    public record ExpiryNotice(String memberId, long points, Instant expiresAt) {}

    public void openMemberAccount(Connection c, String memberId) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO account (id, kind, owner_id) VALUES (?, 'MEMBER', ?) ON CONFLICT DO NOTHING",
                Accounts.member(memberId),
                memberId);
        Sql.update(
                c,
                "INSERT INTO member_balance (member_id, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                memberId,
                Accounts.member(memberId));
    }

    public void openPartnerAccounts(Connection c, String partnerId) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO account (id, kind, owner_id) VALUES (?, 'PARTNER_ISSUANCE', ?), (?, 'PARTNER_REDEMPTION', ?) "
                        + "ON CONFLICT DO NOTHING",
                Accounts.issuance(partnerId),
                partnerId,
                Accounts.redemption(partnerId),
                partnerId);
    }

    /**
     * Locks the member's row for the rest of the transaction: every posting for one member is
     * serialized here, so no interleaving of concurrent requests can spend a point twice.
     */
    public MemberBalance lockMember(Connection c, String memberId) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT * FROM member_balance WHERE member_id = ? FOR UPDATE",
                        PostingRepository::balance,
                        memberId)
                .orElse(null);
    }

    /** Like {@link #lockMember}, but answers null at once when another transaction holds the row (for jobs). */
    public MemberBalance tryLockMember(Connection c, String memberId) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT * FROM member_balance WHERE member_id = ? FOR UPDATE SKIP LOCKED",
                        PostingRepository::balance,
                        memberId)
                .orElse(null);
    }

    /** Locks two members in a fixed order (by id), so two transfers between them cannot deadlock. */
    public MemberBalance[] lockMembers(Connection c, String first, String second) throws SQLException {
        boolean inOrder = first.compareTo(second) < 0;
        MemberBalance a = lockMember(c, inOrder ? first : second);
        MemberBalance b = lockMember(c, inOrder ? second : first);
        return inOrder ? new MemberBalance[] {a, b} : new MemberBalance[] {b, a};
    }

    public MemberBalance readMember(Connection c, String memberId) throws SQLException {
        return Sql.one(c, "SELECT * FROM member_balance WHERE member_id = ?", PostingRepository::balance, memberId)
                .orElse(null);
    }

    static MemberBalance balance(ResultSet rs) throws SQLException {
        MemberBalance m = new MemberBalance(rs.getString("member_id"));
        m.available = rs.getLong("available");
        m.pending = rs.getLong("pending");
        m.held = rs.getLong("held");
        m.debt = rs.getLong("debt");
        m.lifetimeEarned = rs.getLong("lifetime_earned");
        m.spent = rs.getLong("spent");
        m.expired = rs.getLong("expired");
        return m;
    }

    /** Writes the breakdown back (the balance column itself belongs to the transfer trigger). */
    public void saveMember(Connection c, MemberBalance m, Instant now) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_balance SET available = ?, pending = ?, held = ?, debt = ?, lifetime_earned = ?, "
                        + "spent = ?, expired = ?, updated_at = ? WHERE member_id = ?",
                m.available,
                m.pending,
                m.held,
                m.debt,
                m.lifetimeEarned,
                m.spent,
                m.expired,
                now,
                m.memberId);
    }

    /**
     * Locks the campaign's budget row for the rest of the transaction (I11: a bonus is granted
     * against the budget as it is now, not as it was when the offer was priced).
     */
    public Optional<CampaignBudget> lockCampaignBudget(Connection c, String campaignId) throws SQLException {
        return Sql.one(
                c,
                "SELECT spent_points, budget_points FROM campaign WHERE campaign_id = ? FOR UPDATE",
                rs -> new CampaignBudget(rs.getLong(1), rs.getLong(2)),
                campaignId);
    }

    /** Adds a granted bonus to the campaign's spent points (the CHECK on spent_points backs the budget up). */
    public void spendCampaignBudget(Connection c, String campaignId, long points) throws SQLException {
        Sql.update(c, "UPDATE campaign SET spent_points = spent_points + ? WHERE campaign_id = ?", points, campaignId);
    }

    /**
     * Gives back to a campaign's budget what a refund took back of its bonus: a refunded bonus is no longer granted,
     * so it no longer counts against the budget (I11). Never below zero: a budget set after the earning was posted
     * did not count its bonus.
     */
    public void returnCampaignBudget(Connection c, String campaignId, long points) throws SQLException {
        Sql.update(
                c,
                "UPDATE campaign SET spent_points = GREATEST(spent_points - ?, 0) WHERE campaign_id = ? AND spent_points > 0",
                points,
                campaignId);
    }

    /**
     * Inserts a transfer; the database moves both balances (a member's in the same statement, a
     * partner's or the network's shard row at commit: triggers transfer_post_member, transfer_post_shard).
     */
    public void transfer(
            Connection c,
            String debit,
            String credit,
            long amount,
            TransferKind kind,
            UUID ref,
            String partnerId,
            int shard,
            Instant now)
            throws SQLException {
        if (amount <= 0) {
            return;
        }
        Sql.update(
                c,
                "INSERT INTO transfer (debit_account, credit_account, amount, kind, ref, partner_id, shard, posted_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                debit,
                credit,
                amount,
                kind.name(),
                ref,
                partnerId,
                (short) shard,
                now);
    }

    public long insertLot(
            Connection c,
            String memberId,
            String source,
            UUID ref,
            long points,
            Instant earnedAt,
            Instant availableAt,
            Instant expiresAt,
            boolean matured)
            throws SQLException {
        return Sql.one(
                        c,
                        "INSERT INTO lot (member_id, source, ref, points, remaining, earned_at, available_at, expires_at, matured) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        rs -> rs.getLong(1),
                        memberId,
                        source,
                        ref,
                        points,
                        points,
                        earnedAt,
                        availableAt,
                        expiresAt,
                        matured)
                .orElseThrow();
    }

    /**
     * Up to {@code limit} members of each kind with lots due by {@code now}: to expire, or to mature; none of
     * {@code leftOut} (members whose last try failed: those after them come first).
     */
    public List<String> membersWithDueLots(Connection c, Instant now, int limit, String[] leftOut) throws SQLException {
        return Sql.list(
                c,
                "SELECT member_id FROM ("
                        + "(SELECT member_id FROM lot WHERE remaining > 0 AND expires_at <= ? "
                        + "AND member_id <> ALL (CAST(? AS text[])) ORDER BY expires_at LIMIT ?) UNION "
                        + "(SELECT member_id FROM lot WHERE NOT matured AND available_at <= ? "
                        + "AND member_id <> ALL (CAST(? AS text[])) ORDER BY available_at LIMIT ?)) due",
                rs -> rs.getString(1),
                now,
                leftOut,
                limit,
                now,
                leftOut,
                limit);
    }

    /** Pending lots whose time has come become available; answers how many points matured. */
    /**
     * What the clock did to a member's lots, for a member whose row this transaction has locked, in
     * one round trip: the points of the lots that matured by {@code now} (marked matured here),
     * whether any lot is due to expire by {@code now} (emptied by {@link #emptyLots} only then), and
     * the member's status in the directory. The statement starts after the lock was granted, so
     * it sees what the transaction that held the lock committed (a maturing, a leave).
     */
    public record Due(long matured, boolean expiryDue, String memberStatus) {}

    public Due matureDue(Connection c, String memberId, Instant now) throws SQLException {
        return Sql.one(
                        c,
                        "WITH due AS (UPDATE lot SET matured = true WHERE member_id = ? AND NOT matured "
                                + "AND available_at <= ? RETURNING remaining) "
                                + "SELECT (SELECT coalesce(sum(remaining), 0) FROM due), "
                                + "EXISTS (SELECT 1 FROM lot WHERE member_id = ? AND remaining > 0 AND expires_at <= ?), "
                                + "(SELECT status FROM member_directory WHERE member_id = ?)",
                        rs -> new Due(rs.getLong(1), rs.getBoolean(2), rs.getString(3)),
                        memberId,
                        now,
                        memberId,
                        now,
                        memberId)
                .orElseThrow();
    }

    /**
     * Takes {@code points} from the member's available lots, oldest expiry first (ties by lot id),
     * and records each draw under {@code ref}. The caller has checked that the member's available
     * balance covers it; since available equals the sum of the matured lots' remaining points, the
     * lots always do.
     */
    public List<Draw> drawFifo(Connection c, String memberId, long points, UUID ref, String reason, Instant now)
            throws SQLException {
        List<Draw> draws = new ArrayList<>();
        long left = points;
        try (PreparedStatement s = Sql.prepare(
                c,
                "SELECT id, remaining, expires_at FROM lot WHERE member_id = ? AND matured "
                        + "AND remaining > 0 ORDER BY expires_at, id FOR UPDATE",
                memberId)) {
            s.setFetchSize(64);
            try (ResultSet rs = s.executeQuery()) {
                while (left > 0 && rs.next()) {
                    long take = Math.min(left, rs.getLong("remaining"));
                    draws.add(new Draw(rs.getLong("id"), take, Sql.instant(rs, "expires_at")));
                    left -= take;
                }
            }
        }
        if (left > 0) {
            throw new IllegalStateException(
                    "lots of " + memberId + " do not cover " + points + " (ledger invariant broken)");
        }
        applyDraws(c, draws, ref, reason, now);
        return draws;
    }

    /** The member's lot of {@code source} posted under {@code ref}, while it is still pending. */
    public Optional<Long> pendingLot(Connection c, String memberId, String source, UUID ref) throws SQLException {
        return Sql.one(
                c,
                "SELECT id FROM lot WHERE ref = ? AND member_id = ? AND source = ? AND NOT matured",
                rs -> rs.getLong(1),
                ref,
                memberId,
                source);
    }

    /** Takes up to {@code max} points from one lot (an earning reversal takes from its own lot first). */
    public Taken takeFromLot(Connection c, long lotId, long max, UUID ref, String reason, Instant now)
            throws SQLException {
        Taken lot = Sql.one(
                        c,
                        "SELECT remaining, matured, expires_at FROM lot WHERE id = ? FOR UPDATE",
                        rs -> new Taken(rs.getLong(1), rs.getBoolean(2), Sql.instant(rs, "expires_at")),
                        lotId)
                .orElseThrow();
        long take = Math.min(max, lot.points());
        if (take > 0) {
            applyDraws(c, List.of(new Draw(lotId, take, lot.expiresAt())), ref, reason, now);
        }
        return new Taken(take, lot.matured(), lot.expiresAt());
    }

    /**
     * Takes up to {@code max} of the points that expired from the lot back out of its expired count (a refund of
     * the earning whose lot it is: the points come back from breakage, not from the member); answers how many.
     */
    public long takeExpiredFromLot(Connection c, long lotId, long max) throws SQLException {
        return Sql.one(
                        c,
                        "UPDATE lot l SET expired = l.expired - t.take FROM (SELECT id, least(expired, ?) AS take FROM lot "
                                + "WHERE id = ? FOR UPDATE) t WHERE l.id = t.id RETURNING t.take",
                        rs -> rs.getLong(1),
                        max,
                        lotId)
                .orElse(0L);
    }

    private void applyDraws(Connection c, List<Draw> draws, UUID ref, String reason, Instant now) throws SQLException {
        if (draws.isEmpty()) {
            return;
        }
        try (PreparedStatement lot = c.prepareStatement("UPDATE lot SET remaining = remaining - ? WHERE id = ?");
                PreparedStatement draw = Sql.prepare(
                        c, "INSERT INTO lot_draw (ref, lot_id, points, reason, drawn_at) VALUES (?, ?, ?, ?, ?)")) {
            for (Draw d : draws) {
                lot.setLong(1, d.points());
                lot.setLong(2, d.lotId());
                lot.addBatch();
                draw.setObject(1, ref);
                draw.setLong(2, d.lotId());
                draw.setLong(3, d.points());
                draw.setString(4, reason);
                draw.setObject(5, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
                draw.addBatch();
            }
            lot.executeBatch();
            draw.executeBatch();
        }
    }

    /** Points of a spend that came back to a lot owing them to a refund of its earning (V23): not back in the lot. */
    public record Owed(long lotId, long points) {}

    /** Points given back into lots ({@code points}), and what of them lots owed to their earnings' refunds. */
    public record Returned(long points, List<Owed> owed) {}

    /**
     * Puts {@code points} of a spend back into the lots it came from, latest expiry first (what is
     * kept is what expires soonest, as if the smaller spend had been drawn FIFO). The points keep
     * their lots' expiry dates, except those a lot owes to a refund of its earning: they settle
     * that first and are answered, for the caller to give to the member another way (I23).
     */
    public List<Owed> restore(Connection c, UUID ref, long points) throws SQLException {
        return returnDraws(c, "d.ref = ?", "l.expires_at DESC, l.id DESC, d.id DESC", points, ref)
                .owed();
    }

    /**
     * {@code back} points return to a lot: what it owes to a refund of its earning is settled first (answered, not put
     * back), the rest goes into it.
     */
    private long returnToLot(Connection c, long lotId, long back) throws SQLException {
        return Sql.one(
                        c,
                        "UPDATE lot l SET owed = l.owed - t.settled, remaining = l.remaining + ? - t.settled "
                                + "FROM (SELECT id, least(owed, ?) AS settled FROM lot WHERE id = ? FOR UPDATE) t "
                                + "WHERE l.id = t.id RETURNING t.settled",
                        rs -> rs.getLong(1),
                        back,
                        back,
                        lotId)
                .orElseThrow();
    }

    /**
     * A refund (its id {@code reversalId}) of the lot's earning could not take {@code max} of its points because they
     * are out on draws that may come back (a hold, a reward order, another refund's draw or a debt repayment, both of
     * which a settlement may give back): the lot records them as owed, up to what is out and not owed already (I23);
     * answers how many. The earning's own refunds' draws from it never come back and do not count.
     */
    public long oweFromLot(Connection c, long lotId, long max, UUID reversalId) throws SQLException {
        return Sql.one(
                        c,
                        "UPDATE lot l SET owed = l.owed + t.owe, owed_since_draw = CASE WHEN t.owe > 0 AND l.owed = 0 THEN "
                                + "(SELECT max(id) FROM lot_draw) ELSE l.owed_since_draw END "
                                + "FROM (SELECT id, least(?, greatest(0, (SELECT "
                                + "coalesce(sum(d.points), 0) FROM lot_draw d WHERE d.lot_id = lot.id AND NOT d.restored "
                                + "AND d.reason IN ('HOLD', 'REWARD_ORDER', 'EARN_REVERSAL', 'DEBT_REPAYMENT') "
                                + "AND d.ref <> ? AND NOT (d.reason = 'EARN_REVERSAL' AND d.ref IN (SELECT r.id FROM "
                                + "earning_reversal r WHERE r.earning_id = lot.ref))) - owed)) AS owe FROM lot WHERE id = ? "
                                + "FOR UPDATE) t WHERE l.id = t.id RETURNING t.owe",
                        rs -> rs.getLong(1),
                        max,
                        reversalId,
                        lotId)
                .orElse(0L);
    }

    /**
     * Gives back up to {@code max} points that refunds of the earning whose lot is {@code lotId} drew from the member's
     * other lots (their draws under the reversals' ids), latest expiry first, into those lots.
     */
    public Returned restoreRefundDraws(Connection c, long lotId, long max) throws SQLException {
        return returnDraws(
                c,
                "d.ref IN (SELECT r.id FROM earning_reversal r WHERE r.earning_id = "
                        + "(SELECT ref FROM lot WHERE id = ? AND source = 'EARN')) AND d.lot_id <> ? AND d.reason = 'EARN_REVERSAL'",
                "l.expires_at DESC, l.id DESC, d.id DESC",
                max,
                lotId,
                lotId);
    }

    /**
     * Gives back up to {@code max} points of the member's debt repayments drawn since the lot {@code lotId} started owing
     * to its earning's refund (the refund's debt that later points repaid), the earliest first, into the lots they came
     * from; repayments of debts from before it are not the refund's and stay.
     */
    public Returned restoreDebtRepayments(Connection c, String memberId, long lotId, long max) throws SQLException {
        return returnDraws(
                c,
                "l.member_id = ? AND d.reason = 'DEBT_REPAYMENT' AND d.id > (SELECT owed_since_draw FROM lot WHERE id = ?)",
                "d.id",
                max,
                memberId,
                lotId);
    }

    /** Open draws matching {@code where} (d: the draw, l: its lot) go back into their lots, in {@code order}. */
    private Returned returnDraws(Connection c, String where, String order, long max, Object... params)
            throws SQLException {
        long left = max;
        List<Owed> owed = new ArrayList<>();
        List<long[]> draws = Sql.list(
                c,
                "SELECT d.id, d.lot_id, d.points FROM lot_draw d JOIN lot l ON l.id = d.lot_id WHERE " + where
                        + " AND NOT d.restored ORDER BY " + order,
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
                params);
        for (long[] d : draws) {
            if (left == 0) {
                break;
            }
            long back = Math.min(left, d[2]);
            long settled = returnToLot(c, d[1], back);
            if (settled > 0) {
                owed.add(new Owed(d[1], settled));
            }
            if (back == d[2]) {
                Sql.update(c, "UPDATE lot_draw SET restored = true WHERE id = ?", d[0]);
            } else {
                Sql.update(c, "UPDATE lot_draw SET points = points - ? WHERE id = ?", back, d[0]);
            }
            left -= back;
        }
        return new Returned(max - left, owed);
    }

    /** Puts {@code points} back into one lot (what a lot owed and could settle no other way). */
    public void addToLot(Connection c, long lotId, long points) throws SQLException {
        Sql.update(c, "UPDATE lot SET remaining = remaining + ? WHERE id = ?", points, lotId);
    }

    /**
     * Marks up to {@code limit} lots with points expiring after {@code now} and by {@code horizon} as told, soonest
     * first, and answers them. A lot whose expiry has passed (and that no job or posting has emptied yet) is not
     * told it "will" expire: its points are gone. SKIP LOCKED: instances share the work and never wait on a lot a
     * posting holds.
     */
    public List<ExpiryNotice> markExpiryNotices(Connection c, Instant now, Instant horizon, int limit)
            throws SQLException {
        return Sql.list(
                c,
                "UPDATE lot SET expiry_notified = true WHERE id IN (SELECT id FROM lot WHERE remaining > 0 "
                        + "AND NOT expiry_notified AND expires_at > ? AND expires_at <= ? ORDER BY expires_at LIMIT ? "
                        + "FOR UPDATE SKIP LOCKED) RETURNING member_id, remaining, expires_at",
                rs -> new ExpiryNotice(rs.getString(1), rs.getLong(2), Sql.instant(rs, "expires_at")),
                now,
                horizon,
                limit);
    }

    /**
     * Empties the member's lots that are past their expiry (or all of them, for a forfeit) and
     * answers what they held, split by available (matured) and pending.
     */
    public List<Taken> emptyLots(Connection c, String memberId, Instant expiredBy) throws SQLException {
        return Sql.list(
                c,
                "WITH due AS (SELECT id, remaining, matured, expires_at FROM lot WHERE member_id = ? AND remaining > 0 "
                        + "AND expires_at <= ? FOR UPDATE) "
                        + "UPDATE lot l SET expired = l.expired + due.remaining, remaining = 0 FROM due WHERE l.id = due.id "
                        + "RETURNING due.remaining, due.matured, due.expires_at",
                rs -> new Taken(rs.getLong(1), rs.getBoolean(2), Sql.instant(rs, "expires_at")),
                memberId,
                expiredBy);
    }
}
