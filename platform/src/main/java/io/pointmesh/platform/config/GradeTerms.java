package io.pointmesh.platform.config;

import io.smallrye.config.ConfigMapping;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The network's grade terms, one key for every service: {@code pointmesh.grades.multipliers.<GRADE>}
 * (defaults in this module's microprofile-config.properties). The ledger applies them to earnings;
 * member-service shows them to members. Which members reach a grade is analytics' ranking
 * ({@code pointmesh.analytics.grades.*-share}).
 */
@ConfigMapping(prefix = "pointmesh.grades")
public interface GradeTerms {

    /** Earn multiplier by grade name (VVIP, VIP, LOYAL, GENERAL); a grade not listed earns 1. */
    Map<String, BigDecimal> multipliers();
}
