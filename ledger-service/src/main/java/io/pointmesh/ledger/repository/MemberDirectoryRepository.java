package io.pointmesh.ledger.repository;

import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Writes the ledger's copy of members and cards as member.events and analytics.events tell it
 * (reads are in {@link DirectoryRepository}). Every method runs on the caller's transaction.
 */
@ApplicationScoped
public class MemberDirectoryRepository {

    /** A member who joined, ACTIVE; a redelivered join changes nothing. */
    public void addMember(Connection c, String memberId, String referredBy, Instant joinedAt) throws SQLException {
        if (Sql.update(
                        c,
                        "INSERT INTO member_directory (member_id, status, referred_by, joined_at) VALUES (?, 'ACTIVE', ?, ?) "
                                + "ON CONFLICT DO NOTHING",
                        memberId,
                        referredBy,
                        joinedAt)
                == 0) {
            return;
        }
        // a grade or segment computed before this member's join reached the ledger (analytics.events and
        // member.events are separate topics): it was recorded in the standing history, and applies now
        Sql.update(
                c,
                "UPDATE member_directory d SET "
                        + "grade = coalesce(g.value, d.grade), grade_as_of = g.valid_from, "
                        + "segment = coalesce(s.value, d.segment), segment_as_of = s.valid_from "
                        + "FROM (SELECT 1) one "
                        + "LEFT JOIN LATERAL (SELECT value, valid_from FROM member_standing_history WHERE member_id = ? "
                        + "AND kind = 'GRADE' ORDER BY valid_from DESC LIMIT 1) g ON true "
                        + "LEFT JOIN LATERAL (SELECT value, valid_from FROM member_standing_history WHERE member_id = ? "
                        + "AND kind = 'SEGMENT' ORDER BY valid_from DESC LIMIT 1) s ON true "
                        + "WHERE d.member_id = ? AND (g.value IS NOT NULL OR s.value IS NOT NULL)",
                memberId,
                memberId,
                memberId);
    }

    /** Suspended as of {@code at}, unless a later status change is stored (a late event does not undo it; V18). */
    public void suspend(Connection c, String memberId, Instant at) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_directory SET status = 'SUSPENDED', status_at = ? WHERE member_id = ? AND status = 'ACTIVE' "
                        + "AND (status_at IS NULL OR status_at <= ?)",
                at,
                memberId,
                at);
    }

    /** Active again as of {@code at}, unless a later status change is stored (V18). */
    public void reinstate(Connection c, String memberId, Instant at) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_directory SET status = 'ACTIVE', status_at = ? WHERE member_id = ? AND status = 'SUSPENDED' "
                        + "AND (status_at IS NULL OR status_at <= ?)",
                at,
                memberId,
                at);
    }

    /** The member left the network: their status says so, whatever it was, for good. */
    public void markLeft(Connection c, String memberId, Instant at) throws SQLException {
        Sql.update(c, "UPDATE member_directory SET status = 'LEFT', status_at = ? WHERE member_id = ?", at, memberId);
    }

    /**
     * The member's grade from a computation as of {@code asOf}, unless the one stored comes from a
     * later computation (a late or replayed event; V15). An event without a date applies as before.
     */
    public void setGrade(Connection c, String memberId, String grade, java.time.LocalDate asOf) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_directory SET grade = ?, grade_as_of = coalesce(CAST(? AS date), grade_as_of) "
                        + "WHERE member_id = ? AND (grade_as_of IS NULL OR CAST(? AS date) IS NULL "
                        + "OR grade_as_of <= CAST(? AS date))",
                grade,
                asOf,
                memberId,
                asOf,
                asOf);
    }

    /** The member's segment, by the same rule as {@link #setGrade}. */
    public void setSegment(Connection c, String memberId, String segment, java.time.LocalDate asOf)
            throws SQLException {
        Sql.update(
                c,
                "UPDATE member_directory SET segment = ?, segment_as_of = coalesce(CAST(? AS date), segment_as_of) "
                        + "WHERE member_id = ? AND (segment_as_of IS NULL OR CAST(? AS date) IS NULL "
                        + "OR segment_as_of <= CAST(? AS date))",
                segment,
                asOf,
                memberId,
                asOf,
                asOf);
    }

    /**
     * Records a change of grade or segment ({@code kind} GRADE or SEGMENT) from {@code validFrom}
     * on; a second change of the same day replaces the first's value and keeps its previous one.
     */
    public void recordStanding(
            Connection c, String memberId, String kind, java.time.LocalDate validFrom, String value, String previous)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO member_standing_history (member_id, kind, valid_from, value, previous_value) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id, kind, valid_from) DO UPDATE SET value = EXCLUDED.value",
                memberId,
                kind,
                validFrom,
                value,
                previous);
    }

    /**
     * The member's consent as a joint campaign reads it (member.consent-changed carries it whole), as of {@code at},
     * unless a later consent is stored: a late event does not bring back a consent withdrawn since (V18).
     */
    public void setConsent(
            Connection c,
            String memberId,
            boolean personalization,
            boolean shareWithAll,
            List<String> sharedPartnerIds,
            Instant at)
            throws SQLException {
        try (var ps =
                c.prepareStatement("UPDATE member_directory SET personalization = ?, share_with_all_partners = ?, "
                        + "shared_partner_ids = ?, consent_at = ? WHERE member_id = ? "
                        + "AND (consent_at IS NULL OR consent_at <= ?)")) {
            ps.setBoolean(1, personalization);
            ps.setBoolean(2, shareWithAll);
            ps.setArray(
                    3,
                    c.createArrayOf(
                            "text", (sharedPartnerIds == null ? List.<String>of() : sharedPartnerIds).toArray()));
            ps.setTimestamp(4, java.sql.Timestamp.from(at));
            ps.setString(5, memberId);
            ps.setTimestamp(6, java.sql.Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /**
     * A card of the member's, active; blocked at once if the member left (a card event applied late, a replay). A
     * card already known changes nothing: a redelivered issue, and a late one (a replayed dead letter) of a card
     * blocked since, which stays blocked (its row is the tombstone {@link #blockCard} leaves).
     */
    public void issueCard(Connection c, String cardNumber, String memberId) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO card (card_number, member_id, status) SELECT ?, ?, CASE WHEN EXISTS (SELECT 1 FROM "
                        + "member_directory WHERE member_id = ? AND status = 'LEFT') THEN 'BLOCKED' ELSE 'ACTIVE' END "
                        + "ON CONFLICT DO NOTHING",
                cardNumber,
                memberId,
                memberId);
    }

    /**
     * The member's card is blocked for good (replaced). A card not known yet (its issue was dead-lettered, or is
     * still to come) is recorded BLOCKED, a tombstone: the issue applied later (a replayed letter) finds it and
     * changes nothing, so a lost card never works again.
     */
    public void blockCard(Connection c, String cardNumber, String memberId) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO card (card_number, member_id, status) VALUES (?, ?, 'BLOCKED') "
                        + "ON CONFLICT (card_number) DO UPDATE SET status = 'BLOCKED'",
                cardNumber,
                memberId);
    }

    public void blockCards(Connection c, String memberId) throws SQLException {
        Sql.update(c, "UPDATE card SET status = 'BLOCKED' WHERE member_id = ?", memberId);
    }
}
