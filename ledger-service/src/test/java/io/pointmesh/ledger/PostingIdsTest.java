package io.pointmesh.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostingIdsTest {

    @Test
    void idsAreVersion7OrderedByTheirMillisecondAndUnique() {
        long t = 1_764_028_800_123L;
        UUID id = PostingIds.at(t);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(t, id.getMostSignificantBits() >>> 16, "the first 48 bits are the time");
        // later ids sort after earlier ones as PostgreSQL compares uuids (bytewise, unsigned)
        UUID later = PostingIds.at(t + 1);
        assertTrue(id.toString().compareTo(later.toString()) < 0);
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(PostingIds.at(t)), "74 random bits: no repeat within a millisecond");
        }
    }
}
