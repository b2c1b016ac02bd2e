-- Points members spent on a partner's rewards (ledger.reward-ordered) and given back for cancelled
-- or failed orders (ledger.reward-order-cancelled, ledger.reward-order-failed) are reimbursed like
-- any redemption, shown on their own line (docs/rewards.md). S1-S4 hold for them as for the rest.
ALTER TABLE settlement_fact ADD COLUMN points_redeemed_rewards BIGINT NOT NULL DEFAULT 0
    CHECK (points_redeemed_rewards >= 0);
ALTER TABLE settlement_fact ADD COLUMN points_redeemed_rewards_reversed BIGINT NOT NULL DEFAULT 0
    CHECK (points_redeemed_rewards_reversed >= 0);
ALTER TABLE settlement_statement ADD COLUMN points_redeemed_rewards BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_statement ADD COLUMN points_redeemed_rewards_reversed BIGINT NOT NULL DEFAULT 0;
