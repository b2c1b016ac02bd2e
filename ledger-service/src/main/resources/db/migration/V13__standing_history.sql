-- Members' grades and segments over time (docs/ledger.md, "Bulk awards"), kept from
-- analytics.grade-changed and analytics.segment-changed, so that an award can be for a grade or
-- segment as of a past date. A row says: from valid_from on, the member's grade (or segment) was
-- value, and before it previous_value. The history is complete for the days that began after
-- standing_history_start.since, when this migration ran (earlier standings were never recorded,
-- and are refused, not guessed).
CREATE TABLE member_standing_history (
    member_id      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('GRADE', 'SEGMENT')),
    valid_from     DATE NOT NULL,
    value          TEXT NOT NULL,
    previous_value TEXT,
    PRIMARY KEY (member_id, kind, valid_from)
);

CREATE TABLE standing_history_start (
    one   BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    since TIMESTAMPTZ NOT NULL
);
INSERT INTO standing_history_start (since) VALUES (now());
