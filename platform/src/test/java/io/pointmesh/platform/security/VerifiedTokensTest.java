package io.pointmesh.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** {@link VerifiedTokens} alone, on a clock the test moves: what is served, and for how long. */
class VerifiedTokensTest {

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();

    static SecurityIdentity identity(String subject, long exp) {
        JsonWebToken jwt = new JsonWebToken() {
            @Override
            public String getName() {
                return subject;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("sub", "exp");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) (name.equals("exp") ? (Object) exp : name.equals("sub") ? subject : null);
            }

            @Override
            public long getExpirationTime() {
                return exp;
            }
        };
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(jwt)
                .addRole("member")
                .addAttribute(VerifiedTokens.ROUTING_CONTEXT, new Object())
                .build();
    }

    VerifiedTokens cache(int maxSize, Duration maxAge) {
        return new VerifiedTokens(true, maxSize, maxAge, clock);
    }

    long inSeconds(long s) {
        return clock.now.getEpochSecond() + s;
    }

    @Test
    void servedUntilTheTokensOwnExpiryAndNotAtIt() {
        VerifiedTokens tokens = cache(100, Duration.ofMinutes(10));
        tokens.remember("t1", identity("alice", inSeconds(30)));
        SecurityIdentity served = tokens.find("t1");
        assertNotNull(served);
        assertEquals("alice", served.getPrincipal().getName());
        assertTrue(served.hasRole("member"));
        assertNull(served.getAttribute(VerifiedTokens.ROUTING_CONTEXT), "the first request's context is not kept");
        clock.now = clock.now.plusSeconds(29);
        assertNotNull(tokens.find("t1"));
        clock.now = clock.now.plusSeconds(1);
        assertNull(tokens.find("t1"), "at exp the token is verified again (and refused) by quarkus-oidc");
        assertEquals(0, tokens.size(), "and its entry is gone");
    }

    @Test
    void servedAtMostMaxAgeAfterItWasVerified() {
        VerifiedTokens tokens = cache(100, Duration.ofSeconds(60));
        tokens.remember("t1", identity("alice", inSeconds(300)));
        clock.now = clock.now.plusSeconds(59);
        assertNotNull(tokens.find("t1"));
        clock.now = clock.now.plusSeconds(1);
        assertNull(tokens.find("t1"), "a withdrawn signing key stops counting within max-age");
    }

    @Test
    void onlyTheExactTextIsServed() {
        VerifiedTokens tokens = cache(100, Duration.ofSeconds(60));
        tokens.remember("header.payload.signature", identity("alice", inSeconds(300)));
        assertNull(tokens.find("header.payload.signaturf"));
        assertNull(tokens.find("header.payload.signature "));
        assertNull(tokens.find("header.payload2.signature"));
        assertNotNull(tokens.find("header.payload.signature"));
        assertEquals(1, tokens.hits());
        assertEquals(3, tokens.misses());
    }

    @Test
    void aTokenWithoutExpiryOrAlreadyExpiredIsNeverKept() {
        VerifiedTokens tokens = cache(100, Duration.ofSeconds(60));
        tokens.remember("no-exp", identity("alice", 0));
        tokens.remember("expired", identity("alice", inSeconds(0)));
        tokens.remember(
                "anonymous",
                QuarkusSecurityIdentity.builder().setAnonymous(true).build());
        assertEquals(0, tokens.size());
        assertNull(tokens.find("no-exp"));
        assertNull(tokens.find("expired"));
    }

    @Test
    void anOutsizedTokenIsVerifiedEveryTime() {
        VerifiedTokens tokens = cache(100, Duration.ofSeconds(60));
        String huge = "h.".concat("p".repeat(VerifiedTokens.MAX_TOKEN_CHARS)).concat(".s");
        tokens.remember(huge, identity("alice", inSeconds(300)));
        assertNull(tokens.find(huge));
        assertEquals(0, tokens.size());
    }

    @Test
    void theKeptIdentityHoldsNothingOfItsRequest() throws ReflectiveOperationException {
        VerifiedTokens tokens = cache(100, Duration.ofSeconds(60));
        SecurityIdentity first = identity("alice", inSeconds(300));
        tokens.remember("t1", first);
        SecurityIdentity kept = tokens.find("t1");
        assertNull(kept.getAttribute(VerifiedTokens.ROUTING_CONTEXT));
        assertEquals(Boolean.TRUE, kept.getAttribute(VerifiedTokens.SERVED));
        assertEquals(first.getPrincipal(), kept.getPrincipal());
        assertEquals(first.getRoles(), kept.getRoles());
        // no permission checker that would reach back to the first identity (and its request)
        assertEquals(List.of(), permissionCheckers(kept));
    }

    static Object permissionCheckers(SecurityIdentity identity) throws ReflectiveOperationException {
        var field = QuarkusSecurityIdentity.class.getDeclaredField("permissionCheckers");
        field.setAccessible(true);
        return field.get(identity);
    }

    @Test
    void memoryIsBounded() {
        VerifiedTokens tokens = cache(50, Duration.ofSeconds(60));
        for (int i = 0; i < 1000; i++) {
            tokens.remember("t" + i, identity("m" + i, inSeconds(300)));
            assertTrue(tokens.size() <= 50, "at most max-size entries");
        }
        // expired entries go first when the cache is full
        VerifiedTokens mixed = cache(3, Duration.ofSeconds(60));
        mixed.remember("short", identity("a", inSeconds(5)));
        mixed.remember("long1", identity("b", inSeconds(300)));
        mixed.remember("long2", identity("c", inSeconds(300)));
        clock.now = clock.now.plusSeconds(10);
        mixed.remember("long3", identity("d", inSeconds(300)));
        assertNotNull(mixed.find("long1"));
        assertNotNull(mixed.find("long3"));
    }

    @Test
    void switchedOffItKeepsAndServesNothing() {
        VerifiedTokens tokens = new VerifiedTokens(false, 100, Duration.ofSeconds(60), clock);
        SecurityIdentity identity = identity("alice", inSeconds(300));
        tokens.remember("t1", identity);
        assertNull(tokens.find("t1"));
        assertEquals(0, tokens.size());
    }
}
