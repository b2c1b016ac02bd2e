-- A member who leaves is forgotten (docs/privacy.md): the records the consumers gave up on that carry their
-- demographics, referral code or card numbers (member-service's events, keyed by the member id) lose their payloads
-- when the service applies member.left (DeadLetters.erase), parked or resolved. Invariants:
--   D5 an erased letter's payload is empty and erased_at says when; it is never replayed (409 dead-letter-erased),
--      only discarded; an erasure changes nothing else of a resolved letter (D2 still holds for every other column).
ALTER TABLE dead_letter ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE dead_letter ADD CONSTRAINT dead_letter_erased_empty CHECK (erased_at IS NULL OR payload = '\x'::bytea);

CREATE OR REPLACE FUNCTION dead_letter_resolved_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'PARKED' AND NOT (
            -- D5: erasing a resolved letter's payload is the one change it still takes
            OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
            AND (NEW.status, NEW.outcome, NEW.resolved_at, NEW.resolved_by, NEW.discard_reason, NEW.replay_attempts,
                 NEW.last_error, NEW.lease, NEW.replaying_since, NEW.event_key, NEW.event_id, NEW.event_type, NEW.channel)
                IS NOT DISTINCT FROM
                (OLD.status, OLD.outcome, OLD.resolved_at, OLD.resolved_by, OLD.discard_reason, OLD.replay_attempts,
                 OLD.last_error, OLD.lease, OLD.replaying_since, OLD.event_key, OLD.event_id, OLD.event_type, OLD.channel)) THEN
        RAISE EXCEPTION 'dead letter % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
