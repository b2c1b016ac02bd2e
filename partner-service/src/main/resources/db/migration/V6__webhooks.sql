-- Partner webhooks: a partner's own events, delivered to its HTTPS endpoint, signed (Standard Webhooks).
--
-- Invariants (relied on by WebhookService and WebhookDispatcher):
--   W1 an event is enqueued once per webhook: (webhook_id, event_key) is unique and event_key is the
--      business fact (e.g. 'points.earned:<earningId>'), so a redelivered Kafka record, or the same
--      posting published again under a new envelope id, adds nothing;
--   W2 per webhook and member (order_key) deliveries go out in seq order: a PENDING delivery is due
--      only when no earlier PENDING one of the same webhook and order_key exists (the dispatcher's query);
--   W3 the signing secret is stored encrypted (AES-GCM, key pointmesh.webhooks.secret-key), never answered
--      after creation or rotation.

CREATE TABLE webhook (
    id               UUID        PRIMARY KEY,
    partner_id       TEXT        NOT NULL REFERENCES partner (id),
    url              TEXT        NOT NULL,
    events           TEXT        NOT NULL,                  -- comma-separated stable names (points.earned, ...)
    secret_encrypted TEXT        NOT NULL,                  -- base64(iv || AES-GCM(secret bytes))
    status           TEXT        NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
    disabled_reason  TEXT,
    disabled_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    created_by       TEXT        NOT NULL,
    secret_rotated_at TIMESTAMPTZ
);
CREATE INDEX webhook_partner ON webhook (partner_id);

CREATE TABLE webhook_delivery (
    id               UUID        PRIMARY KEY,               -- the Standard Webhooks message id (webhook-id)
    seq              BIGSERIAL   NOT NULL,                  -- enqueue order (W2)
    webhook_id       UUID        NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event_key        TEXT        NOT NULL,
    event_type       TEXT        NOT NULL,                  -- the stable name
    order_key        TEXT        NOT NULL,                  -- the member id (or the partner's id for partner-wide events)
    body             TEXT        NOT NULL,                  -- {type, timestamp, data}: the same bytes on every attempt
    traceparent      TEXT,                                  -- the event's trace, sent as a header
    status           TEXT        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'ABANDONED')),
    attempts         INT         NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,                  -- also the lease of an attempt in flight
    window_started_at TIMESTAMPTZ NOT NULL,                 -- retries stop retry-window after this
    last_status      INT,                                   -- the last HTTP status, if any
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    last_attempt_at  TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    UNIQUE (webhook_id, event_key)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at, seq) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_order ON webhook_delivery (webhook_id, order_key, seq) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_log ON webhook_delivery (webhook_id, seq);
