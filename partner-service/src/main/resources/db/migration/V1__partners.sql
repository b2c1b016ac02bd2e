-- Partners of the network. Lifecycle: PENDING -> ACTIVE <-> SUSPENDED -> OFFBOARDED.
CREATE TABLE partner (
    id                           TEXT        PRIMARY KEY,
    legal_name                   TEXT        NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
    business_registration_number TEXT        NOT NULL UNIQUE,
    category                     TEXT        NOT NULL,
    contact_email                TEXT        NOT NULL,
    settlement_bank              TEXT        NOT NULL,
    settlement_account_number    TEXT        NOT NULL,
    settlement_account_holder    TEXT        NOT NULL,
    status                       TEXT        NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED')),
    created_at                   TIMESTAMPTZ NOT NULL,
    updated_at                   TIMESTAMPTZ NOT NULL,
    version                      BIGINT      NOT NULL DEFAULT 0
);
