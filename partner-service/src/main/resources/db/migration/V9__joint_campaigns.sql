-- Joint campaigns (docs/partners.md, "Joint campaigns"): a campaign for members by their behaviour
-- elsewhere in the network (target CROSS_PARTNER and its audience), and co-funding by a second
-- partner, which pays its share of each bonus only once it has accepted.
ALTER TABLE campaign DROP CONSTRAINT campaign_target_check;
ALTER TABLE campaign ADD CONSTRAINT campaign_target_check
    CHECK (target IN ('EVERYONE', 'GRADE', 'SEGMENT', 'CROSS_PARTNER'));
ALTER TABLE campaign DROP CONSTRAINT campaign_check2;
ALTER TABLE campaign ADD CONSTRAINT campaign_target_value_check
    CHECK ((target IN ('EVERYONE', 'CROSS_PARTNER')) = (target_value IS NULL));

ALTER TABLE campaign ADD COLUMN audience_partner_id TEXT REFERENCES partner (id);
ALTER TABLE campaign ADD COLUMN audience_category TEXT;
ALTER TABLE campaign ADD COLUMN audience_within_days INT;
ALTER TABLE campaign ADD COLUMN audience_not_yet_here BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE campaign ADD CONSTRAINT campaign_audience_check CHECK (
    (target = 'CROSS_PARTNER') = (audience_within_days IS NOT NULL)
    AND (target <> 'CROSS_PARTNER'
         OR ((audience_partner_id IS NULL) <> (audience_category IS NULL)
             AND audience_within_days BETWEEN 1 AND 730
             AND audience_partner_id IS DISTINCT FROM partner_id)));

ALTER TABLE campaign ADD COLUMN co_funder_id TEXT REFERENCES partner (id);
ALTER TABLE campaign ADD COLUMN co_funder_share NUMERIC
    CHECK (co_funder_share IS NULL OR (co_funder_share > 0 AND co_funder_share < 1));
-- PENDING until the co-funder accepts (only then is the campaign published to the ledger) or declines.
ALTER TABLE campaign ADD COLUMN co_funding_status TEXT CHECK (co_funding_status IN ('PENDING', 'ACCEPTED', 'DECLINED'));
ALTER TABLE campaign ADD COLUMN co_funding_decided_by TEXT;
ALTER TABLE campaign ADD COLUMN co_funding_decided_at TIMESTAMPTZ;
ALTER TABLE campaign ADD CONSTRAINT campaign_co_funding_check CHECK (
    (co_funder_id IS NULL) = (co_funder_share IS NULL)
    AND (co_funder_id IS NULL) = (co_funding_status IS NULL)
    AND (co_funder_id IS NULL OR (co_funder_id <> partner_id AND funded_by = 'PARTNER')));
CREATE INDEX campaign_co_funder ON campaign (co_funder_id, created_at) WHERE co_funder_id IS NOT NULL;

-- Co-funding on the statements: of points_issued, those the partner paid on other partners' joint
-- campaigns (net of reversals); and, for the campaign's partner, those its co-funders paid on its
-- campaigns (informational: charged to the co-funders, not to it). Signed: a reversal's fact is negative.
ALTER TABLE settlement_fact ADD COLUMN points_co_funded_for_partners BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_fact ADD COLUMN points_co_funded_by_partners BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_statement ADD COLUMN points_co_funded_for_partners BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_statement ADD COLUMN points_co_funded_by_partners BIGINT NOT NULL DEFAULT 0;
