-- The ledger's own copy of what it needs to know about partners, kept from partner.events, so
-- that earning and redeeming never wait on a call to partner-service.
CREATE TABLE partner_directory (
    partner_id TEXT        PRIMARY KEY,
    legal_name TEXT        NOT NULL,
    status     TEXT        NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED')),
    updated_at TIMESTAMPTZ NOT NULL
);
