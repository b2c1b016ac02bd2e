-- Reward orders are listed a page at a time, newest first, from a cursor (created_at, id): a member's orders (the only
-- place a coupon's code is shown, so none may fall off a capped list) and a partner's.
CREATE INDEX reward_order_member_pages ON reward_order (member_id, created_at DESC, id DESC);
CREATE INDEX reward_order_partner_pages ON reward_order (partner_id, created_at DESC, id DESC);
