-- Stores, partners' status and campaigns as of their events' time (docs/events.md, "Dead letters"): a definition that arrives late (an operator
-- replaying a dead letter after a newer version was applied) does not replace the newer one. Null for what was stored
-- before: the next event sets it.
ALTER TABLE campaign_dim ADD COLUMN published_at TIMESTAMPTZ;

-- Every campaign's end, kept even when the campaign itself is not known yet: a campaign whose end was applied before
-- its (late) publication is stored ended, and is not offered to members.
CREATE TABLE campaign_end (
    campaign_id TEXT PRIMARY KEY,
    ended_at TIMESTAMPTZ NOT NULL
);
INSERT INTO campaign_end (campaign_id, ended_at) SELECT campaign_id, ended_at FROM campaign_dim WHERE ended_at IS NOT NULL;

-- When a store was last opened or closed, by its event's time: a late opening does not reopen a store closed since.
ALTER TABLE store_dim ADD COLUMN updated_at TIMESTAMPTZ;
