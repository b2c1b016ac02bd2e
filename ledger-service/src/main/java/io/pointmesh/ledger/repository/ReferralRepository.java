package io.pointmesh.ledger.repository;

import io.pointmesh.platform.sql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The referral bonus: a referred member's first qualifying earning (member_directory.first_earning_id) and
 * the bonus it paid and took back (referral_bonus, one row per referred member, so paid once).
 * Every method runs on the caller's transaction, under the referred member's row lock.
 */
public class ReferralRepository {

    /**
     * Points paid to the referred member and to the referrer (0 where not paid), and the posting's ref (its lots';
     * null for a bonus paid before V20).
     */
    public record PaidBonus(long memberPoints, long referrerPoints, UUID ref) {}

    /**
     * Marks {@code earningId} as the member's first qualifying earning, if they have none yet; answers who
     * referred them (empty when this is not the first, or nobody referred them).
     */
    public Optional<String> claimFirstEarning(Connection c, String memberId, UUID earningId) throws SQLException {
        return Sql.one(
                c,
                "UPDATE member_directory SET first_earning_id = ? WHERE member_id = ? "
                        + "AND first_earning_id IS NULL RETURNING referred_by",
                rs -> rs.getString(1),
                earningId,
                memberId);
    }

    /** False when the member's bonus was already paid (the row's key). */
    public boolean insertBonus(Connection c, String memberId, String referrerId, UUID earningId, Instant now)
            throws SQLException {
        return Sql.update(
                        c,
                        "INSERT INTO referral_bonus (member_id, referrer_id, earning_id, paid_at) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT DO NOTHING",
                        memberId,
                        referrerId,
                        earningId,
                        now)
                != 0;
    }

    public void recordPaid(Connection c, String memberId, long memberPoints, long referrerPoints, UUID ref)
            throws SQLException {
        Sql.update(
                c,
                "UPDATE referral_bonus SET member_points = ?, referrer_points = ?, ref = ? WHERE member_id = ?",
                memberPoints,
                referrerPoints,
                ref,
                memberId);
    }

    /** Marks the bonus paid for {@code earningId} as taken back, once: empty when there is none or it already was. */
    public Optional<PaidBonus> markReversed(Connection c, String memberId, UUID earningId, Instant now)
            throws SQLException {
        return Sql.one(
                c,
                "UPDATE referral_bonus SET reversed_at = ? WHERE member_id = ? AND earning_id = ? "
                        + "AND reversed_at IS NULL RETURNING coalesce(member_points, 0), coalesce(referrer_points, 0), ref",
                rs -> new PaidBonus(rs.getLong(1), rs.getLong(2), rs.getObject(3, UUID.class)),
                now,
                memberId,
                earningId);
    }

    public Optional<String> referrer(Connection c, String memberId) throws SQLException {
        return Sql.one(
                c, "SELECT referrer_id FROM referral_bonus WHERE member_id = ?", rs -> rs.getString(1), memberId);
    }
}
