package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.service.ReportService;
import io.pointmesh.platform.csv.Csv;
import io.pointmesh.platform.problem.ProblemException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.util.Locale;

/** How report endpoints read their parameters and answer: JSON, or CSV (section, label, metric, value) on Accept: text/csv. */
final class ReportAnswers {

    static final String[] CSV_COLUMNS = {"section", "label", "metric", "value"};

    private ReportAnswers() {}

    static ReportService.Kind kind(String kind) {
        try {
            return ReportService.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound(
                    "report", kind + " (the reports are members, transactions, stores, rewards)");
        }
    }

    static LocalDate date(String field, String value) {
        return io.pointmesh.platform.problem.TimeParams.date(field, value);
    }

    /** The report the request's parameters name (their checks here), answered as JSON or CSV. */
    static Response report(
            HttpHeaders headers,
            ReportService reports,
            String partnerId,
            String kind,
            String from,
            String to,
            String asOf,
            boolean partnerView) {
        return answer(
                headers,
                reports.report(
                        partnerId, kind(kind), date("from", from), date("to", to), date("asOf", asOf), partnerView));
    }

    static Response answer(HttpHeaders headers, ReportService.Report report) {
        // how old the answer is (a snapshot's age; 0 when computed for this request). Not cacheable by the browser as
        // is: its cache keys on the URL alone, and one URL answers a partner's view or an operator's by the token
        long age = Math.max(
                0,
                java.time.Duration.between(report.computedAt(), java.time.Instant.now())
                        .toSeconds());
        return Response.fromResponse(body(headers, report))
                .header("Age", age)
                .header("Cache-Control", "private, no-cache")
                .build();
    }

    private static Response body(HttpHeaders headers, ReportService.Report report) {
        if (Csv.wanted(headers)) {
            return Csv.response(
                    report.scope() + "-" + report.kind() + "-" + report.asOf() + ".csv",
                    CSV_COLUMNS,
                    report.rows().stream()
                            .map(r -> new Object[] {r.section(), r.label(), r.metric(), r.value()})
                            .toList());
        }
        return Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
