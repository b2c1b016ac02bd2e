-- Churn scores by BG/NBD summary key instead of one row per member (docs/analytics.md, "How a
-- regrade stays fast"): members with the same (x, t_x, T) have the same scores, so a fit stores
-- tens of thousands of rows, not a million. A member's score is found through their summary in
-- member_features, as of the fit's date (scoring_state 'churn'):
--   x = purchase_days - 1, t_x = (last_day - first_day) / 7, T = (as_of - first_day) / 7 (whole weeks)
-- The summary moves on after the fit; the score must not. So ingestion, before it changes a
-- member's summary for the first time after a fit, pins the member's score as the fit gave it
-- (churn_score_pinned; NULL scores: the fit did not score them), and each fit empties the pins.
-- Readers keep reading churn_score (member_id, as_of, p_alive, expected_90d): now a view.

ALTER TABLE churn_score RENAME TO churn_score_pinned;
ALTER INDEX churn_score_pkey RENAME TO churn_score_pinned_pkey;
-- scores stored per member so far stay each member's until the next fit
ALTER TABLE churn_score_pinned
    ALTER COLUMN p_alive DROP NOT NULL,
    ALTER COLUMN expected_90d DROP NOT NULL;

CREATE TABLE churn_score_by_summary (
    x            INT              NOT NULL,
    tx_w         INT              NOT NULL,
    t_w          INT              NOT NULL,
    p_alive      DOUBLE PRECISION NOT NULL,
    expected_90d DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (x, tx_w, t_w)
);

CREATE VIEW churn_score AS
    SELECT p.member_id, p.as_of, p.p_alive, p.expected_90d
    FROM churn_score_pinned p
    WHERE p.p_alive IS NOT NULL
    UNION ALL
    SELECT f.member_id, st.as_of, k.p_alive, k.expected_90d
    FROM member_features f
    JOIN scoring_state st ON st.kind = 'churn'
    JOIN churn_score_by_summary k
      ON k.x = f.purchase_days - 1 AND k.tx_w = (f.last_day - f.first_day) / 7 AND k.t_w = (st.as_of - f.first_day) / 7
    WHERE f.first_day <= st.as_of
      AND NOT EXISTS (SELECT 1 FROM churn_score_pinned p WHERE p.member_id = f.member_id);

-- The few members who left, for the rankings' "not left" (an anti-join that otherwise scans every member)
CREATE INDEX member_dim_left ON member_dim (member_id) WHERE status = 'LEFT';
