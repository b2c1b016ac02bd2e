package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.PointsAdjusted;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsGifted;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.repository.PostingRepository.Draw;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What members do with their own points, and operators' corrections: gifts (keeping the giver's
 * expiry dates), conversions to miles and adjustments, each once per (member, idempotency key).
 */
final class MemberOperationPostings extends Postings {

    MemberOperationPostings(Context context) {
        super(context);
    }

    Outcome<MemberOperationRow> gift(
            Connection c, String memberId, String recipientId, long points, String key, String requestHash)
            throws SQLException {
        Optional<Outcome<MemberOperationRow>> retry = replayMemberOperation(c, memberId, "GIFT", key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        if (recipientId.equals(memberId)) {
            throw ProblemException.unprocessable(
                    "self-gift", "Gift to oneself", "a gift goes to another member's card");
        }
        if (points > policy.giftMaxPoints()) {
            throw ProblemException.unprocessable(
                    "gift-limit", "Gift limit", "a gift is at most " + policy.giftMaxPoints() + " points");
        }
        Instant now = now();
        MemberBalance[] both = postings.lockMembers(c, memberId, recipientId);
        MemberBalance giver = both[0];
        MemberBalance receiver = both[1];
        if (giver == null || receiver == null) {
            throw ProblemException.unprocessable(
                    "unknown-member", "Unknown member", "no account for the giver or the recipient");
        }
        retry = replayMemberOperation(
                c, memberId, "GIFT", key, requestHash); // a twin committed while we waited for the locks
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant dayStart = ZonedDateTime.ofInstant(now, policy.zone())
                .truncatedTo(ChronoUnit.DAYS)
                .toInstant();
        long today = operations.giftedSince(c, memberId, dayStart);
        if (today + points > policy.giftDailyMaxPoints()) {
            throw ProblemException.unprocessable(
                    "gift-daily-limit",
                    "Daily gift limit",
                    "gifts are at most " + policy.giftDailyMaxPoints() + " points a day; " + today + " given today");
        }
        // Both rows are locked now; bring both up to date before spending.
        bringUpToDate(c, giver, now);
        bringUpToDate(c, receiver, now);
        requireNotLeft(c, recipientId);
        requireSpendable(giver, points);
        UUID id = PostingIds.next();
        List<Draw> draws = postings.drawFifo(c, memberId, points, id, "GIFT", now);
        giver.available -= points;
        giver.spent += points;
        // The receiver's lots keep the giver's expiry dates: a gift cannot extend a point's life.
        for (Draw d : mergeByExpiry(draws)) {
            postings.insertLot(c, recipientId, "GIFT", id, d.points(), now, now, d.expiresAt(), true);
        }
        receiver.available += points;
        settleDebt(c, receiver, now);
        postings.transfer(
                c, giver.account(), receiver.account(), points, TransferKind.GIFT, id, null, giver.shard(), now);
        MemberOperationRow row = new MemberOperationRow(
                id, memberId, "GIFT", key, requestHash, recipientId, points, null, null, null, now);
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
        return byExpiry.entrySet().stream()
                .map(e -> new Draw(0, e.getValue(), e.getKey()))
                .toList();
    }

    Outcome<MemberOperationRow> convert(
            Connection c,
            String memberId,
            String mileagePartnerId,
            long points,
            long miles,
            String key,
            String requestHash)
            throws SQLException {
        Optional<Outcome<MemberOperationRow>> retry =
                replayMemberOperation(c, memberId, "CONVERSION", key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForPosting(c, memberId, now);
        retry = replayMemberOperation(
                c, memberId, "CONVERSION", key, requestHash); // a twin committed while we waited for the lock
        if (retry.isPresent()) {
            return retry.get();
        }
        requireSpendable(m, points);
        UUID id = PostingIds.next();
        postings.drawFifo(c, memberId, points, id, "CONVERSION", now);
        m.available -= points;
        m.spent += points;
        postings.transfer(
                c,
                m.account(),
                Accounts.CONVERSION,
                points,
                TransferKind.CONVERSION,
                id,
                mileagePartnerId,
                m.shard(),
                now);
        MemberOperationRow row = new MemberOperationRow(
                id, memberId, "CONVERSION", key, requestHash, mileagePartnerId, points, miles, null, null, now);
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
    Outcome<MemberOperationRow> adjust(
            Connection c, String memberId, long points, String reason, String actor, String key, String requestHash)
            throws SQLException {
        Optional<Outcome<MemberOperationRow>> retry =
                replayMemberOperation(c, memberId, "ADJUSTMENT", key, requestHash);
        if (retry.isPresent()) {
            return retry.get();
        }
        Instant now = now();
        MemberBalance m = lockForCredit(c, memberId, now);
        UUID id = PostingIds.next();
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
            postings.transfer(
                    c, m.account(), Accounts.ADJUSTMENT, debit, TransferKind.ADJUSTMENT, id, null, m.shard(), now);
        }
        MemberOperationRow row = new MemberOperationRow(
                id, memberId, "ADJUSTMENT", key, requestHash, null, points, null, reason, actor, now);
        if (!operations.insertMemberOperation(c, row)) {
            throw new DuplicateRequest();
        }
        postings.saveMember(c, m, now);
        events.publish(c, new PointsAdjusted(id.toString(), memberId, points, reason, actor), now);
        return new Outcome<>(row, false);
    }
}
