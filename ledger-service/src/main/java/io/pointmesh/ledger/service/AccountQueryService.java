package io.pointmesh.ledger.service;

import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.repository.AccountQueryRepository;
import io.pointmesh.ledger.repository.AccountQueryRepository.Drift;
import io.pointmesh.ledger.repository.AccountQueryRepository.Entry;
import io.pointmesh.ledger.repository.AccountQueryRepository.Expiring;
import io.pointmesh.ledger.repository.AccountQueryRepository.PartnerTotals;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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
    public record Balance(
            String memberId,
            long available,
            long pending,
            long held,
            long debt,
            long lifetimeEarned,
            long spent,
            long expired,
            List<Expiring> expiringSoon,
            Instant asOf) {}

    @RegisterForReflection
    public record EntryPage(List<Entry> entries, String nextCursor) {}

    @Inject
    Transactions transactions;

    @Inject
    PostingRepository postings;

    @Inject
    AccountQueryRepository queries;

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
        Drift drift = queries.drift(c, memberId, now);
        long dueMatured = drift.dueMatured();
        long expiredAvailable = drift.expiredAvailable();
        long expiredPending = drift.expiredPending();
        long available = m.available - expiredAvailable + dueMatured;
        long pending = m.pending - expiredPending - dueMatured;
        long repay = Math.min(m.debt, available);
        var zone = ledger.policy().zone();
        List<Expiring> soon = queries.expiringSoon(
                c, memberId, zone, now, now.plus(Duration.ofDays(ledger.policy().expiryNoticeDays())));
        return new Balance(
                memberId,
                available - repay,
                pending,
                m.held,
                m.debt - repay,
                m.lifetimeEarned,
                m.spent,
                m.expired + expiredAvailable + expiredPending,
                soon,
                now);
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
            List<Entry> entries = queries.entries(c, account, before, limit);
            String next = entries.size() == limit
                    ? String.valueOf(entries.get(entries.size() - 1).entryId())
                    : null;
            return new EntryPage(entries, next);
        });
    }

    /**
     * The partner's totals in [from, to); {@code coFundingUntil} (a partner's own view): its part of other partners'
     * bonuses and refunds only when posted before it, null for all (operators).
     */
    public PartnerTotals totals(String partnerId, Instant from, Instant to, Instant coFundingUntil) {
        if (from == null || to == null || !from.isBefore(to)) {
            throw ProblemException.invalidField("from", "from and to are required, from before to (ISO-8601 instants)");
        }
        return transactions.run(c -> queries.partnerTotals(c, partnerId, from, to, coFundingUntil));
    }
}
