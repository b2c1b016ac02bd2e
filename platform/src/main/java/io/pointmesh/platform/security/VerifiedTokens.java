package io.pointmesh.platform.security;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Bearer tokens already verified by quarkus-oidc, by their whole text, so that a partner's POS
 * sending one token for five minutes has it parsed and its RSA signature checked once, not on
 * every request (issue 17: the token check was 26 % of the ledger's CPU samples under load).
 *
 * <p>Why this is safe (docs/security.md, "Verified tokens"): the key is the token's complete
 * text, signature included, so only a byte-identical copy of a token the OIDC provider's keys
 * verified is served; an entry is served only before the token's own {@code exp} and at most
 * {@code max-age} after it was verified; a refused token is never stored. What is kept is
 * quarkus-oidc's own identity, before any augmentor, and every augmentor runs again on each
 * request, so the operator-client rule is applied to every request. One OIDC tenant per service,
 * no DPoP or certificate-bound tokens: either would need its check on a served token too.
 */
@ApplicationScoped
public class VerifiedTokens {

    /** Marks an identity served from here, so that {@link VerifiedTokenRecorder} does not store it again. */
    static final String SERVED = "pointmesh.verified-token";

    /** Attributes of the request an identity was made for: replaced by the current request's when served. */
    static final String ROUTING_CONTEXT = RoutingContext.class.getName();

    static final String REQUEST_CONTEXT = AuthenticationRequestContext.class.getName();

    /** Longer tokens are verified every time (the realm's are 1-2 KB). */
    static final int MAX_TOKEN_CHARS = 8192;

    private record Entry(SecurityIdentity identity, long servedUntilMillis) {}

    private final boolean enabled;
    private final int maxSize;
    private final long maxAgeMillis;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    @Inject
    VerifiedTokens(
            @ConfigProperty(name = "pointmesh.security.verified-tokens.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "pointmesh.security.verified-tokens.max-size", defaultValue = "4096") int maxSize,
            @ConfigProperty(name = "pointmesh.security.verified-tokens.max-age", defaultValue = "60S") Duration maxAge,
            Instance<MeterRegistry> registry) {
        this(enabled, maxSize, maxAge, Clock.systemUTC());
        if (registry.isResolvable()) {
            FunctionCounter.builder("pointmesh.security.verified.tokens", hits, LongAdder::sum)
                    .description("Bearer tokens served from the verified-token cache (hit) or verified by OIDC (miss)")
                    .tag("result", "hit")
                    .register(registry.get());
            FunctionCounter.builder("pointmesh.security.verified.tokens", misses, LongAdder::sum)
                    .description("Bearer tokens served from the verified-token cache (hit) or verified by OIDC (miss)")
                    .tag("result", "miss")
                    .register(registry.get());
        }
    }

    VerifiedTokens(boolean enabled, int maxSize, Duration maxAge, Clock clock) {
        this.enabled = enabled;
        this.maxSize = maxSize;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
    }

    /** The identity verified for exactly this token text, if it is still to be served; else null. */
    SecurityIdentity find(String token) {
        if (!enabled) {
            return null;
        }
        Entry entry = entries.get(token);
        if (entry == null) {
            misses.increment();
            return null;
        }
        if (clock.millis() >= entry.servedUntilMillis()) {
            entries.remove(token, entry);
            misses.increment();
            return null;
        }
        hits.increment();
        return entry.identity();
    }

    /** Keeps the identity quarkus-oidc made for this token (before any augmentor), until its expiry or max-age. */
    void remember(String token, SecurityIdentity identity) {
        if (!enabled || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return; // no expiry to bound it by: verified every time
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return; // an outsized token is not worth the memory: verified every time
        }
        long now = clock.millis();
        long until = Math.min(jwt.getExpirationTime() * 1000, now + maxAgeMillis);
        if (until <= now) {
            return;
        }
        if (entries.size() >= maxSize) {
            entries.values().removeIf(e -> e.servedUntilMillis() <= now);
            if (entries.size() >= maxSize) {
                entries.clear(); // bounded memory; the next requests verify again
            }
        }
        entries.put(token, new Entry(kept(identity), until));
    }

    /**
     * A copy that holds nothing of the request it was made for: not its routing context, and not the
     * identity itself ({@code builder(identity)} would keep it, and with it the whole request, as a
     * permission checker). Permissions are copied as a set; none of the services checks any.
     */
    static SecurityIdentity kept(SecurityIdentity identity) {
        Map<String, Object> attributes = new java.util.HashMap<>(identity.getAttributes());
        attributes.remove(ROUTING_CONTEXT);
        attributes.remove(REQUEST_CONTEXT);
        attributes.put(SERVED, Boolean.TRUE);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addRoles(identity.getRoles())
                .addCredentials(identity.getCredentials())
                .addPermissions(identity.getPermissions())
                .addAttributes(attributes)
                .build();
    }

    boolean enabled() {
        return enabled;
    }

    /** Tokens served from the cache since start. */
    public long hits() {
        return hits.sum();
    }

    /** Tokens verified by quarkus-oidc since start (not found, or no longer to be served). */
    public long misses() {
        return misses.sum();
    }

    int size() {
        return entries.size();
    }
}
