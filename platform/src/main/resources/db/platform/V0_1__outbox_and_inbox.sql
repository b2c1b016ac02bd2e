-- Shared by every service (pointmesh-platform): the transactional outbox and the idempotent
-- consumer's record of processed events. Versioned 0.x so each service's own migrations start at 1.

-- Events waiting to be published. A row is written in the same transaction as the state change
-- it describes, so an event exists if and only if the change committed. The relay publishes rows
-- in seq order and then sets published_at; a crash between the two publishes a row again, which
-- consumers absorb because they deduplicate on event_id.
CREATE TABLE outbox_event (
    seq          BIGSERIAL   PRIMARY KEY,
    event_id     UUID        NOT NULL UNIQUE,
    topic        TEXT        NOT NULL,
    event_key    TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX outbox_event_unpublished ON outbox_event (seq) WHERE published_at IS NULL;

-- Events a consumer has applied. The row is inserted in the same transaction as the effect; the
-- primary key makes a redelivered event a no-op (and makes two concurrent deliveries wait for
-- each other, the loser then seeing the winner's row).
CREATE TABLE processed_event (
    consumer     TEXT        NOT NULL,
    event_id     TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX processed_event_age ON processed_event (processed_at);

-- Wakes the relay as soon as a transaction that wrote events commits (NOTIFY is delivered only
-- on commit, and once per transaction however many rows it wrote); polling remains the fallback.
CREATE FUNCTION outbox_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pointmesh_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_notify();
