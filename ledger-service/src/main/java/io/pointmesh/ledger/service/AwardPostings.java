package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.ledger.Accounts;
import io.pointmesh.ledger.MemberBalance;
import io.pointmesh.ledger.PostingIds;
import io.pointmesh.ledger.TransferKind;
import io.pointmesh.ledger.service.Ledger.AwardCredit;
import io.pointmesh.ledger.service.Ledger.AwardTerms;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * One member's credit of a bulk award (docs/ledger.md, "Bulk awards"): under the member's row
 * lock, like every posting, a new available lot with the default validity and an AWARD transfer
 * from the funding account (the partner's issuance, or the network's promotion account), and the
 * member's own {@code ledger.points-awarded} event. A member who left or is suspended, as read
 * under the lock, is not credited; nor is anyone while the funding partner is not active. The caller marks the award's row in the same transaction; the
 * database holds "credited once" (I15).
 */
final class AwardPostings extends Postings {

    AwardPostings(Context context) {
        super(context);
    }

    AwardCredit award(Connection c, String memberId, AwardTerms terms) throws SQLException {
        Instant now = now();
        MemberBalance m = postings.lockMember(c, memberId);
        if (m == null) {
            return AwardCredit.skipped("unknown-member");
        }
        String status = bringUpToDate(c, m, now).memberStatus();
        if (status == null) {
            return AwardCredit.skipped("unknown-member");
        }
        if ("LEFT".equals(status)) {
            return AwardCredit.skipped("member-left");
        }
        if ("SUSPENDED".equals(status)) {
            return AwardCredit.skipped("member-suspended");
        }
        // the funder as it is now, not when the award was accepted: a partner suspended or offboarded
        // meanwhile funds nothing more (as it earns nothing), and cannot even cancel the award itself
        if (terms.fundedBy() == FundedBy.PARTNER
                && !directory
                        .partner(c, terms.partnerId())
                        .map(p -> "ACTIVE".equals(p.status()))
                        .orElse(false)) {
            return AwardCredit.skipped("partner-not-active");
        }
        UUID id = PostingIds.next();
        String from = terms.fundedBy() == FundedBy.PARTNER ? Accounts.issuance(terms.partnerId()) : Accounts.PROMOTION;
        credit(c, m, terms.points(), "AWARD", id, from, TransferKind.AWARD, terms.partnerId(), now);
        postings.saveMember(c, m, now);
        events.publish(
                c,
                new PointsAwarded(
                        terms.awardId(),
                        memberId,
                        terms.partnerId(),
                        terms.fundedBy(),
                        terms.points(),
                        terms.reason(),
                        terms.campaignRef(),
                        terms.owner()),
                now);
        return new AwardCredit(id, null, now);
    }
}
