package io.pointmesh.partner.service;

import io.pointmesh.partner.config.SettlementConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.YearMonth;

/** The monthly close: the previous month's statements, once the month has ended plus the grace period. */
@ApplicationScoped
public class SettlementJobs {

    /** Who closed a statement the monthly job closed (shown as it is in the partner's own view too). */
    public static final String ACTOR = "system:monthly-close";

    @Inject
    SettlementService settlement;

    @Inject
    SettlementConfig config;

    @Inject
    Clock clock;

    @Scheduled(
            every = "${pointmesh.settlement.monthly-close-every:1h}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> closePreviousMonth() {
        if (!config.monthlyCloseEnabled()) {
            return Uni.createFrom().voidItem();
        }
        YearMonth previous = YearMonth.now(clock.withZone(config.zone())).minusMonths(1);
        if (previous.plusMonths(1)
                .atDay(1)
                .atStartOfDay(config.zone())
                .toInstant()
                .plus(config.closeAfter())
                .isAfter(clock.instant())) {
            return Uni.createFrom().voidItem();
        }
        return settlement.closeMonth(previous, ACTOR).replaceWithVoid();
    }
}
