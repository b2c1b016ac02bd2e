-- A partner's budget of different report answers a day (docs/privacy.md, rule 6: a daily budget of distinct answers) is kept here, not in
-- each instance's memory: with two replicas a partner had twice the budget (each instance counted its own), and a
-- restart gave a fresh one. One row per answer charged: (partner, day, report as resolved, the answer's
-- fingerprint). Charged under a per-partner transaction-scoped advisory lock, so racing requests on any instance
-- cannot overshoot; the day's rows are what is counted, a partner's days before yesterday are deleted
-- as it is charged a new answer (yesterday's stay, for an instance whose clock is still there).
CREATE TABLE report_budget_answer (
    partner_id  TEXT        NOT NULL,
    day         DATE        NOT NULL,
    report      TEXT        NOT NULL,
    answer      TEXT        NOT NULL,
    charged_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, day, report, answer)
);
