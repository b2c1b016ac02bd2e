package io.pointmesh.platform.problem;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Dates and instants a client sends, parsed and bounded to the years 1900 to 2999. Java parses
 * {@code +999999999-12-31}, and the arithmetic after it (a day or a year later) throws, or
 * PostgreSQL refuses the value (it has no year 0, timestamps end in 294276, and a five-digit
 * year is not a date literal it reads): answered 500 before. Years of four digits keep every
 * window's arithmetic (a year or five later) within what both read. Out of range is a 400 that
 * names the field.
 */
public final class TimeParams {

    public static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);
    public static final LocalDate LATEST = LocalDate.of(2999, 12, 31);
    private static final Instant EARLIEST_INSTANT =
            EARLIEST.atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant LATEST_INSTANT =
            LATEST.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);

    private TimeParams() {}

    /** An ISO date, or null when absent or blank. */
    public static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return inRange(field, LocalDate.parse(value));
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "an ISO date (YYYY-MM-DD)");
        }
    }

    /** An ISO-8601 instant; required. */
    public static Instant instant(String field, String value) {
        if (value == null) {
            throw ProblemException.invalidField(field, "required, an ISO-8601 instant");
        }
        try {
            return inRange(field, Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }

    /** An ISO month (YYYY-MM); required. */
    public static YearMonth month(String field, String value) {
        try {
            YearMonth month = YearMonth.parse(value);
            inRange(field, month.atDay(1));
            return month;
        } catch (DateTimeParseException | NullPointerException e) {
            throw ProblemException.invalidField(field, "an ISO month (YYYY-MM)");
        }
    }

    /** The date itself, or 400 outside 1900-01-01 to 2999-12-31; null passes (absent). */
    public static LocalDate inRange(String field, LocalDate date) {
        if (date != null && (date.isBefore(EARLIEST) || date.isAfter(LATEST))) {
            throw ProblemException.invalidField(field, "a date from " + EARLIEST + " to " + LATEST);
        }
        return date;
    }

    /** The instant itself, or 400 outside the years 1900 to 2999 (UTC); null passes (absent). */
    public static Instant inRange(String field, Instant at) {
        if (at != null && (at.isBefore(EARLIEST_INSTANT) || at.isAfter(LATEST_INSTANT))) {
            throw ProblemException.invalidField(field, "a time from " + EARLIEST + " to " + LATEST + " (UTC)");
        }
        return at;
    }
}
