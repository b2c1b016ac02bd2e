-- The naive earn write set's schema (bench/ledger-earn's ceiling): what any ledger must write per
-- earning and nothing more. No triggers, no lots, no breakdowns: an idempotency row, the member's
-- balance row (locked and updated), two entries, an outbox row.
CREATE TABLE idempotency (partner_id text NOT NULL, tx_id text NOT NULL, request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (partner_id, tx_id));
CREATE TABLE member_account (member_id text PRIMARY KEY, balance bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE entry (id bigserial PRIMARY KEY, account_id text NOT NULL, amount bigint NOT NULL, ref uuid NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX entry_account ON entry (account_id, id);
CREATE TABLE outbox (id uuid PRIMARY KEY, topic text NOT NULL, event_key text NOT NULL, payload text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);
INSERT INTO member_account (member_id) SELECT 'bench-m-' || i FROM generate_series(1, :members) i;
