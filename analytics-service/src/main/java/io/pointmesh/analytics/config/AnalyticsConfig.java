package io.pointmesh.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.ZoneId;

/** Marketing definitions (keys {@code pointmesh.analytics.*}; every threshold is described in docs/analytics.md). */
@ConfigMapping(prefix = "pointmesh.analytics")
public interface AnalyticsConfig {

    /** Where a purchase's day, week and month are counted. */
    @WithDefault("Asia/Seoul")
    ZoneId zone();

    Grades grades();

    /**
     * The grade cut-offs: the share of the members ranked by 12-month net spend (the top first)
     * that reaches each grade, rank <= ceil(share x N); the rest are GENERAL. Checked at start:
     * 0 < vvip-share < vip-share < loyal-share <= 1. (The earn multiplier each grade gets is the
     * network's pointmesh.grades.multipliers.*, applied by the ledger.)
     */
    interface Grades {
        @WithDefault("0.05")
        BigDecimal vvipShare();

        @WithDefault("0.20")
        BigDecimal vipShare();

        @WithDefault("0.40")
        BigDecimal loyalShare();
    }

    Segments segments();

    /** Strategic segment thresholds, in days before {@code asOf}. */
    interface Segments {
        /** A first purchase at most this long ago: NEW. */
        @WithDefault("90")
        int newDays();

        /** A last purchase at most this long ago: ACTIVE (or NEW, or REACTIVATED). */
        @WithDefault("90")
        int activeDays();

        /** A last purchase more than activeDays and at most this long ago: DORMANT; longer: CHURNED. */
        @WithDefault("180")
        int churnDays();

        /** A recent purchase after a silence at least this long: REACTIVATED. */
        @WithDefault("180")
        int reactivationGapDays();
    }

    Dashboard dashboard();

    /** The dashboard's login: a public OIDC client (authorization code with PKCE) in the network's realm. */
    interface Dashboard {
        @WithDefault("pointmesh-dashboard")
        String clientId();

        /** The realm's URL as browsers reach it (default: pointmesh.oidc.url, as the services reach it). */
        java.util.Optional<String> oidcUrl();
    }

    /**
     * k: the fewest distinct members a row a partner sees may describe (docs/privacy.md). Rows about
     * fewer are left out of partners' reports; operators' reports suppress only demographic groups,
     * store profiles and other partners' shared customers under it.
     */
    @WithDefault("10")
    int minimumGroup();

    /**
     * Heavy requests (reports, campaign results and lift, the churn-risk ranking) one partner may have being
     * answered at once; more are 429 at once, so one partner's loop cannot take every database connection.
     * Operators are not counted. Six: a partner's dashboard asks for its three reports at once, and two of its
     * staff may load it together; the pool has twelve connections (%prod).
     */
    @WithDefault("6")
    int maxHeavyInFlightPerPartner();

    /** The shortest window (days) a partner's report may cover; shorter is refused (400). */
    @WithDefault("7")
    int minimumWindowDays();

    /** Different report answers (another report, or the same one whose answer changed) one partner may have per day; the same answer again is free. */
    @WithDefault("200")
    int distinctReportsPerDay();

    /**
     * Epsilon of the discrete Laplace noise added to each count a partner sees that its own purchase
     * records do not already tell it (demographics, grades, segments, flows, risk, cross-partner
     * reach, store profiles): P(noise = x) proportional to exp(-epsilon |x|).
     */
    @WithDefault("0.5")
    double noiseEpsilon();

    /**
     * The key the noise is derived from (HMAC-SHA256); the same on every instance so that a report
     * answers the same noise wherever it is asked. Unset: a random key per process.
     */
    java.util.Optional<String> noiseSecret();

    Reports reports();

    /**
     * Report snapshots (docs/analytics.md, "Report snapshots"): HTTP's stale-while-revalidate for
     * reports. Both durations 0 (the default; prod sets them in application.properties): every
     * report is computed on its request and nothing is stored.
     */
    interface Reports {
        /** A snapshot younger than this is served as is. */
        @WithDefault("0s")
        java.time.Duration maxAge();

        /** Older than max-age by less than this: served, and recomputed in the background (once per key). */
        @WithDefault("0s")
        java.time.Duration staleWhileRevalidate();

        /** Background recomputations at once (each is one report's statements on one connection). */
        @WithDefault("1")
        int refreshWorkers();

        /** Recomputations waiting for a worker beyond this are dropped (the next stale request asks again). */
        @WithDefault("64")
        int refreshQueue();

        /** Whether the default-window reports (network, each partner) are computed ahead: after a regrade, and daily when missing. */
        @WithDefault("true")
        boolean precompute();

        /** How often today's default reports are looked for (and computed when missing; read by the scheduler). */
        @WithDefault("10m")
        String precomputeEvery();

        /** The first look after start (read by the scheduler). */
        @WithDefault("1m")
        String precomputeDelay();
    }

    /** How often grades, segments and churn scores are recomputed (as of today). */
    @WithDefault("24h")
    String recomputeEvery();
}
