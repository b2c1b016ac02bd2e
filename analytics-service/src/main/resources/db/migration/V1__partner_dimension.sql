-- The partner dimension of analytics' star schema, kept from partner.events.
CREATE TABLE partner_dim (
    partner_id    TEXT        PRIMARY KEY,
    legal_name    TEXT        NOT NULL,
    category      TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
