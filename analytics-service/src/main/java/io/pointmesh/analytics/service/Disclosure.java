package io.pointmesh.analytics.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a report may show to whoever asked (docs/privacy.md). Operators see every figure as computed
 * ({@link #exact}). A partner ({@link #partner}) sees:
 * <ul>
 * <li>figures its own purchase records already tell it (customers, sales, RFM, purchase cycle, its
 * own cohorts...) exactly, but only in rows about at least k distinct members ({@link #shown});</li>
 * <li>counts its records do not tell it (demographics, grades, segments, flows, risk, shared
 * customers at other partners, store profiles) with discrete Laplace noise ({@link #count}): only
 * when the true count is at least k and the noisy one too. The noise is a deterministic function
 * of a secret key, the report (partner, kind, window, the set of customers it covers), the row
 * and the row's true value, so asking the same report again answers the same figures, and two
 * reports or polls that differ in anything at all (a window, a customer, the value itself) carry
 * independent noise: their difference is masked.</li>
 * </ul>
 * A dropped row is left out entirely: neither its label nor its value appears.
 */
final class Disclosure {

    final boolean partner;
    final int k;
    private final double epsilon;
    private final byte[] key;
    private final String context;

    private Disclosure(boolean partner, int k, double epsilon, byte[] key, String context) {
        this.partner = partner;
        this.k = k;
        this.epsilon = epsilon;
        this.key = key;
        this.context = context;
    }

    /** Operators: every figure as computed. */
    static Disclosure exact(int k) {
        return new Disclosure(false, k, 0, null, null);
    }

    /**
     * A partner's view of figures shown exactly or not at all (campaign results and lift: only
     * {@link #shown}); it has no noise key, so {@link #count} and {@link #total} are not for it.
     */
    static Disclosure partnerThresholdOnly(int k) {
        return new Disclosure(true, k, 0, null, null);
    }

    /** A partner's view; {@code context} names the report (partner, kind, window, fingerprint of its customers). */
    static Disclosure partner(int k, double epsilon, byte[] key, String context) {
        return new Disclosure(true, k, epsilon, key, context);
    }

    /** Whether a row of exact figures about {@code members} distinct members may be shown. */
    boolean shown(long members) {
        return !partner || members >= k;
    }

    /**
     * A count of members the partner's own records do not tell it: exact for operators; for a
     * partner the noisy count, or null (the row is dropped) when the true or the noisy count is under k.
     */
    Long count(String row, long n) {
        if (!partner) {
            return n;
        }
        if (n < k) {
            return null;
        }
        long noisy = n + noise(row, n);
        return noisy < k ? null : noisy;
    }

    /** A total used only as a denominator (never shown by itself): exact for operators, noisy and at least 1 for a partner. */
    long total(String row, long n) {
        return partner ? Math.max(1, n + noise(row, n)) : n;
    }

    /**
     * The noise of a row showing the true value {@code n}. The value is part of the key because some
     * rows depend on more than the report's own customers (a customer's segment moves with a purchase
     * anywhere in the network; shared customers with a purchase at the other partner): keyed only by
     * the report, such a row would keep its noise while its value moved, and two polls of one report
     * would differ by the exact change (one customer bought elsewhere). Asked again with the same value,
     * the same noise: nothing to average.
     */
    long noise(String row, long n) {
        return noise(row + "|n=" + n);
    }

    /** The noise of one row: the difference of two geometric variables, P(x) proportional to exp(-epsilon |x|). */
    long noise(String row) {
        if (key == null) {
            throw new IllegalStateException("a threshold-only view has no noise");
        }
        byte[] h = hmac(context + "|" + row);
        double lnAlpha = -epsilon;
        long g1 = (long) Math.floor(Math.log(uniform(h, 0)) / lnAlpha);
        long g2 = (long) Math.floor(Math.log(uniform(h, 8)) / lnAlpha);
        return g1 - g2;
    }

    /** A uniform number in (0, 1] from 53 bits of the hash. */
    private static double uniform(byte[] h, int offset) {
        long bits = ByteBuffer.wrap(h, offset, 8).getLong() >>> 11;
        return (bits + 1.0) / (1L << 53);
    }

    private byte[] hmac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
