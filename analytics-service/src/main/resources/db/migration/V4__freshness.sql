-- When the ledger posted a purchase (the event's time) and when analytics had it: the
-- event-to-feature freshness (bench/analytics-regrade measures its p99 from these).
ALTER TABLE purchase_fact
    ADD COLUMN posted_at   TIMESTAMPTZ,
    ADD COLUMN ingested_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp();
