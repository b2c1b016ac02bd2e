-- Each active partner has its own confidential OIDC client (client-credentials, role partner,
-- a partner_id claim). Every lifecycle transition is audited: who, when, why.
ALTER TABLE partner ADD COLUMN client_id TEXT UNIQUE;

CREATE TABLE partner_audit (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id    TEXT        NOT NULL REFERENCES partner (id),
    action        TEXT        NOT NULL CHECK (action IN ('REGISTERED', 'ACTIVATED', 'SUSPENDED', 'REINSTATED', 'OFFBOARDED',
                                  'CREDENTIALS_ROTATED')),
    status_before TEXT,
    status_after  TEXT        NOT NULL,
    actor         TEXT        NOT NULL,
    reason        TEXT,
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX partner_audit_partner ON partner_audit (partner_id, at);
