package io.pointmesh.events.analytics;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

/**
 * After a grade computation: the lowest 12-month net spend that reached each grade, by grade name (grades are
 * ranks, so these move with the network). Members see from it how far the next grade is.
 */
@RegisterForReflection
public record GradeThresholdsPublished(LocalDate asOf, Map<String, BigDecimal> minimumNetSpend)
        implements AnalyticsEvent {

    /** One stream of thresholds for the network. */
    public static final String NETWORK = "network";

    @Override
    public String aggregateId() {
        return NETWORK;
    }
}
