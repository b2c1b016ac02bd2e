-- Members of the network. Personal data (name, phone, e-mail) lives only here, and is erased
-- when a member leaves.
CREATE TABLE member (
    id            TEXT        PRIMARY KEY,
    subject       TEXT        NOT NULL UNIQUE,   -- the identity provider's account (token sub)
    name          TEXT,
    mobile_number TEXT        UNIQUE,
    email         TEXT,
    card_number   TEXT        UNIQUE,
    status        TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'LEFT')),
    joined_at     TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX member_name ON member (lower(name));
