-- Idempotent creation of campaigns and webhooks (docs/partners.md): a request may carry an
-- Idempotency-Key header; the key and a SHA-256 of the request's normalised command are kept with
-- the row it created. A retry with the same key and request answers that row again (200,
-- Idempotent-Replayed: true); the same key with another request is refused (409
-- idempotency-key-reused). Keys are per partner.
--
-- Invariant I1: at most one campaign, and at most one webhook, per (partner, key). The services
-- serialise requests with one key on a transaction-scoped advisory lock; these unique indexes are
-- what holds even without it (a lost race fails its insert and is answered as a replay).
--
-- W3 (V6) refined: a webhook's secret is answered at creation and rotation, and again to a retry of
-- the creation with the same key and request (decrypted; the secret that signs now), never otherwise.

ALTER TABLE campaign ADD COLUMN idempotency_key TEXT;
ALTER TABLE campaign ADD COLUMN request_hash TEXT;
ALTER TABLE campaign ADD CONSTRAINT campaign_request_hash_with_key
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
CREATE UNIQUE INDEX campaign_idempotency_key ON campaign (partner_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

ALTER TABLE webhook ADD COLUMN idempotency_key TEXT;
ALTER TABLE webhook ADD COLUMN request_hash TEXT;
ALTER TABLE webhook ADD CONSTRAINT webhook_request_hash_with_key
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
CREATE UNIQUE INDEX webhook_idempotency_key ON webhook (partner_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
