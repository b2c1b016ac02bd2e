-- Idempotent card replacement (docs/members.md): POST /members/v1/me/card/replacement may carry an
-- Idempotency-Key; the key and a fingerprint of the request (platform's RequestHash) are kept with
-- the card it issued. A retry with the same key and request answers that card again (200,
-- Idempotent-Replayed: true) instead of blocking it and issuing another; the same key with another
-- request is 409 idempotency-key-reused. Keys are per member.
--
-- Replacements of one member are serialised on the member row; the unique constraint is what holds
-- even without it: at most one card per (member, key).

ALTER TABLE card ADD COLUMN idempotency_key TEXT CHECK (length(idempotency_key) BETWEEN 1 AND 200);
ALTER TABLE card ADD COLUMN request_hash TEXT;
ALTER TABLE card ADD CONSTRAINT card_request_hash_with_key
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
ALTER TABLE card ADD CONSTRAINT card_idempotency_key UNIQUE (member_id, idempotency_key);
