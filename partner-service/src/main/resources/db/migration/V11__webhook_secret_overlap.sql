-- A rotated webhook secret keeps signing beside the new one for a while (docs/partners.md, "Rotation"),
-- so a receiver that has not yet deployed the new secret still verifies every delivery.
--
--   W4 at most two secrets sign a delivery: the current one, and the previous one while
--      previous_secret_expires_at is after the attempt; both stored encrypted like the current (W3).
--   W5 a rotation sent again with the Idempotency-Key of the webhook's last rotation rotates nothing:
--      it answers the secret that rotation made (rotation_key, rotation_request_hash; the UPDATE that
--      rotates requires another key, so two such requests at once rotate once).
ALTER TABLE webhook
    ADD COLUMN previous_secret_encrypted  TEXT,
    ADD COLUMN previous_secret_expires_at TIMESTAMPTZ,
    ADD COLUMN rotation_key               TEXT,
    ADD COLUMN rotation_request_hash      TEXT,
    ADD CONSTRAINT webhook_previous_secret_whole
        CHECK ((previous_secret_encrypted IS NULL) = (previous_secret_expires_at IS NULL));
