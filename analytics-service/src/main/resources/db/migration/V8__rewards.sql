-- Reward orders of the catalogue (docs/rewards.md), from ledger.reward-ordered, -cancelled, -failed and
-- -fulfilled: one row per order, keyed by the ledger's order id, so an event delivered twice (or
-- published twice) changes nothing the second time. The rewards report reads it (docs/analytics.md).
--   status         ORDERED -> FULFILLED, CANCELLED or FAILED (a fulfilled coupon may still fail); CANCELLED
--                  and FAILED are final: a later or late-arriving event never moves an order out of them
--   grade, segment the ordering member's grade and segment as analytics had them when the order
--                  arrived (what the ledger's eligibility saw), NULL when analytics did not know the member
--   ordered_at     the ledger's posting time (the event's time); NULL while only a later event of the
--                  order has arrived (the order is then counted nowhere until its own event comes)
CREATE TABLE reward_order_fact (
    order_id     TEXT        PRIMARY KEY,
    reward_id    TEXT        NOT NULL,
    member_id    TEXT        NOT NULL,
    partner_id   TEXT,                  -- null: a network reward
    title        TEXT,
    fulfilment   TEXT,
    points       BIGINT      NOT NULL CHECK (points >= 0),
    status       TEXT        NOT NULL CHECK (status IN ('ORDERED', 'FULFILLED', 'CANCELLED', 'FAILED')),
    grade        TEXT,
    segment      TEXT,
    ordered_at   TIMESTAMPTZ,
    fulfilled_at TIMESTAMPTZ,
    ended_at     TIMESTAMPTZ,           -- cancelled or failed
    ingested_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX reward_order_fact_partner ON reward_order_fact (partner_id, ordered_at);
CREATE INDEX reward_order_fact_ordered ON reward_order_fact (ordered_at);
