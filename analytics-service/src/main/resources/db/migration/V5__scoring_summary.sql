-- The per-member summary a daily regrade reads instead of every member-day (docs/analytics.md,
-- "How a regrade stays fast"), kept current by ingestion:
--   first_day, last_day, prev_day   the first, last and second-to-last days with a purchase
--   spend_12m, days_12m             net spend and purchase days in the grade window, the 12 months up
--                                   to scoring_state 'window' (rolled forward by each regrade)
ALTER TABLE member_features
    ADD COLUMN first_day DATE,
    ADD COLUMN last_day  DATE,
    ADD COLUMN prev_day  DATE,
    ADD COLUMN spend_12m NUMERIC NOT NULL DEFAULT 0,
    ADD COLUMN days_12m  INT     NOT NULL DEFAULT 0;

WITH w AS (SELECT member_id, day, row_number() OVER (PARTITION BY member_id ORDER BY day DESC) AS rn,
                  min(day) OVER (PARTITION BY member_id) AS first
           FROM member_day)
UPDATE member_features f SET first_day = w1.first, last_day = w1.day, prev_day = w2.day
FROM w w1 LEFT JOIN w w2 ON w2.member_id = w1.member_id AND w2.rn = 2
WHERE w1.rn = 1 AND f.member_id = w1.member_id;

-- Each computation's latest stored as-of date: 'window' (what spend_12m covers), 'grades',
-- 'segments', 'churn'. A computation as of an earlier date than the stored one reports but does
-- not overwrite (a stored grade, segment or score is only replaced by one as of the same or a later date).
CREATE TABLE scoring_state (
    kind  TEXT PRIMARY KEY CHECK (kind IN ('window', 'grades', 'segments', 'churn')),
    as_of DATE NOT NULL
);
INSERT INTO scoring_state (kind, as_of) SELECT 'grades', max(grade_as_of) FROM member_dim HAVING max(grade_as_of) IS NOT NULL;
INSERT INTO scoring_state (kind, as_of) SELECT 'segments', max(segment_as_of) FROM member_dim HAVING max(segment_as_of) IS NOT NULL;
INSERT INTO scoring_state (kind, as_of) SELECT 'churn', max(as_of) FROM churn_score HAVING max(as_of) IS NOT NULL;
