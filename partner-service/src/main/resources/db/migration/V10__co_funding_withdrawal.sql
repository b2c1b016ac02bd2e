-- A co-funder that accepted may withdraw (docs/partners.md, "Joint campaigns"): the campaign ends.
ALTER TABLE campaign DROP CONSTRAINT campaign_co_funding_status_check;
ALTER TABLE campaign ADD CONSTRAINT campaign_co_funding_status_check
    CHECK (co_funding_status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'));
