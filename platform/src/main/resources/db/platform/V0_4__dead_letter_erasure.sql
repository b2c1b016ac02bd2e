-- A member who leaves is forgotten (docs/privacy.md): the records the consumers gave up on that carry their
-- demographics, referral code or card numbers (member-service's events, keyed by the member id) lose their payloads
-- when the service applies member.left (DeadLetters.erase), parked or resolved. Invariants:
--   D5 an erased letter's payload is empty and erased_at says when; it is never replayed (409 dead-letter-erased),
--      only discarded; an erasure changes nothing else of a resolved letter (D2 still holds for every other column).
ALTER TABLE dead_letter ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE dead_letter ADD CONSTRAINT dead_letter_erased_empty CHECK (erased_at IS NULL OR payload = '\x'::bytea);

-- D5 for letters kept after the erasure too (the collector reads the dead-letter topic on its own time): an erasure
-- leaves a tombstone, and a letter of an erased key is kept without its payload. Erasure and collection of one key
-- take the same transaction-scoped advisory lock, so neither misses the other.
CREATE TABLE dead_letter_erasure (
    channel    TEXT        NOT NULL,
    event_key  TEXT        NOT NULL,
    keep_types TEXT[]      NOT NULL,
    erased_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, event_key)
);

CREATE OR REPLACE FUNCTION dead_letter_resolved_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- D5: an erasure is for good
    IF OLD.erased_at IS NOT NULL AND (NEW.erased_at IS DISTINCT FROM OLD.erased_at OR NEW.payload <> OLD.payload) THEN
        RAISE EXCEPTION 'dead letter % was erased', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    -- D2: a resolved letter takes no change but the erasure of its payload
    IF OLD.status <> 'PARKED' AND NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
            AND to_jsonb(NEW) - 'payload' - 'erased_at' = to_jsonb(OLD) - 'payload' - 'erased_at') THEN
        RAISE EXCEPTION 'dead letter % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
