-- When a reward's price last rose (docs/rewards.md, "Orders"): for a while after a raise, an order that does not state
-- the price the member was shown is refused (409 price-changed), so that a member browsing at the old price is never
-- charged the new one without seeing it.
ALTER TABLE reward ADD COLUMN price_raised_at TIMESTAMPTZ;
