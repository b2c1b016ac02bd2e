-- A refund of an earning takes back its points from the earning's own lot first: what remains of it, then what of it
-- expired (V22), then the member's other points, the rest as debt. When some of the lot's points were out on a draw
-- that can still come back (a hold, a captured hold a partner may reverse, a reward order that may fail, and another
-- refund's draw or a debt repayment, which such a settlement gives back), the refund took that share from elsewhere;
-- the lot now records it as owed. When those points come back, they settle what the lot owes instead of returning
-- into it: they repay the member's debt, then give back what the refund drew from the member's other lots, then the
-- member's debt repayments drawn since (the refund's debt that later points repaid), and only the rest returns into the lot.
-- Before, they returned into the lot, expired with it if it had expired meanwhile, and the member paid for the
-- refunded points twice (docs/ledger.md, "Reverse an earning").
--   I23 a lot's owed points are between 0 and its points; only a refund of its earning raises them, only points
--       coming back to the lot lower them.
-- (a constant default: no rewrite; the check scans the table once, under the migration's lock)
ALTER TABLE lot ADD COLUMN owed BIGINT NOT NULL DEFAULT 0 CONSTRAINT lot_owed_check CHECK (owed >= 0 AND owed <= points);
-- the last draw (lot_draw.id) before the lot started owing (from nothing owed): only debt repayments drawn after it
-- can have repaid the refund's debt, so only those are given back (an older repayment repaid another debt)
ALTER TABLE lot ADD COLUMN owed_since_draw BIGINT;

-- the points of a lot still out on draws that may come back (the refund reads them under the lot's lock)
CREATE INDEX lot_draw_open_by_lot ON lot_draw (lot_id)
    WHERE NOT restored AND reason IN ('HOLD', 'REWARD_ORDER', 'EARN_REVERSAL', 'DEBT_REPAYMENT');
-- an earning's refunds, for giving back what they drew from the member's other lots when its lot's owed points return
CREATE INDEX earning_reversal_earning ON earning_reversal (earning_id);
