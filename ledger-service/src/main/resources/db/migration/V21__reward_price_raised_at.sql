-- When a reward's price last rose (docs/rewards.md, "Orders"): for a while after a raise, an order that does not state
-- the price the member was shown is refused (409 price-changed), so that a member browsing at the old price is never
-- charged the new one without seeing it.
-- price_before_raise: the lowest price a member may have seen since that notice began (the price before the raise that
-- began it, lowered by any cut since): a raise corrected back down is no raise.
ALTER TABLE reward ADD COLUMN price_raised_at TIMESTAMPTZ, ADD COLUMN price_before_raise BIGINT;
