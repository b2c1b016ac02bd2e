-- A report's answer as computed at computed_at (docs/analytics.md, "Report snapshots"): served while
-- younger than pointmesh.analytics.reports.max-age, served and recomputed in the background while
-- within stale-while-revalidate after that, recomputed on the request beyond. The key is everything
-- the answer depends on: the scope ('network' or 'partner:<id>'), the kind, the resolved window and
-- scores' date, the view (a partner's own, with its noise and suppression, or operators' exact one:
-- never served for each other), and a hash of the configuration the figures depend on.
CREATE TABLE report_snapshot (
    scope       TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    from_date   DATE        NOT NULL,
    to_date     DATE        NOT NULL,
    as_of       DATE        NOT NULL,
    view        TEXT        NOT NULL CHECK (view IN ('operator', 'partner')),
    settings    TEXT        NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    millis      BIGINT      NOT NULL,  -- how long the computation took
    rows        TEXT        NOT NULL,  -- the answer's rows, JSON
    PRIMARY KEY (scope, kind, from_date, to_date, as_of, view, settings)
);
