-- What the member ordered, as it was called when they ordered it: a partner may retitle a reward
-- later, and every order read the live title (docs/rewards.md). Orders from before this migration
-- keep reading the reward's title (NULL here).
ALTER TABLE reward_order ADD COLUMN title TEXT;
