package io.pointmesh.events.analytics;

import io.pointmesh.events.Grade;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.LocalDate;

/** A member's value grade changed; the ledger applies the new earn multiplier. */
@RegisterForReflection
public record GradeChanged(
        String memberId, Grade previousGrade, Grade grade, LocalDate asOf, BigDecimal netSpend12Months)
        implements AnalyticsEvent {

    @Override
    public String aggregateId() {
        return memberId;
    }
}
