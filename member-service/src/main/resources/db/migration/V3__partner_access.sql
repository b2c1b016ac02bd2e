-- Each partner's lifecycle status, kept from partner.events, so that a suspended or offboarded
-- partner's tokens (integration and staff alike) are refused at once (platform's PartnerAccessFilter,
-- pointmesh.partner-access.barred-query). Nothing else about partners is kept here.
CREATE TABLE partner_access (
    partner_id TEXT        PRIMARY KEY,
    status     TEXT        NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED')),
    updated_at TIMESTAMPTZ NOT NULL
);
