package io.pointmesh.ledger.service;

import io.pointmesh.events.ledger.SpendingLocked;
import io.pointmesh.ledger.SpendingPin;
import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.AuthorizationRepository;
import io.pointmesh.ledger.repository.AuthorizationRepository.PaymentCodeRow;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.RateLimiter;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The member's say-so before points leave them (docs/ledger.md, "Spending authorization"): the
 * spending PIN, with its lock after wrong tries, and one-time payment codes from the member's app.
 *
 * <p>A wrong PIN is counted in its own transaction, which commits even though the hold is refused:
 * the count and the lock live in the database, so they survive a restart and hold on every instance.
 * Failed proofs also count against the presenting partner ({@link RateLimiter}), so no partner can
 * try PINs across many cards or guess codes.
 */
@ApplicationScoped
public class SpendingAuthorization {

    /** The rate limiter's bucket for failed spending proofs, per partner. */
    static final String FAILED_PROOFS = "failed spending proofs";

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 16 digits: 10^16 codes, of which a handful are live at a time per member. */
    static final int CODE_DIGITS = 16;

    public record PinStatus(boolean set, int failedAttempts, Instant lockedUntil) {}

    public record IssuedCode(String code, Instant expiresAt, Long maxPoints) {}

    @Inject
    Transactions transactions;

    @Inject
    AuthorizationRepository repository;

    @Inject
    ParticipantCheck participants;

    @Inject
    Outbox outbox;

    @Inject
    RateLimiter limiter;

    @Inject
    LedgerConfig config;

    @Inject
    Clock clock;

    // ------------------------------------------------------------------ the member's PIN

    public PinStatus pinStatus(String memberId) {
        Instant now = now();
        return transactions.run(c -> repository
                .findPin(c, memberId)
                .map(p -> new PinStatus(true, p.failedAttempts(), locked(p, now) ? p.lockedUntil() : null))
                .orElse(new PinStatus(false, 0, null)));
    }

    /**
     * Sets the PIN; when one is set, {@code currentPin} must match it (a wrong one counts like any
     * wrong PIN). At most {@code pin-changes-per-member} attempts per hour (each costs two Argon2 hashes).
     */
    public void setPin(String memberId, String pin, String currentPin) {
        SpendingPin.requireAcceptable("pin", pin);
        limiter.acquire(
                "PIN changes", memberId, new RateLimiter.Limit(config.pinChangesPerMember(), Duration.ofHours(1)));
        Instant now = now();
        ProblemException refused = transactions.run(c -> {
            participants.activeMember(c, null, memberId);
            var existing = repository.lockPin(c, memberId);
            if (existing.isPresent()) {
                if (currentPin == null || currentPin.isBlank()) {
                    return ProblemException.invalidField("currentPin", "required to change the PIN");
                }
                ProblemException wrong = check(c, existing.get(), currentPin, now);
                if (wrong != null) {
                    return wrong;
                }
            }
            // hashed only once the current PIN matched: a wrong one costs one hash, not two
            repository.savePin(c, memberId, SpendingPin.hash(pin), now);
            return null;
        });
        if (refused != null) {
            throw refused;
        }
    }

    /** Support: removes a forgotten PIN (and its lock) with a reason; the member sets a new one in the app. */
    public void resetPin(String actor, String memberId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.invalidField("reason", "why the PIN is reset (1 to 500 characters)");
        }
        Instant now = now();
        transactions.run(c -> {
            participants.activeMember(c, null, memberId);
            if (repository.deletePin(c, memberId) == 0) {
                throw ProblemException.conflict("pin-not-set", "member " + memberId + " has no spending PIN");
            }
            repository.recordPinReset(c, memberId, actor, reason.strip(), now);
            return null;
        });
    }

    /**
     * Checks the card holder's PIN for a hold; a wrong PIN is counted (and may lock spending) and
     * committed before the refusal is thrown. Nothing else is written.
     */
    public void verifyPin(String memberId, String pin) {
        requirePinFormat(pin);
        Instant now = now();
        ProblemException refused = transactions.run(c -> {
            var row = repository.lockPin(c, memberId);
            if (row.isEmpty()) {
                return new ProblemException(
                        403,
                        "pin-not-set",
                        "No spending PIN",
                        "the member has not set a spending PIN; they can pay with a payment code from the app",
                        null);
            }
            return check(c, row.get(), pin, now);
        });
        if (refused != null) {
            throw refused;
        }
    }

    /** 400 for anything but 4 to 6 digits, before any card is looked up. */
    public static void requirePinFormat(String pin) {
        if (pin == null || !pin.matches("[0-9]{4,6}")) {
            throw ProblemException.invalidField("pin", "the member's 4 to 6 digit spending PIN");
        }
    }

    /** Compares under the row lock; answers the refusal to throw after commit, or null when the PIN matches. */
    private ProblemException check(Connection c, AuthorizationRepository.PinRow row, String pin, Instant now)
            throws SQLException {
        if (locked(row, now)) {
            // Locked: the PIN is not even compared, so the lock cannot be used to keep guessing.
            return ProblemException.locked(
                    "spending-locked",
                    "spending with the PIN is locked after " + config.pinMaxAttempts() + " wrong PINs, until "
                            + row.lockedUntil(),
                    secondsUntil(row.lockedUntil(), now));
        }
        if (SpendingPin.matches(pin, row.pinHash())) {
            if (row.failedAttempts() > 0 || row.lockedUntil() != null || row.locks() > 0) {
                repository.recordPinAttempt(c, row.memberId(), 0, null, 0, now);
            }
            return null;
        }
        int failed = row.failedAttempts() + 1;
        if (failed >= config.pinMaxAttempts()) {
            int locks = row.locks() + 1;
            Instant until = now.plus(lockFor(locks, config.pinLock(), config.pinLockMax()));
            repository.recordPinAttempt(c, row.memberId(), 0, until, locks, now);
            outbox.publish(c, new SpendingLocked(row.memberId(), failed, until), now);
            return ProblemException.locked(
                    "spending-locked",
                    "wrong PIN; " + failed + " wrong PINs in a row lock spending with the PIN until " + until,
                    secondsUntil(until, now));
        }
        repository.recordPinAttempt(c, row.memberId(), failed, null, row.locks(), now);
        return new ProblemException(
                403,
                "wrong-pin",
                "Wrong PIN",
                "wrong spending PIN; " + (config.pinMaxAttempts() - failed) + " tries left before spending is locked",
                null);
    }

    /**
     * The {@code locks}-th lock in a row without a right PIN: {@code first}, then four times longer each time, at
     * most {@code max} (15 minutes, 1 hour, 4, 16, 64 hours, then a week by default): five guesses a week, not
     * 480 a day.
     */
    static Duration lockFor(int locks, Duration first, Duration max) {
        Duration lock = first;
        for (int i = 1; i < locks && lock.compareTo(max) < 0; i++) {
            lock = lock.multipliedBy(4);
        }
        return lock.compareTo(max) > 0 ? max : lock;
    }

    private static boolean locked(AuthorizationRepository.PinRow row, Instant now) {
        return row.lockedUntil() != null && row.lockedUntil().isAfter(now);
    }

    // ------------------------------------------------------------------ payment codes

    public IssuedCode issuePaymentCode(String memberId, Long maxPoints) {
        if (maxPoints != null && maxPoints <= 0) {
            throw ProblemException.invalidField("maxPoints", "a positive number of points, or absent for no limit");
        }
        Instant now = now();
        Instant expiresAt = now.plus(config.paymentCodeTtl());
        String code = newCode();
        transactions.run(c -> {
            participants.activeMember(c, null, memberId);
            repository.lockForPaymentCodes(c, memberId);
            if (repository.livePaymentCodes(c, memberId, now) >= config.paymentCodeMaxLive()) {
                throw ProblemException.tooManyRequests(
                        "too-many-payment-codes",
                        config.paymentCodeMaxLive() + " payment codes are already valid; use one or let them expire",
                        config.paymentCodeTtl().toSeconds());
            }
            repository.insertPaymentCode(c, hashCode(code), memberId, maxPoints, expiresAt, now);
            return null;
        });
        return new IssuedCode(code, expiresAt, maxPoints);
    }

    /**
     * Within the hold's transaction: the code, locked, if it can pay {@code points} now; null if it
     * is unknown, expired or used (one answer for all three, so nothing tells a guesser which).
     */
    public PaymentCodeRow lockUsableCode(Connection c, String code, long points, Instant now) throws SQLException {
        var row = repository
                .lockPaymentCode(c, hashCode(code))
                .filter(r -> r.redemptionId() == null && r.expiresAt().isAfter(now));
        if (row.isPresent()
                && row.get().maxPoints() != null
                && points > row.get().maxPoints()) {
            throw ProblemException.unprocessable(
                    "payment-code-limit",
                    "Over the code's limit",
                    "the member allowed at most " + row.get().maxPoints() + " points with this code");
        }
        return row.orElse(null);
    }

    /** The refusal of a code that cannot pay (the caller's reserved proof attempt stays spent). */
    public ProblemException invalidCode() {
        return new ProblemException(
                403,
                "invalid-payment-code",
                "Invalid payment code",
                "the payment code is unknown, expired or already used; ask the member for a new one",
                null);
    }

    public void useCode(Connection c, PaymentCodeRow code, java.util.UUID redemptionId) throws SQLException {
        if (!repository.usePaymentCode(c, code.codeHash(), redemptionId)) {
            throw ProblemException.conflict(
                    "payment-code-used", "the payment code was used by another payment at the same moment");
        }
    }

    /**
     * Takes a place in the partner's budget of failed proofs before the proof is checked (429 when
     * the partner's failures used it up). Parallel attempts cannot all pass the check and fail
     * together: failures and attempts in flight never exceed the budget; an attempt that finds the
     * remaining places all in flight waits briefly for one instead of being refused, so a partner
     * with many tills is not refused genuine holds at rush hour. The caller marks the attempt
     * {@code failed()} or {@code succeeded()}; closing it unresolved gives the place back.
     */
    public RateLimiter.Attempt proofAttempt(String partnerId) {
        return limiter.attempt(FAILED_PROOFS, partnerId, proofLimit(), PROOF_WAIT);
    }

    /** How long a proof attempt waits for a place held by attempts in flight (PIN checks take tens of ms). */
    static final Duration PROOF_WAIT = Duration.ofSeconds(2);

    /** What a member who leaves leaves behind here: nothing. */
    public void forget(Connection c, String memberId) throws SQLException {
        repository.deletePin(c, memberId);
        repository.deletePaymentCodes(c, memberId);
    }

    public int purgeExpiredCodes() {
        Instant before = now().minus(Duration.ofDays(1));
        return transactions.run(c -> repository.deleteExpiredPaymentCodes(c, before));
    }

    private RateLimiter.Limit proofLimit() {
        return new RateLimiter.Limit(config.proofFailuresPerPartner(), config.proofFailuresWindow());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static long secondsUntil(Instant until, Instant now) {
        return Math.max(1, Duration.between(now, until).toSeconds() + 1);
    }

    static String newCode() {
        StringBuilder s = new StringBuilder(CODE_DIGITS);
        for (int i = 0; i < CODE_DIGITS; i++) {
            s.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return s.toString();
    }

    static String hashCode(String code) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
