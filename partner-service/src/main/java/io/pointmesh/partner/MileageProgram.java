package io.pointmesh.partner;

import java.math.BigDecimal;

/** A mileage partner's conversion terms: points convert to its miles from {@code minimumPoints}, in steps. */
public record MileageProgram(
        String partnerId, String programCode, BigDecimal milesPerPoint, long minimumPoints, long stepPoints) {}
