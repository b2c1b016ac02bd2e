-- The date of the computation a member's grade and segment come from (analytics.grade-changed and
-- analytics.segment-changed carry it): a late or replayed older computation never overwrites a newer
-- one, so the ledger earns at the grade the member's app shows (member-service keeps the same rule).
ALTER TABLE member_directory
    ADD COLUMN grade_as_of   DATE,
    ADD COLUMN segment_as_of DATE;
