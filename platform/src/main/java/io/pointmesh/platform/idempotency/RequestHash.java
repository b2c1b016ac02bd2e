package io.pointmesh.platform.idempotency;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fingerprint of a request's meaning, stored with its idempotency key: a retry with the same
 * key must carry the same fingerprint, or it is a different request reusing the key (409).
 * Numbers are normalized (1000 and 1000.00 are the same amount). Every service's idempotent
 * writes use this one (the ledger's postings, partner-service's creates and rotations), so a
 * stored fingerprint means the same everywhere.
 */
public final class RequestHash {

    private RequestHash() {}

    public static String of(Object... parts) {
        StringBuilder s = new StringBuilder();
        for (Object part : parts) {
            Object p = part instanceof BigDecimal d ? number(d) : part;
            s.append(p == null ? "\u0000" : p.toString()).append('\u001f');
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Digits a number may have on either side of its point before it is written in exponent form. */
    static final int PLAIN_DIGITS = 64;

    /**
     * A number by its value, in plain digits; one far outside any amount (1E+999999999 is 11
     * characters of JSON, and a billion digits in plain form) in exponent form instead, so hashing
     * never costs more than its input. A plain form has no 'E', so the two never collide.
     */
    static String number(BigDecimal d) {
        BigDecimal n = d.stripTrailingZeros();
        if (Math.abs((long) n.scale()) > PLAIN_DIGITS || n.precision() - (long) n.scale() > PLAIN_DIGITS) {
            return n.unscaledValue() + "E" + (-(long) n.scale());
        }
        return n.toPlainString();
    }
}
