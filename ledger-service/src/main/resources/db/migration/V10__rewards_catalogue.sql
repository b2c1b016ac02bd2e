-- The rewards catalogue (docs/rewards.md): items priced in points that partners (or operators,
-- for the network) publish, and members' orders of them. An order takes the member's points and
-- the reward's stock (and, for a coupon, one code) in one transaction: the stock is a column
-- decremented only while it is positive, and a code belongs to at most one order.

-- Network rewards are paid into their own account; a partner's reward into the partner's
-- redemption account, so the partner's settlement counts it.
ALTER TABLE account DROP CONSTRAINT account_kind_check;
ALTER TABLE account ADD CONSTRAINT account_kind_check CHECK (kind IN ('MEMBER', 'PARTNER_ISSUANCE',
    'PARTNER_REDEMPTION', 'NETWORK_BREAKAGE', 'NETWORK_PROMOTION', 'NETWORK_CONVERSION', 'NETWORK_ADJUSTMENT',
    'NETWORK_REWARDS'));
INSERT INTO account (id, kind) VALUES ('network:rewards', 'NETWORK_REWARDS');

ALTER TABLE transfer DROP CONSTRAINT transfer_kind_check;
ALTER TABLE transfer ADD CONSTRAINT transfer_kind_check CHECK (kind IN ('EARN', 'CAMPAIGN_BONUS', 'GRADE_BONUS',
    'REFERRAL_BONUS', 'EARN_REVERSAL', 'REDEMPTION', 'REDEMPTION_REVERSAL', 'EXPIRY', 'CONVERSION', 'GIFT',
    'ADJUSTMENT', 'FORFEIT', 'REFERRAL_REVERSAL', 'AWARD', 'REWARD_ORDER', 'REWARD_ORDER_REVERSAL'));
ALTER TABLE lot_draw DROP CONSTRAINT lot_draw_reason_check;
ALTER TABLE lot_draw ADD CONSTRAINT lot_draw_reason_check CHECK (reason IN ('HOLD', 'GIFT', 'CONVERSION',
    'EARN_REVERSAL', 'ADJUSTMENT', 'DEBT_REPAYMENT', 'FORFEIT', 'REFERRAL_REVERSAL', 'REWARD_ORDER'));

CREATE TABLE reward (
    id               UUID        PRIMARY KEY,
    partner_id       TEXT,                      -- NULL: a network reward (operators)
    title            TEXT        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description      TEXT        CHECK (length(description) <= 4000),
    image_url        TEXT        CHECK (length(image_url) <= 2000),
    price_points     BIGINT      NOT NULL CHECK (price_points > 0 AND price_points <= 1000000000),
    -- I16: never oversold. NULL: unlimited (never for coupons, whose stock is the codes left)
    stock_left       BIGINT      CHECK (stock_left >= 0),
    per_member_limit INT         CHECK (per_member_limit > 0),
    available_from   TIMESTAMPTZ,
    available_until  TIMESTAMPTZ,
    fulfilment       TEXT        NOT NULL CHECK (fulfilment IN ('COUPON_CODE', 'SHIPPING', 'PARTNER_VOUCHER')),
    grades           TEXT[]      NOT NULL DEFAULT '{}',   -- empty: every grade
    segments         TEXT[]      NOT NULL DEFAULT '{}',   -- empty: every segment
    created_by       TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    CHECK (available_until IS NULL OR available_from IS NULL OR available_until > available_from),
    CHECK (fulfilment <> 'COUPON_CODE' OR stock_left IS NOT NULL)
);
CREATE INDEX reward_partner ON reward (partner_id, created_at);

CREATE TABLE reward_order (
    id               UUID        PRIMARY KEY,
    reward_id        UUID        NOT NULL REFERENCES reward (id),
    member_id        TEXT        NOT NULL,
    partner_id       TEXT,
    idempotency_key  TEXT        NOT NULL,
    request_hash     TEXT        NOT NULL,
    points           BIGINT      NOT NULL CHECK (points > 0),
    status           TEXT        NOT NULL CHECK (status IN ('ORDERED', 'FULFILLED', 'CANCELLED', 'FAILED')),
    shipping_address TEXT        CHECK (length(shipping_address) <= 1000),
    reason           TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (member_id, idempotency_key)
);
CREATE INDEX reward_order_member ON reward_order (member_id, reward_id);
CREATE INDEX reward_order_reward ON reward_order (reward_id, created_at);

-- A coupon reward's pool: each code once per reward; an order takes one, and a code belongs to at
-- most one order (I17). A code taken by an order never returns to the pool (the member saw it).
CREATE TABLE reward_code (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reward_id   UUID        NOT NULL REFERENCES reward (id),
    code        TEXT        NOT NULL CHECK (length(code) BETWEEN 1 AND 200),
    order_id    UUID        UNIQUE REFERENCES reward_order (id),
    uploaded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (reward_id, code)
);
CREATE INDEX reward_code_free ON reward_code (reward_id, id) WHERE order_id IS NULL;

-- The view of V2, and: a coupon reward's stock is the number of its codes not taken.
CREATE OR REPLACE VIEW ledger_invariant_violation AS
SELECT 'sum of all balances is not zero' AS violation, NULL AS account_id, total AS detail
FROM (SELECT (SELECT coalesce(sum(balance), 0) FROM member_balance) + (SELECT coalesce(sum(balance), 0) FROM account_shard) AS total) t
WHERE total <> 0
UNION ALL
SELECT 'member balance is not the sum of its entries', m.account_id, m.balance - coalesce(e.sum, 0)
FROM member_balance m LEFT JOIN (
    SELECT account, sum(amount) AS sum FROM (
        SELECT credit_account AS account, amount FROM transfer
        UNION ALL SELECT debit_account, -amount FROM transfer) x GROUP BY account) e ON e.account = m.account_id
WHERE m.balance <> coalesce(e.sum, 0)
UNION ALL
SELECT 'account balance is not the sum of its entries', a.account_id, a.balance - coalesce(e.sum, 0)
FROM (SELECT account_id, sum(balance) AS balance FROM account_shard GROUP BY account_id) a LEFT JOIN (
    SELECT account, sum(amount) AS sum FROM (
        SELECT credit_account AS account, amount FROM transfer
        UNION ALL SELECT debit_account, -amount FROM transfer) x GROUP BY account) e ON e.account = a.account_id
WHERE a.balance <> coalesce(e.sum, 0)
UNION ALL
SELECT 'available/pending is not the sum of the lots', m.member_id,
       (m.available - coalesce(l.available, 0)) + (m.pending - coalesce(l.pending, 0))
FROM member_balance m LEFT JOIN (
    SELECT member_id, sum(remaining) FILTER (WHERE matured) AS available, sum(remaining) FILTER (WHERE NOT matured) AS pending
    FROM lot GROUP BY member_id) l ON l.member_id = m.member_id
WHERE m.available <> coalesce(l.available, 0) OR m.pending <> coalesce(l.pending, 0)
UNION ALL
SELECT 'held is not the sum of the open holds', m.member_id, m.held - coalesce(h.held, 0)
FROM member_balance m LEFT JOIN (
    SELECT r.member_id, sum(d.points) AS held FROM redemption r JOIN lot_draw d ON d.ref = r.id AND NOT d.restored
    WHERE r.status = 'HELD' GROUP BY r.member_id) h ON h.member_id = m.member_id
WHERE m.held <> coalesce(h.held, 0)
UNION ALL
SELECT 'coupon stock is not the codes left', r.id::text, r.stock_left - coalesce(f.free, 0)
FROM reward r LEFT JOIN (
    SELECT reward_id, count(*) AS free FROM reward_code WHERE order_id IS NULL GROUP BY reward_id) f ON f.reward_id = r.id
WHERE r.fulfilment = 'COUPON_CODE' AND r.stock_left <> coalesce(f.free, 0)
UNION ALL
SELECT 'a live reward order has not exactly its points in transfers', o.id::text, o.points - coalesce(t.net, 0)
FROM reward_order o LEFT JOIN (
    SELECT ref, sum(CASE kind WHEN 'REWARD_ORDER' THEN amount ELSE -amount END) AS net FROM transfer
    WHERE kind IN ('REWARD_ORDER', 'REWARD_ORDER_REVERSAL') GROUP BY ref) t ON t.ref = o.id
WHERE (o.status IN ('ORDERED', 'FULFILLED') AND coalesce(t.net, 0) <> o.points)
   OR (o.status IN ('CANCELLED', 'FAILED') AND coalesce(t.net, 0) <> 0);
