-- Joint campaigns (docs/analytics.md, "Joint campaigns"): a partner's campaign for members by their
-- behaviour at other partners (target CROSS_PARTNER), optionally co-funded by a second partner, as
-- partner.campaign-published carries it. Results and the lift report find the campaign's population
-- from these columns; nothing else reads them.
ALTER TABLE campaign_dim
    ADD COLUMN audience_partner_id   TEXT,                          -- bought at this partner ...
    ADD COLUMN audience_category     TEXT,                          -- ... or at any partner of this category
    ADD COLUMN audience_within_days  INT,                           -- within this many days before the start
    ADD COLUMN audience_not_yet_here BOOLEAN NOT NULL DEFAULT false, -- and never at the campaign's partner
    ADD COLUMN co_funder_id          TEXT,
    ADD COLUMN co_funder_share       NUMERIC;
CREATE INDEX campaign_dim_co_funder ON campaign_dim (co_funder_id) WHERE co_funder_id IS NOT NULL;

-- Whom the member lets partners see their behaviour at other partners (member.consent-changed carries
-- it whole). NULL: analytics has not seen the member's consent since it began keeping this (members
-- who consented before V9 count again from their next consent change): such a member is in no joint
-- campaign's population, as in the ledger, where an unknown consent is no consent.
ALTER TABLE member_dim
    ADD COLUMN share_with_all_partners BOOLEAN,
    ADD COLUMN shared_partner_ids      TEXT[] NOT NULL DEFAULT '{}';
