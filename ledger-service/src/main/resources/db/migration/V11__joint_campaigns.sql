-- Joint campaigns (docs/ledger.md, "Joint campaigns"): a partner's campaign for members by their
-- behaviour elsewhere in the network, under their consent, optionally co-funded by a second partner.

-- The member's consent, kept from member.consent-changed: a joint campaign uses a member's purchases
-- at other partners only with personalization and sharing with every partner or with its partner.
-- Members whose consent the ledger has not seen are not eligible (the safe default).
ALTER TABLE member_directory ADD COLUMN personalization BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE member_directory ADD COLUMN share_with_all_partners BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE member_directory ADD COLUMN shared_partner_ids TEXT[] NOT NULL DEFAULT '{}';

ALTER TABLE campaign DROP CONSTRAINT campaign_target_check;
ALTER TABLE campaign ADD CONSTRAINT campaign_target_check
    CHECK (target IN ('EVERYONE', 'GRADE', 'SEGMENT', 'CROSS_PARTNER'));
ALTER TABLE campaign ADD COLUMN audience_partner_id TEXT;
ALTER TABLE campaign ADD COLUMN audience_category TEXT;
ALTER TABLE campaign ADD COLUMN audience_within_days INT;
ALTER TABLE campaign ADD COLUMN audience_not_yet_here BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE campaign ADD CONSTRAINT campaign_audience_check CHECK (
    target <> 'CROSS_PARTNER'
    OR ((audience_partner_id IS NULL) <> (audience_category IS NULL) AND audience_within_days BETWEEN 1 AND 730));
-- The co-funder pays floor(bonus x co_funder_share) of each bonus; the campaign's partner the rest.
ALTER TABLE campaign ADD COLUMN co_funder_id TEXT;
ALTER TABLE campaign ADD COLUMN co_funder_share NUMERIC
    CHECK (co_funder_share IS NULL OR (co_funder_share > 0 AND co_funder_share < 1));
ALTER TABLE campaign ADD CONSTRAINT campaign_co_funding_check CHECK (
    (co_funder_id IS NULL) = (co_funder_share IS NULL)
    AND (co_funder_id IS NULL OR (partner_id IS NOT NULL AND co_funder_id <> partner_id AND funded_by = 'PARTNER')));

-- I19: an earning's points are split exactly between its partner, the network and its co-funders.
ALTER TABLE earning ADD COLUMN co_funded_points BIGINT NOT NULL DEFAULT 0 CHECK (co_funded_points >= 0);
ALTER TABLE earning DROP CONSTRAINT earning_check;
ALTER TABLE earning ADD CONSTRAINT earning_points_split
    CHECK (points = partner_points + network_points + co_funded_points);

-- "bought at X (or in category C) within the window" and "never here before", per member
CREATE INDEX earning_member_partner ON earning (member_id, partner_id, occurred_at);

-- The view of V10, and I19 on the transfers: each funder's transfers of an earning are its part.
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
