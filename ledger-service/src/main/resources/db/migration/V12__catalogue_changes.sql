-- The catalogue's changes (docs/rewards.md): idempotent publishing, edits, withdrawal and stock
-- top-ups.

-- Publishing with an Idempotency-Key: a retry (same caller, same key) finds the reward it made. The
-- scope is the caller: 'partner:<id>' for a partner's integration client, 'operator' for operators.
-- Without a key the three columns are NULL (rewards published before this migration too).
ALTER TABLE reward ADD COLUMN idempotency_scope TEXT,
    ADD COLUMN idempotency_key TEXT CHECK (length(idempotency_key) <= 128),
    ADD COLUMN request_hash TEXT,
    ADD CONSTRAINT reward_idempotency_key UNIQUE (idempotency_scope, idempotency_key),
    ADD CONSTRAINT reward_idempotency_complete CHECK (
        (idempotency_scope IS NULL) = (idempotency_key IS NULL) AND (idempotency_key IS NULL) = (request_hash IS NULL));

-- Edits and withdrawal. A withdrawn reward takes no new order (I22); its orders stand.
ALTER TABLE reward ADD COLUMN updated_at TIMESTAMPTZ,
    ADD COLUMN updated_by TEXT,
    ADD COLUMN withdrawn_at TIMESTAMPTZ,
    ADD COLUMN withdrawn_by TEXT,
    ADD CONSTRAINT reward_withdrawn_by CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL));

-- I21: the stock a stock-limited reward (not a coupon, whose stock is its codes) was published with;
-- its stock left is that plus its top-ups minus its standing orders. Rewards published before:
-- what is left plus what their standing orders took.
ALTER TABLE reward ADD COLUMN stock_published BIGINT CHECK (stock_published >= 0);
UPDATE reward r SET stock_published = r.stock_left + (
    SELECT count(*) FROM reward_order o WHERE o.reward_id = r.id AND o.status IN ('ORDERED', 'FULFILLED'))
WHERE r.fulfilment <> 'COUPON_CODE' AND r.stock_left IS NOT NULL;
ALTER TABLE reward ADD CONSTRAINT reward_stock_published CHECK (
    CASE WHEN fulfilment = 'COUPON_CODE' THEN stock_published IS NULL
         ELSE (stock_published IS NULL) = (stock_left IS NULL) END);

-- A top-up adds units to a stock-limited reward, once per (caller, Idempotency-Key).
CREATE TABLE reward_stock_topup (
    id                UUID        PRIMARY KEY,
    reward_id         UUID        NOT NULL REFERENCES reward (id),
    units             BIGINT      NOT NULL CHECK (units > 0 AND units <= 1000000000),
    stock_left_after  BIGINT      NOT NULL CHECK (stock_left_after >= 0),
    idempotency_scope TEXT        NOT NULL,
    idempotency_key   TEXT        NOT NULL CHECK (length(idempotency_key) <= 128),
    request_hash      TEXT        NOT NULL,
    created_by        TEXT        NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (idempotency_scope, idempotency_key)
);
CREATE INDEX reward_stock_topup_reward ON reward_stock_topup (reward_id);

-- I21 in the database: a top-up only of a stock-limited reward that is not a coupon.
CREATE FUNCTION reward_stock_topup_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM reward WHERE id = NEW.reward_id AND fulfilment <> 'COUPON_CODE'
                   AND stock_left IS NOT NULL) THEN
        RAISE EXCEPTION 'reward % has no stock to top up (unlimited or a coupon)', NEW.reward_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reward_stock_topup_guard BEFORE INSERT ON reward_stock_topup
    FOR EACH ROW EXECUTE FUNCTION reward_stock_topup_guard();

-- I22 in the database: an order is inserted only for a reward that is not withdrawn. The row is
-- locked FOR KEY SHARE (the order's posting has locked it so already): a withdrawal (SELECT ... FOR
-- UPDATE) waits for the orders in flight, and an order waits for a withdrawal in flight, then sees it.
CREATE FUNCTION reward_order_not_withdrawn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM reward WHERE id = NEW.reward_id AND withdrawn_at IS NULL FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'reward % is withdrawn: it takes no order', NEW.reward_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reward_order_not_withdrawn BEFORE INSERT ON reward_order
    FOR EACH ROW EXECUTE FUNCTION reward_order_not_withdrawn();

-- The view of V11 (V10's and I19), and I21 (stock accounting) and I22 (no order after the withdrawal).
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
   OR (o.status IN ('CANCELLED', 'FAILED') AND coalesce(t.net, 0) <> 0)
UNION ALL
SELECT 'stock left is not the stock published plus top-ups minus standing orders', r.id::text,
       r.stock_left - (r.stock_published + coalesce(t.units, 0) - coalesce(o.standing, 0))
FROM reward r
LEFT JOIN (SELECT reward_id, sum(units) AS units FROM reward_stock_topup GROUP BY reward_id) t ON t.reward_id = r.id
LEFT JOIN (SELECT reward_id, count(*) AS standing FROM reward_order WHERE status IN ('ORDERED', 'FULFILLED')
           GROUP BY reward_id) o ON o.reward_id = r.id
WHERE r.fulfilment <> 'COUPON_CODE' AND r.stock_left IS NOT NULL
  AND r.stock_left <> r.stock_published + coalesce(t.units, 0) - coalesce(o.standing, 0)
UNION ALL
SELECT 'a reward order was placed after its reward was withdrawn', o.id::text, 1
FROM reward_order o JOIN reward r ON r.id = o.reward_id
WHERE r.withdrawn_at IS NOT NULL AND o.created_at > r.withdrawn_at
UNION ALL
SELECT 'an earning''s transfers do not match its split (I19)', e.id::text,
       (e.partner_points - coalesce(s.own, 0)) + (e.network_points - coalesce(s.network, 0)) + (e.co_funded_points - coalesce(s.co, 0))
FROM earning e LEFT JOIN (
    SELECT x.id AS ref,
           sum(t.amount) FILTER (WHERE t.debit_account = 'partner:' || x.partner_id || ':issuance') AS own,
           sum(t.amount) FILTER (WHERE t.debit_account = 'network:promotion') AS network,
           sum(t.amount) FILTER (WHERE t.debit_account LIKE 'partner:%'
                                   AND t.debit_account <> 'partner:' || x.partner_id || ':issuance') AS co
    FROM transfer t JOIN earning x ON x.id = t.ref
    WHERE t.kind IN ('EARN', 'CAMPAIGN_BONUS', 'GRADE_BONUS') GROUP BY x.id) s ON s.ref = e.id
WHERE e.partner_points <> coalesce(s.own, 0) OR e.network_points <> coalesce(s.network, 0)
   OR e.co_funded_points <> coalesce(s.co, 0);
