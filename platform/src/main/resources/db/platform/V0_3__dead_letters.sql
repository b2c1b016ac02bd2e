-- Shared by every service (pointmesh-platform): the records its consumers gave up on, kept where an operator
-- can see, replay or discard them (platform DeadLetters; docs/events.md, "Dead letters").
--
-- A consumer parks a record on its service's dead-letter topic after its retries; DeadLetters reads that topic
-- and keeps each record here once. Invariants:
--   D1 one row per dead-letter record: (dlq_topic, dlq_partition, dlq_offset) is unique, so a redelivered record is kept once;
--   D2 a row leaves PARKED once, for REPLAYED (the channel applied it, through its inbox: at most once) or
--      DISCARDED (an operator's decision, with a reason); neither is undone;
--   D3 who and when is written with the change of status;
--   D4 a DISCARDED letter's event is never applied afterwards: the discard claims it in processed_event for the channel's
--      consumer in the same transaction (a redelivery or a late replay then finds it done), and a letter whose event
--      was applied meanwhile is recorded as REPLAYED (DUPLICATE) instead of discarded.
-- Resolved letters are deleted after pointmesh.dead-letters.retention (100 days, longer than the topics keep them);
-- parked ones stay until resolved. A discard's claim has event_type 'pointmesh.discarded'.
CREATE TABLE dead_letter (
    id               BIGSERIAL   PRIMARY KEY,
    dlq_topic        TEXT        NOT NULL,
    dlq_partition    INT         NOT NULL,
    dlq_offset       BIGINT      NOT NULL,
    source_topic     TEXT,
    source_partition INT,
    source_offset    BIGINT,
    -- the channel that gave up on it (the one whose topic and dead-letter topic the record names): its replay path
    channel          TEXT,
    event_key        TEXT,
    event_id         TEXT,
    event_type       TEXT,
    -- the record as it was consumed, byte for byte (a record that is not text or not JSON is kept too)
    payload          BYTEA       NOT NULL,
    reason           TEXT,
    failure_class    TEXT,
    dead_at          TIMESTAMPTZ NOT NULL,
    parked_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    status           TEXT        NOT NULL DEFAULT 'PARKED'
        CHECK (status IN ('PARKED', 'REPLAYED', 'DISCARDED')),
    replay_attempts  INT         NOT NULL DEFAULT 0,
    -- a replay under way: a lease (its token, and since when: a replay killed mid-way does not hold the letter for
    -- ever) that only the replay holding it may change
    replaying_since  TIMESTAMPTZ,
    lease            UUID,
    last_error       TEXT,
    outcome          TEXT        CHECK (outcome IN ('APPLIED', 'DUPLICATE', 'SKIPPED')),
    resolved_at      TIMESTAMPTZ,
    resolved_by      TEXT,
    discard_reason   TEXT,
    UNIQUE (dlq_topic, dlq_partition, dlq_offset),
    CHECK ((status = 'PARKED') = (resolved_at IS NULL)),
    CHECK ((status = 'PARKED') = (resolved_by IS NULL)),
    CHECK ((status = 'REPLAYED') = (outcome IS NOT NULL)),
    CHECK ((status = 'DISCARDED') = (discard_reason IS NOT NULL)),
    CHECK ((replaying_since IS NULL) = (lease IS NULL)),
    CHECK (status = 'PARKED' OR lease IS NULL)
);
CREATE INDEX dead_letter_key ON dead_letter (channel, event_key, id) WHERE status = 'PARKED';
CREATE INDEX dead_letter_resolved ON dead_letter (resolved_at) WHERE status <> 'PARKED';
CREATE INDEX dead_letter_parked ON dead_letter (id) WHERE status = 'PARKED';

-- D2 in the database: a resolved row is never changed again (a replayed letter is not discarded, nor the reverse).
CREATE FUNCTION dead_letter_resolved_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'PARKED' THEN
        RAISE EXCEPTION 'dead letter % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER dead_letter_resolved_once BEFORE UPDATE ON dead_letter
    FOR EACH ROW EXECUTE FUNCTION dead_letter_resolved_once();
