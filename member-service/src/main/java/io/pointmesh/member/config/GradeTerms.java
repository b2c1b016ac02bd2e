package io.pointmesh.member.config;

import io.smallrye.config.ConfigMapping;

import java.math.BigDecimal;
import java.util.Map;

/** The network's grade terms (platform's shared {@code pointmesh.grades.*}: the ledger applies the same multipliers). */
@ConfigMapping(prefix = "pointmesh.grades")
public interface GradeTerms {

    Map<String, BigDecimal> multipliers();
}
