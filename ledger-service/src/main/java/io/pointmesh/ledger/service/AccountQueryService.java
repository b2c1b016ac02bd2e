package io.pointmesh.ledger.service;

import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The ledger's reads: a member's balance and entries, a partner's totals. None sums a member's
 * history: the balance is one row plus the few lots whose state the clock changed since the last
 * posting (matured or expired, not yet processed) and the lots expiring within the notice period;
 * entries are read by index from a cursor.
 */
@ApplicationScoped
public class AccountQueryService {

    @RegisterForReflection
    public record Expiring(LocalDate date, long points) {
    }

    @RegisterForReflection
    public record Balance(String memberId, long available, long pending, long held, long debt, long lifetimeEarned, long spent,
                          long expired, List<Expiring> expiringSoon, Instant asOf) {
    }

    @RegisterForReflection
    public record Entry(long entryId, String kind, long points, String ref, String partnerId, Instant postedAt) {
    }

    @RegisterForReflection
    public record EntryPage(List<Entry> entries, String nextCursor) {
    }

    @RegisterForReflection
    public record PartnerTotals(String partnerId, Instant from, Instant to, long pointsIssued, long pointsIssuedReversed,
                                long networkFundedPoints, long networkFundedReversed, long pointsRedeemed,
                                long pointsRedemptionReversed, long pointsConverted) {
    }

    @Inject
    Transactions transactions;

    @Inject
    PostingRepository postings;

    @Inject
    Ledger ledger;

    public Balance balance(String memberId) {
        return transactions.run(c -> balance(c, memberId));
    }

    Balance balance(Connection c, String memberId) throws SQLException {
        MemberBalance m = postings.readMember(c, memberId);
        if (m == null) {
            throw ProblemException.notFound("account", memberId);
        }
        Instant now = ledger.now();
        // What the clock did since the last posting (the jobs or the next posting will write it).
        record Drift(long dueMatured, long expiredAvailable, long expiredPending) {
        }
        Drift drift = Sql.one(c, "SELECT "
                        + "coalesce(sum(remaining) FILTER (WHERE NOT matured AND available_at <= ? AND expires_at > ?), 0), "
                        + "coalesce(sum(remaining) FILTER (WHERE matured AND expires_at <= ?), 0), "
                        + "coalesce(sum(remaining) FILTER (WHERE NOT matured AND expires_at <= ?), 0) "
                        + "FROM lot WHERE member_id = ? AND remaining > 0 AND (NOT matured OR expires_at <= ?)",
                rs -> new Drift(rs.getLong(1), rs.getLong(2), rs.getLong(3)), now, now, now, now, memberId, now).orElseThrow();
        long dueMatured = drift.dueMatured();
        long expiredAvailable = drift.expiredAvailable();
        long expiredPending = drift.expiredPending();
        long available = m.available - expiredAvailable + dueMatured;
        long pending = m.pending - expiredPending - dueMatured;
        long repay = Math.min(m.debt, available);
        var zone = ledger.policy().zone();
        List<Expiring> soon = Sql.list(c, "SELECT (expires_at AT TIME ZONE ?)::date AS day, sum(remaining) FROM lot "
                        + "WHERE member_id = ? AND remaining > 0 AND matured AND expires_at > ? AND expires_at <= ? GROUP BY 1 ORDER BY 1",
                rs -> new Expiring(rs.getObject(1, LocalDate.class), rs.getLong(2)), zone.getId(), memberId, now,
                now.plus(Duration.ofDays(ledger.policy().expiryNoticeDays())));
        return new Balance(memberId, available - repay, pending, m.held, m.debt - repay, m.lifetimeEarned, m.spent,
                m.expired + expiredAvailable + expiredPending, soon, now);
    }

    public EntryPage entries(String memberId, String cursor, int limit) {
        if (limit < 1 || limit > 200) {
            throw ProblemException.invalidField("limit", "between 1 and 200");
        }
        long before;
        try {
            before = cursor == null || cursor.isBlank() ? Long.MAX_VALUE : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("cursor", "a cursor from a previous page");
        }
        String account = Accounts.member(memberId);
        return transactions.run(c -> {
            if (postings.readMember(c, memberId) == null) {
                throw ProblemException.notFound("account", memberId);
            }
            // Two index range scans (debit side, credit side), merged: O(page), whatever the history.
            List<Entry> entries = Sql.list(c, "SELECT id, kind, amount, ref, partner_id, posted_at FROM ("
                            + "(SELECT id, kind, amount, ref, partner_id, posted_at FROM transfer WHERE credit_account = ? AND id < ? ORDER BY id DESC LIMIT ?) "
                            + "UNION ALL "
                            + "(SELECT id, kind, -amount, ref, partner_id, posted_at FROM transfer WHERE debit_account = ? AND id < ? ORDER BY id DESC LIMIT ?)"
                            + ") e ORDER BY id DESC LIMIT ?",
                    rs -> new Entry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            Sql.instant(rs, "posted_at")), account, before, limit, account, before, limit, limit);
            String next = entries.size() == limit ? String.valueOf(entries.get(entries.size() - 1).entryId()) : null;
            return new EntryPage(entries, next);
        });
    }

    public PartnerTotals totals(String partnerId, Instant from, Instant to) {
        if (from == null || to == null || !from.isBefore(to)) {
            throw ProblemException.invalidField("from", "from and to are required, from before to (ISO-8601 instants)");
        }
        String issuance = Accounts.issuance(partnerId);
        String redemption = Accounts.redemption(partnerId);
        return transactions.run(c -> Sql.one(c, "SELECT "
                        + "coalesce(sum(amount) FILTER (WHERE debit_account = ?), 0), "
                        + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0), "
                        + "coalesce(sum(amount) FILTER (WHERE debit_account = ?), 0), "
                        + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0), "
                        + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0), "
                        + "coalesce(sum(amount) FILTER (WHERE debit_account = ?), 0), "
                        + "coalesce(sum(amount) FILTER (WHERE credit_account = ?), 0) "
                        + "FROM transfer WHERE partner_id = ? AND posted_at >= ? AND posted_at < ?",
                rs -> new PartnerTotals(partnerId, from, to, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7)),
                issuance, issuance, Accounts.PROMOTION, Accounts.PROMOTION, redemption, redemption, Accounts.CONVERSION,
                partnerId, from, to).orElseThrow());
    }
}
