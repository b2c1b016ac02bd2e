package io.pointmesh.partner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;

/** Settlement terms and schedule (keys {@code pointmesh.settlement.*}, settable by environment). */
@ConfigMapping(prefix = "pointmesh.settlement")
public interface SettlementConfig {

    /** Where a day and a month begin for statement periods. */
    @WithDefault("Asia/Seoul")
    ZoneId zone();

    /** The network's fee on the points a partner issues, as a fraction (0.05 = 5 %). */
    @WithDefault("0.05")
    BigDecimal networkFeeRate();

    /** What one point is worth in the settlement currency (the domain's 1 point = 1 currency unit). */
    @WithDefault("1")
    BigDecimal pointValue();

    /** ISO 4217 code of the settlement currency. */
    @WithDefault("KRW")
    String currency();

    /**
     * How long after a period ends it may be closed: time for the last postings' events to cross
     * the ledger's outbox. A fact that still arrives later is counted in the partner's next statement.
     */
    @WithDefault("PT1H")
    Duration closeAfter();

    /**
     * Whether this instance closes the previous month by itself. The job looks every
     * {@code pointmesh.settlement.monthly-close-every} (default 1h) and closes what is still open
     * once the month has ended plus {@link #closeAfter()}: a replica that was down on the 1st
     * catches up, and replicas running it at once are serialized by the partner row lock.
     */
    @WithDefault("true")
    boolean monthlyCloseEnabled();
}
