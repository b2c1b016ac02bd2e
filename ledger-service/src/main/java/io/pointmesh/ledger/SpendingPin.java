package io.pointmesh.ledger;

import io.pointmesh.platform.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A member's spending PIN (OK Cashbag's point password): 4 to 6 digits, not trivial, kept only as
 * an Argon2id hash in PHC form ({@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, invariant I12).
 *
 * <p>A 4-6 digit PIN has at most a million values, so no hash stops an offline search by someone who
 * has stolen the table; the hash keeps PINs out of backups and logs and makes such a search cost
 * hours per member. What protects a PIN is online: five wrong tries lock spending (SpendingAuthorization).
 * The work factor follows OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane).
 */
public final class SpendingPin {

    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    /**
     * Argon2id takes 19 MiB per hash: at most this many run at once (a quarter of the heap), so a
     * flood of PIN requests queues instead of exhausting memory; a request that waits too long is
     * answered 503 with Retry-After.
     */
    private static final Semaphore MEMORY =
            new Semaphore((int) Math.max(2, Runtime.getRuntime().maxMemory() / 4 / (MEMORY_KIB * 1024L)), true);

    private SpendingPin() {}

    /** Refuses (400) anything but 4-6 digits, one digit repeated, or a straight run (1234, 987654, 8901). */
    public static void requireAcceptable(String field, String pin) {
        if (pin == null || !pin.matches("[0-9]{4,6}")) {
            throw ProblemException.invalidField(field, "4 to 6 digits");
        }
        if (isTrivial(pin)) {
            throw new ProblemException(
                    400,
                    "trivial-pin",
                    "PIN too easy to guess",
                    field
                            + ": one digit repeated or a straight run (such as 1111 or 123456) is refused; choose another",
                    null);
        }
    }

    public static boolean isTrivial(String pin) {
        boolean same = true;
        boolean up = true;
        boolean down = true;
        for (int i = 1; i < pin.length(); i++) {
            int d = pin.charAt(i) - pin.charAt(i - 1);
            same &= d == 0;
            up &= d == 1 || d == -9;
            down &= d == -1 || d == 9;
        }
        return same || up || down;
    }

    /** A new salted Argon2id hash of the PIN, in PHC form. */
    public static String hash(String pin) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] out = argon2(pin, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Whether {@code pin} matches the stored PHC hash (its own parameters, so the work factor can be raised later). */
    public static boolean matches(String pin, String phc) {
        if (pin == null || phc == null) {
            return false;
        }
        String[] parts = phc.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !"argon2id".equals(parts[1])) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            int value = Integer.parseInt(kv.substring(2));
            switch (kv.charAt(0)) {
                case 'm' -> m = value;
                case 't' -> t = value;
                case 'p' -> p = value;
                default -> {
                    return false;
                }
            }
        }
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = argon2(pin, B64D.decode(parts[4]), m, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] argon2(String pin, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        try {
            if (!MEMORY.tryAcquire(5, TimeUnit.SECONDS)) {
                throw ProblemException.unavailable("busy", "too many PIN checks at once; try again", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try {
            return argon2Now(pin, salt, memoryKib, iterations, parallelism, length);
        } finally {
            MEMORY.release();
        }
    }

    private static byte[] argon2Now(
            String pin, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(pin.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
