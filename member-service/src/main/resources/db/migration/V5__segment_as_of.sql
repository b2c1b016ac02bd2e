-- The date of the computation a member's segment comes from: an older computation (a late or
-- replayed analytics.segment-changed) never overwrites a newer one, as grades already do.
ALTER TABLE member ADD COLUMN segment_as_of DATE;
