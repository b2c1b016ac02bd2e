-- When a member's status and consent were last set, by their events' time: an event that arrives late (an operator
-- replaying a dead letter after later events of the member were applied) does not undo a later suspension,
-- reinstatement or consent change (docs/events.md, "Dead letters"). Null for what was set before: the next event sets it.
ALTER TABLE member_directory ADD COLUMN status_at TIMESTAMPTZ, ADD COLUMN consent_at TIMESTAMPTZ;
