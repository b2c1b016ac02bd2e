package io.pointmesh.ledger.repository;

import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Bulk awards (docs/ledger.md, "Bulk awards"): the award's row, its audience resolved set-based
 * into award_member rows, the worker's claim of a batch and its bookkeeping. Every method runs on
 * the caller's transaction.
 */
@ApplicationScoped
public class AwardRepository {

    /** Who an award goes to: a list of member ids, or everyone of a grade or a segment. */
    public enum Audience {
        MEMBERS(null),
        GRADE("grade"),
        SEGMENT("segment");

        /** member_directory's column for a grade or segment audience (never taken from a request). */
        final String column;

        Audience(String column) {
            this.column = column;
        }
    }

    public record AwardRow(
            UUID id,
            String owner,
            String awardId,
            String requestHash,
            long points,
            String reason,
            String campaignRef,
            String fundedBy,
            String partnerId,
            String audience,
            String audienceValue,
            LocalDate asOf,
            String actor,
            String status,
            int members,
            int credited,
            int skipped,
            long pointsCredited,
            Instant createdAt,
            Instant finishedAt,
            Instant cancelledAt,
            String cancelledBy,
            String cancelReason) {}

    /** What resolving an audience wrote: members in all, and how many were skipped at once. */
    public record Resolved(int members, int skipped) {}

    /** The award's row; false when (owner, awardId) exists already (a twin committed first, or a retry). */
    public boolean insertAward(Connection c, AwardRow a) throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO award (id, owner, award_id, request_hash, points, reason, campaign_ref, funded_by, "
                                + "partner_id, audience, audience_value, as_of, actor, status, members, created_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?) "
                                + "ON CONFLICT (owner, award_id) DO NOTHING",
                        a.id(),
                        a.owner(),
                        a.awardId(),
                        a.requestHash(),
                        a.points(),
                        a.reason(),
                        a.campaignRef(),
                        a.fundedBy(),
                        a.partnerId(),
                        a.audience(),
                        a.audienceValue(),
                        a.asOf(),
                        a.actor(),
                        a.createdAt())
                == 1;
    }

    public Optional<AwardRow> find(Connection c, String owner, String awardId) throws SQLException {
        return Sql.one(
                c, "SELECT * FROM award WHERE owner = ? AND award_id = ?", AwardRepository::award, owner, awardId);
    }

    public Optional<AwardRow> find(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM award WHERE id = ?", AwardRepository::award, id);
    }

    /** Locks the award's row (the batch's bookkeeping is serialized on it). */
    public Optional<AwardRow> lock(Connection c, UUID id) throws SQLException {
        return Sql.one(c, "SELECT * FROM award WHERE id = ? FOR UPDATE", AwardRepository::award, id);
    }

    private static AwardRow award(ResultSet rs) throws SQLException {
        java.sql.Date asOf = rs.getDate("as_of");
        return new AwardRow(
                rs.getObject("id", UUID.class),
                rs.getString("owner"),
                rs.getString("award_id"),
                rs.getString("request_hash"),
                rs.getLong("points"),
                rs.getString("reason"),
                rs.getString("campaign_ref"),
                rs.getString("funded_by"),
                rs.getString("partner_id"),
                rs.getString("audience"),
                rs.getString("audience_value"),
                asOf == null ? null : asOf.toLocalDate(),
                rs.getString("actor"),
                rs.getString("status"),
                rs.getInt("members"),
                rs.getInt("credited"),
                rs.getInt("skipped"),
                rs.getLong("points_credited"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "finished_at"),
                Sql.instant(rs, "cancelled_at"),
                rs.getString("cancelled_by"),
                rs.getString("cancel_reason"));
    }

    /**
     * Resolves a list of member ids into the award's rows in one statement (duplicates once):
     * PENDING, or SKIPPED with why: {@code not-a-customer} (a partner's award, and the member never
     * earned at that partner, whether or not they exist), {@code unknown-member},
     * {@code member-left}, {@code member-suspended}.
     */
    public Resolved resolveMembers(Connection c, UUID award, List<String> memberIds, String customersOf)
            throws SQLException {
        Array ids = c.createArrayOf("text", memberIds.toArray());
        try {
            return Sql.one(
                            c,
                            "WITH x AS (SELECT DISTINCT unnest(?::text[]) AS member_id), "
                                    + "r AS (SELECT x.member_id, CASE "
                                    + "  WHEN ?::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM earning e "
                                    + "       WHERE e.member_id = x.member_id AND e.partner_id = ?::text) THEN 'not-a-customer' "
                                    + "  WHEN b.member_id IS NULL OR d.member_id IS NULL THEN 'unknown-member' "
                                    + "  WHEN d.status = 'LEFT' THEN 'member-left' "
                                    + "  WHEN d.status = 'SUSPENDED' THEN 'member-suspended' END AS why "
                                    + "  FROM x LEFT JOIN member_balance b ON b.member_id = x.member_id "
                                    + "  LEFT JOIN member_directory d ON d.member_id = x.member_id), "
                                    + "ins AS (INSERT INTO award_member (award, member_id, status, skip_reason) "
                                    + "  SELECT ?, member_id, CASE WHEN why IS NULL THEN 'PENDING' ELSE 'SKIPPED' END, why FROM r "
                                    + "  RETURNING status) "
                                    + "SELECT count(*), count(*) FILTER (WHERE status = 'SKIPPED') FROM ins",
                            rs -> new Resolved(rs.getInt(1), rs.getInt(2)),
                            ids,
                            customersOf,
                            customersOf,
                            award)
                    .orElseThrow();
        } finally {
            ids.free();
        }
    }

    /**
     * Resolves everyone of a grade or segment (as member_directory holds it now) into the award's
     * rows in one statement; for a partner's award only its customers (members who earned there) and, by
     * segment, only those who share with it ({@link #sharedSegmentOnly}).
     * Members who left or are suspended are recorded SKIPPED with why.
     */
    public Resolved resolveStanding(Connection c, UUID award, Audience audience, String value, String customersOf)
            throws SQLException {
        if (audience.column == null) {
            throw new IllegalArgumentException("not a standing audience: " + audience);
        }
        return Sql.one(
                        c,
                        "WITH ins AS (INSERT INTO award_member (award, member_id, status, skip_reason) "
                                + "SELECT ?, d.member_id, CASE WHEN d.status = 'ACTIVE' THEN 'PENDING' ELSE 'SKIPPED' END, "
                                + "  CASE d.status WHEN 'LEFT' THEN 'member-left' WHEN 'SUSPENDED' THEN 'member-suspended' END "
                                + "FROM member_directory d JOIN member_balance b ON b.member_id = d.member_id "
                                + "WHERE d." + audience.column + " = ? "
                                + "  AND (?::text IS NULL OR EXISTS (SELECT 1 FROM earning e "
                                + "       WHERE e.member_id = d.member_id AND e.partner_id = ?::text)) "
                                + sharedSegmentOnly(audience)
                                + "RETURNING status) "
                                + "SELECT count(*), count(*) FILTER (WHERE status = 'SKIPPED') FROM ins",
                        rs -> new Resolved(rs.getInt(1), rs.getInt(2)),
                        award,
                        value,
                        customersOf,
                        customersOf,
                        customersOf,
                        customersOf)
                .orElseThrow();
    }

    /**
     * A partner's award by segment reaches only members who let it see their segment (personalization and sharing
     * with it or with every partner): a segment comes from purchases across the network, and whose card balance
     * rose by the award's points would tell the partner each customer's segment. Takes the partner's id twice.
     */
    private static String sharedSegmentOnly(Audience audience) {
        return audience == Audience.SEGMENT
                ? "  AND (?::text IS NULL OR (d.personalization AND (d.share_with_all_partners "
                        + "OR ?::text = ANY (d.shared_partner_ids)))) "
                : "  AND (?::text IS NULL OR ?::text IS NOT NULL) "; // always true: the same parameters, unused
    }

    /** When the ledger began keeping the history of grades and segments (V13). */
    public Instant standingHistorySince(Connection c) throws SQLException {
        return Sql.one(c, "SELECT since FROM standing_history_start", rs -> Sql.instant(rs, "since"))
                .orElseThrow();
    }

    /**
     * As {@link #resolveStanding}, for the grade or segment members had on {@code asOf}: the value of
     * their last change on or before that day, else the previous value of their first change after
     * it, else (never changed since the history began) their value now. Members who joined after
     * that day ({@code joinedBefore}: the next day's start) were not members then and are left out;
     * a partner's customers are those who had bought from it by then.
     */
    public Resolved resolveStandingAsOf(
            Connection c,
            UUID award,
            Audience audience,
            String value,
            LocalDate asOf,
            Instant joinedBefore,
            String customersOf)
            throws SQLException {
        if (audience.column == null) {
            throw new IllegalArgumentException("not a standing audience: " + audience);
        }
        String kind = audience.name();
        return Sql.one(
                        c,
                        "WITH ins AS (INSERT INTO award_member (award, member_id, status, skip_reason) "
                                + "SELECT ?, d.member_id, CASE WHEN d.status = 'ACTIVE' THEN 'PENDING' ELSE 'SKIPPED' END, "
                                + "  CASE d.status WHEN 'LEFT' THEN 'member-left' WHEN 'SUSPENDED' THEN 'member-suspended' END "
                                + "FROM member_directory d JOIN member_balance b ON b.member_id = d.member_id "
                                + "WHERE coalesce("
                                + "  (SELECT h.value FROM member_standing_history h WHERE h.member_id = d.member_id "
                                + "     AND h.kind = ? AND h.valid_from <= ? ORDER BY h.valid_from DESC LIMIT 1), "
                                + "  (SELECT h.previous_value FROM member_standing_history h WHERE h.member_id = d.member_id "
                                + "     AND h.kind = ? AND h.valid_from > ? ORDER BY h.valid_from LIMIT 1), "
                                + "  CASE WHEN NOT EXISTS (SELECT 1 FROM member_standing_history h WHERE h.member_id = d.member_id "
                                + "     AND h.kind = ?) THEN d." + audience.column + " END) = ? "
                                + "  AND d.joined_at < ? "
                                + "  AND (?::text IS NULL OR EXISTS (SELECT 1 FROM earning e "
                                + "       WHERE e.member_id = d.member_id AND e.partner_id = ?::text AND e.occurred_at < ?)) "
                                + sharedSegmentOnly(audience)
                                + "RETURNING status) "
                                + "SELECT count(*), count(*) FILTER (WHERE status = 'SKIPPED') FROM ins",
                        rs -> new Resolved(rs.getInt(1), rs.getInt(2)),
                        award,
                        kind,
                        asOf,
                        kind,
                        asOf,
                        kind,
                        value,
                        joinedBefore,
                        customersOf,
                        customersOf,
                        joinedBefore,
                        customersOf,
                        customersOf)
                .orElseThrow();
    }

    /** After resolving: the award's size and what was skipped at once; DONE at once if nothing is left to credit. */
    public void recordResolved(Connection c, UUID award, Resolved r, Instant now) throws SQLException {
        boolean done = r.members() == r.skipped();
        Sql.update(
                c,
                "UPDATE award SET members = ?, skipped = ?, status = ?, finished_at = ? WHERE id = ?",
                r.members(),
                r.skipped(),
                done ? "DONE" : "PENDING",
                done ? now : null,
                award);
    }

    /** Awards with members still to credit, oldest first. */
    public List<UUID> openAwards(Connection c, int limit) throws SQLException {
        return Sql.list(
                c,
                "SELECT id FROM award WHERE status <> 'DONE' ORDER BY created_at LIMIT ?",
                rs -> rs.getObject(1, UUID.class),
                limit);
    }

    /**
     * Claims the award's next pending members, in member order (so batches lock members in one
     * order and never deadlock each other), skipping rows another worker holds.
     */
    public List<String> claim(Connection c, UUID award, int limit) throws SQLException {
        return Sql.list(
                c,
                "SELECT member_id FROM award_member WHERE award = ? AND status = 'PENDING' "
                        + "ORDER BY member_id LIMIT ? FOR UPDATE SKIP LOCKED",
                rs -> rs.getString(1),
                award,
                limit);
    }

    /** Marks a claimed member CREDITED with its posting; false if it was not pending (I15 refuses the rest). */
    public boolean markCredited(Connection c, UUID award, String memberId, UUID postingId, Instant now)
            throws SQLException {
        return Sql.update(
                        c,
                        "UPDATE award_member SET status = 'CREDITED', posting_id = ?, done_at = ? "
                                + "WHERE award = ? AND member_id = ? AND status = 'PENDING'",
                        postingId,
                        now,
                        award,
                        memberId)
                == 1;
    }

    public boolean markSkipped(Connection c, UUID award, String memberId, String why, Instant now) throws SQLException {
        return Sql.update(
                        c,
                        "UPDATE award_member SET status = 'SKIPPED', skip_reason = ?, done_at = ? "
                                + "WHERE award = ? AND member_id = ? AND status = 'PENDING'",
                        why,
                        now,
                        award,
                        memberId)
                == 1;
    }

    /** A batch's outcome added to the award (in the batch's transaction); DONE once every member is. */
    public void recordBatch(Connection c, UUID award, int credited, int skipped, Instant now) throws SQLException {
        Sql.update(
                c,
                "UPDATE award SET credited = credited + ?, skipped = skipped + ?, points_credited = points_credited + ? * points, "
                        + "status = CASE WHEN credited + skipped + ? = members THEN 'DONE' ELSE 'RUNNING' END, "
                        + "finished_at = CASE WHEN credited + skipped + ? = members THEN ? END WHERE id = ?",
                credited,
                skipped,
                (long) credited,
                credited + skipped,
                credited + skipped,
                now,
                award);
    }

    /**
     * Cancels the award: its PENDING members become SKIPPED ({@code award-cancelled}), then the
     * award counts them and is DONE. The members' rows first: a batch crediting some of them holds
     * their locks, so this waits for it and finds them CREDITED (a credited member stays credited);
     * batches claim with SKIP LOCKED, so none takes a row this holds. The award's row last, as a
     * batch takes it last: no lock cycle. Answers false (and changes nothing of the award) when it
     * was cancelled meanwhile, or finished: the last batch committed between the caller's read
     * and this, so there was nothing left to cancel.
     */
    public boolean cancel(Connection c, UUID award, String actor, String reason, Instant now) throws SQLException {
        int skipped = Sql.update(
                c,
                "UPDATE award_member SET status = 'SKIPPED', skip_reason = 'award-cancelled', done_at = ? "
                        + "WHERE award = ? AND status = 'PENDING'",
                now,
                award);
        return Sql.update(
                        c,
                        "UPDATE award SET skipped = skipped + ?, status = CASE WHEN credited + skipped + ? = members THEN 'DONE' "
                                + "ELSE status END, finished_at = CASE WHEN credited + skipped + ? = members THEN "
                                + "coalesce(finished_at, ?) END, cancelled_at = ?, cancelled_by = ?, cancel_reason = ? "
                                + "WHERE id = ? AND cancelled_at IS NULL AND status <> 'DONE'",
                        skipped,
                        skipped,
                        skipped,
                        now,
                        now,
                        actor,
                        reason,
                        award)
                == 1;
    }

    /** Skipped members by why (operators see this; partners only counts). */
    public java.util.Map<String, Integer> skippedByReason(Connection c, UUID award) throws SQLException {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (Object[] row : Sql.list(
                c,
                "SELECT skip_reason, count(*) FROM award_member WHERE award = ? AND status = 'SKIPPED' GROUP BY 1",
                rs -> new Object[] {rs.getString(1), rs.getInt(2)},
                award)) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }
}
