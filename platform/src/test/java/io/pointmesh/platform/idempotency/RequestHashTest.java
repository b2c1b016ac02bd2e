package io.pointmesh.platform.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * What makes two requests "the same" for an idempotency key: the same parts in the same order,
 * numbers by value. Stored fingerprints must not change meaning, so one is pinned.
 */
class RequestHashTest {

    @Test
    void numbersCompareByValue() {
        assertEquals(RequestHash.of("p", new BigDecimal("1000")), RequestHash.of("p", new BigDecimal("1000.00")));
        assertEquals(RequestHash.of(new BigDecimal("2.0")), RequestHash.of(new BigDecimal("2")));
        assertNotEquals(RequestHash.of(new BigDecimal("2.5")), RequestHash.of(new BigDecimal("25")));
    }

    @Test
    void partsAreDelimitedAndOrdered() {
        assertNotEquals(RequestHash.of("ab", "c"), RequestHash.of("a", "bc"));
        assertNotEquals(RequestHash.of("a", "b"), RequestHash.of("b", "a"));
        assertNotEquals(RequestHash.of("a"), RequestHash.of("a", ""));
    }

    @Test
    void anAbsentPartIsNotAnEmptyOne() {
        assertNotEquals(RequestHash.of((Object) null), RequestHash.of(""));
        assertNotEquals(RequestHash.of("x", null), RequestHash.of("x", "null"));
    }

    /**
     * 1E+999999999 is 11 characters of JSON and a billion digits in plain form: hashing it must
     * not build that string (a request that exhausts the heap), yet still tell numbers apart.
     */
    @Test
    void aNumberFarOutsideAnyAmountIsHashedInItsShortForm() {
        long started = System.nanoTime();
        String huge = RequestHash.of(new BigDecimal("1E+999999999"));
        String tiny = RequestHash.of(new BigDecimal("1E-999999999"));
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "hashing took a second or more");
        assertEquals("1E999999999", RequestHash.number(new BigDecimal("10E+999999998")));
        assertEquals("1E-999999999", RequestHash.number(new BigDecimal("1E-999999999")));
        assertNotEquals(huge, tiny);
        assertNotEquals(huge, RequestHash.of(new BigDecimal("1E+999999998")));
        // at the edge, plain digits as before
        assertEquals("1" + "0".repeat(63), RequestHash.number(new BigDecimal("1E+63")));
        assertEquals("0." + "0".repeat(63) + "1", RequestHash.number(new BigDecimal("1E-64")));
        assertEquals("1E64", RequestHash.number(new BigDecimal("1E+64")));
    }

    /** Fingerprints are stored with their rows: the same request must give the same one across releases. */
    @Test
    void aStoredFingerprintKeepsItsMeaning() {
        // each part's text (a number without trailing zeros, U+0000 for an absent part) and U+001F after it
        assertEquals(
                java.util.HexFormat.of().formatHex(sha256("p-1\u001f1000\u001f\u0000\u001f")),
                RequestHash.of("p-1", new BigDecimal("1000.000"), null));
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
