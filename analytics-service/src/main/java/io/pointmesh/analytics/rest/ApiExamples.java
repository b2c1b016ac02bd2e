package io.pointmesh.analytics.rest;

/** Example answers for the OpenAPI document (docs/analytics.md describes the reports and the scores). */
final class ApiExamples {

    private ApiExamples() {}

    static final String NETWORK_REPORT = """
            {"kind": "transactions", "scope": "network", "from": "2025-11-25", "to": "2026-11-25",
             "asOf": "2026-11-24", "minimumGroup": 10, "noiseEpsilon": null,
             "rows": [
               {"section": "sales-by-month", "label": "2026-10", "metric": "sales", "value": 184250000},
               {"section": "sales-by-month", "label": "2026-10", "metric": "purchases", "value": 7412},
               {"section": "sales-by-month", "label": "2026-10", "metric": "customers", "value": 2981}]}""";

    static final String PARTNER_REPORT = """
            {"kind": "transactions", "scope": "3f0e1a39-2a4d-43ca-9034-89982db3c085", "from": "2025-11-24",
             "to": "2026-11-30", "asOf": "2026-11-24", "minimumGroup": 10, "noiseEpsilon": 0.5,
             "rows": [
               {"section": "sales-by-month", "label": "2026-10", "metric": "sales", "value": 61820000},
               {"section": "sales-by-month", "label": "2026-10", "metric": "purchases", "value": 2410},
               {"section": "sales-by-month", "label": "2026-10", "metric": "customers", "value": 1187}]}""";

    static final String REPORT_CSV = """
            section,label,metric,value
            sales-by-month,2026-10,sales,184250000
            sales-by-month,2026-10,purchases,7412
            sales-by-month,2026-10,customers,2981
            """;

    static final String RECOMPUTED = """
            {"grades": {"asOf": "2026-11-25", "ranked": 23570, "changed": 412,
               "counts": {"GENERAL": 16499, "LOYAL": 4714, "VIP": 1886, "VVIP": 471},
               "thresholds": {"LOYAL": 180000, "VIP": 620000, "VVIP": 1850000}, "source": "summary", "millis": 840},
             "segments": {"asOf": "2026-11-25", "members": 23570, "changed": 1306,
               "counts": {"ACTIVE": 6120, "CHURNED": 9874, "DORMANT": 4310, "NEW": 1205, "PROSPECTIVE": 1640,
                 "REACTIVATED": 421}, "source": "summary", "millis": 610},
             "churn": {"asOf": "2026-11-25",
               "params": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "logLikelihood": -9582.4},
               "customers": 23570, "scored": 23570, "source": "summary", "millis": 2950}}""";
}
