package io.pointmesh.ledger;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Ids of postings (earnings, redemptions, reversals, member operations: the {@code ref} of their
 * transfers and lots): version 7 UUIDs (RFC 9562), whose first 48 bits are the time in
 * milliseconds. Rows written together then sit together in the indexes keyed by them (the
 * earning's and redemption's primary keys, {@code transfer.ref}, {@code lot.ref}): an insert
 * touches the index's right edge, already in memory, instead of a random page of an index larger
 * than the cache (and, after each checkpoint, writes a whole-page image to the WAL for it). The
 * other 74 bits are random from a {@link SecureRandom}, so ids stay unguessable; an id tells when
 * it was made, which its row says anyway.
 */
public final class PostingIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private PostingIds() {}

    public static UUID next() {
        return at(Clock.systemUTC().millis());
    }

    static UUID at(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 // unix_ts_ms
                | 0x7000L // version 7
                | ((random[0] & 0x0FL) << 8)
                | (random[1] & 0xFFL); // rand_a, 12 bits
        long low = 0x8000_0000_0000_0000L; // variant 10
        for (int i = 2; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        low = 0x8000_0000_0000_0000L | (low & 0x3FFF_FFFF_FFFF_FFFFL); // rand_b, 62 bits
        return new UUID(high, low);
    }
}
