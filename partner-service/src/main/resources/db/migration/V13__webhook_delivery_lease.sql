-- An attempt in flight is marked as such: until when a dispatcher leased it (WebhookRepository.claim),
-- cleared when its outcome is recorded. next_attempt_at alone could not tell a lease from a backoff,
-- and enabling a webhook pulled every pending delivery's next attempt forward to now, those in flight
-- too: another instance then claimed and sent an attempt still being sent (docs/partners.md, Webhooks).
ALTER TABLE webhook_delivery ADD COLUMN leased_until TIMESTAMPTZ;
