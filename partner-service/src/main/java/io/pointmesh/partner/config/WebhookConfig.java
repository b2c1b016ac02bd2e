package io.pointmesh.partner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Partner webhooks: delivery schedule, limits and the at-rest key (keys {@code pointmesh.webhooks.*}). */
@ConfigMapping(prefix = "pointmesh.webhooks")
public interface WebhookConfig {

    /**
     * Whether {@code http://} to a loopback address (and loopback addresses at all) may be registered and
     * delivered to: true in dev, test and the local stack (a receiver on this machine), false in prod.
     */
    @WithDefault("false")
    boolean allowHttpLoopback();

    /**
     * The AES-256 key (base64 of 32 bytes) the signing secrets are encrypted with at rest. Required in
     * prod (a Secret); dev and test fall back to a fixed key so the local stack needs none.
     */
    Optional<String> secretKey();

    /** How long a delivery is retried before it is abandoned and its webhook disabled. */
    @WithDefault("PT24H")
    Duration retryWindow();

    /** The first retry's delay; each further one doubles, up to {@link #backoffMax()}, with jitter. */
    @WithDefault("PT5S")
    Duration backoffInitial();

    @WithDefault("PT1H")
    Duration backoffMax();

    /** How often the dispatcher looks for due deliveries. */
    @WithDefault("1s")
    String dispatchEvery();

    /** At most this many deliveries per dispatcher round and instance, sent in parallel. */
    @WithDefault("50")
    int batchSize();

    /** Connect and whole-request timeouts of one attempt; a timeout is a failure. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    @WithDefault("PT10S")
    Duration requestTimeout();

    /** How long an attempt in flight holds its delivery before another instance may try it (a crashed pod). */
    @WithDefault("PT1M")
    Duration lease();

    /**
     * After a rotation, how long the previous secret goes on signing beside the new one unless the
     * request says otherwise ({@code overlap}), and the most a request may ask.
     */
    @WithDefault("PT24H")
    Duration rotationOverlap();

    @WithDefault("PT72H")
    Duration rotationOverlapMax();

    /** At most this many webhooks per partner. */
    @WithDefault("10")
    int maxPerPartner();
}
