-- A rotated webhook secret keeps signing beside the new one for a while (docs/partners.md, "Rotation"),
-- so a receiver that has not yet deployed the new secret still verifies every delivery.
--
--   W4 at most two secrets sign a delivery: the current one, and the previous one while
--      previous_secret_expires_at is after the attempt; both stored encrypted like the current (W3).
ALTER TABLE webhook
    ADD COLUMN previous_secret_encrypted  TEXT,
    ADD COLUMN previous_secret_expires_at TIMESTAMPTZ,
    ADD CONSTRAINT webhook_previous_secret_whole
        CHECK ((previous_secret_encrypted IS NULL) = (previous_secret_expires_at IS NULL));
