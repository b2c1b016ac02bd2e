-- A refund of an earning whose points had expired takes them back from breakage (EXPIRY_REVERSAL:
-- network:breakage -> member, then the EARN_REVERSAL to the earning's funders), not from the member's
-- other points: expired points were not spent (docs/ledger.md, "Reverse an earning").
ALTER TABLE transfer DROP CONSTRAINT transfer_kind_check;
ALTER TABLE transfer ADD CONSTRAINT transfer_kind_check CHECK (kind IN ('EARN', 'CAMPAIGN_BONUS', 'GRADE_BONUS',
    'REFERRAL_BONUS', 'EARN_REVERSAL', 'REDEMPTION', 'REDEMPTION_REVERSAL', 'EXPIRY', 'CONVERSION', 'GIFT',
    'ADJUSTMENT', 'FORFEIT', 'REFERRAL_REVERSAL', 'AWARD', 'REWARD_ORDER', 'REWARD_ORDER_REVERSAL',
    'EXPIRY_REVERSAL'));
