package io.pointmesh.ledger.repository;

import io.pointmesh.platform.sql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Spending PINs, payment codes and how each hold was authorized (V4__spending_authorization.sql). */
public class AuthorizationRepository {

    /** {@code locks}: locks in a row without a right PIN between them (V17), which lengthen the next lock. */
    public record PinRow(String memberId, String pinHash, int failedAttempts, Instant lockedUntil, int locks) {}

    public record PaymentCodeRow(
            String codeHash, String memberId, Long maxPoints, Instant expiresAt, UUID redemptionId) {}

    /** The member's PIN row, locked: attempts on one member are counted one after the other. */
    public Optional<PinRow> lockPin(Connection c, String memberId) throws SQLException {
        return Sql.one(
                c, "SELECT * FROM spending_pin WHERE member_id = ? FOR UPDATE", AuthorizationRepository::pin, memberId);
    }

    public Optional<PinRow> findPin(Connection c, String memberId) throws SQLException {
        return Sql.one(c, "SELECT * FROM spending_pin WHERE member_id = ?", AuthorizationRepository::pin, memberId);
    }

    /** Sets (or replaces) the PIN and clears any count and lock. */
    public void savePin(Connection c, String memberId, String pinHash, Instant now) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO spending_pin (member_id, pin_hash, failed_attempts, locked_until, updated_at) VALUES (?, ?, 0, NULL, ?) "
                        + "ON CONFLICT (member_id) DO UPDATE SET pin_hash = EXCLUDED.pin_hash, failed_attempts = 0, locked_until = NULL, locks = 0, "
                        + "updated_at = EXCLUDED.updated_at",
                memberId,
                pinHash,
                now);
    }

    public void recordPinAttempt(
            Connection c, String memberId, int failedAttempts, Instant lockedUntil, int locks, Instant now)
            throws SQLException {
        Sql.update(
                c,
                "UPDATE spending_pin SET failed_attempts = ?, locked_until = ?, locks = ?, updated_at = ? WHERE member_id = ?",
                failedAttempts,
                lockedUntil,
                locks,
                now,
                memberId);
    }

    public void recordPinReset(Connection c, String memberId, String actor, String reason, Instant now)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO spending_pin_reset (member_id, actor, reason, reset_at) VALUES (?, ?, ?, ?)",
                memberId,
                actor,
                reason,
                now);
    }

    public int deletePin(Connection c, String memberId) throws SQLException {
        return Sql.update(c, "DELETE FROM spending_pin WHERE member_id = ?", memberId);
    }

    public void insertPaymentCode(
            Connection c, String codeHash, String memberId, Long maxPoints, Instant expiresAt, Instant now)
            throws SQLException {
        Sql.update(
                c,
                "INSERT INTO payment_code (code_hash, member_id, max_points, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                codeHash,
                memberId,
                maxPoints,
                expiresAt,
                now);
    }

    /**
     * Takes the member's directory row for the rest of the transaction, so that two code issuances are counted one
     * after the other (without it, racing requests all see the same count and pass the limit together).
     * {@code NO KEY UPDATE}: postings' foreign-key checks on the row are not blocked.
     */
    public void lockForPaymentCodes(Connection c, String memberId) throws SQLException {
        Sql.list(c, "SELECT 1 FROM member_directory WHERE member_id = ? FOR NO KEY UPDATE", rs -> 1, memberId);
    }

    public long livePaymentCodes(Connection c, String memberId, Instant now) throws SQLException {
        return Sql.scalarLong(
                c,
                "SELECT count(*) FROM payment_code WHERE member_id = ? AND expires_at > ? AND redemption_id IS NULL",
                memberId,
                now);
    }

    /** The code, locked: two partners presenting the same code are decided one after the other. */
    public Optional<PaymentCodeRow> lockPaymentCode(Connection c, String codeHash) throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM payment_code WHERE code_hash = ? FOR UPDATE",
                rs -> new PaymentCodeRow(
                        rs.getString("code_hash"),
                        rs.getString("member_id"),
                        rs.getObject("max_points", Long.class),
                        Sql.instant(rs, "expires_at"),
                        rs.getObject("redemption_id", UUID.class)),
                codeHash);
    }

    /** Marks the code used by the hold (I13: once; a second use finds redemption_id set). */
    public boolean usePaymentCode(Connection c, String codeHash, UUID redemptionId) throws SQLException {
        return Sql.update(
                        c,
                        "UPDATE payment_code SET redemption_id = ? WHERE code_hash = ? AND redemption_id IS NULL",
                        redemptionId,
                        codeHash)
                == 1;
    }

    public int deleteExpiredPaymentCodes(Connection c, Instant before) throws SQLException {
        return Sql.update(c, "DELETE FROM payment_code WHERE expires_at < ?", before);
    }

    public int deletePaymentCodes(Connection c, String memberId) throws SQLException {
        return Sql.update(c, "DELETE FROM payment_code WHERE member_id = ?", memberId);
    }

    private static PinRow pin(java.sql.ResultSet rs) throws SQLException {
        return new PinRow(
                rs.getString("member_id"),
                rs.getString("pin_hash"),
                rs.getInt("failed_attempts"),
                Sql.instant(rs, "locked_until"),
                rs.getInt("locks"));
    }
}
