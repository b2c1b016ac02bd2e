-- A member's consent, demographics and status as of their events' time (docs/events.md, "Dead letters"): an event
-- that arrives late (an operator replaying a dead letter after newer events of the member were applied) does not
-- undo a newer one. Without this, a replayed old grant of personalization turned a withdrawn consent back on (the
-- member counted again in partners' demographics and joint campaigns), and after the member left, a replayed consent
-- and profile brought their demographics back. Null for what was stored before: the next event sets it. A member who
-- left stays left, with nothing but the id.
ALTER TABLE member_dim ADD COLUMN consent_at TIMESTAMPTZ;
ALTER TABLE member_dim ADD COLUMN profile_at TIMESTAMPTZ;
ALTER TABLE member_dim ADD COLUMN status_at TIMESTAMPTZ;
