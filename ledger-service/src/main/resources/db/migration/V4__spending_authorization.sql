-- Spending needs the member (docs/ledger.md, "Spending authorization"): a hold is placed only with
-- the card and the member's spending PIN, a one-time payment code from the member's app, or, for a
-- support case, by an operator with a reason. Each hold records which, in the same transaction.

-- I12: a PIN is stored only as a slow salted hash (Argon2id, PHC string), never as itself.
-- Wrong PINs are counted here, in the database, so the lock holds across restarts and instances.
CREATE TABLE spending_pin (
    member_id       TEXT        PRIMARY KEY,
    pin_hash        TEXT        NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
    failed_attempts INT         NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- One-time payment codes. Only a SHA-256 of each code is kept (a read of this table shows no live
-- code); a code is used at most once (I13: redemption_id is set once, and is unique).
CREATE TABLE payment_code (
    code_hash     TEXT        PRIMARY KEY CHECK (length(code_hash) = 64),
    member_id     TEXT        NOT NULL,
    max_points    BIGINT      CHECK (max_points > 0),
    expires_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    redemption_id UUID        UNIQUE,
    CHECK (expires_at > created_at)
);
CREATE INDEX payment_code_member ON payment_code (member_id, expires_at);
CREATE INDEX payment_code_expiry ON payment_code (expires_at);

-- How each hold was authorized. I14: every redemption has exactly one row here, written in the
-- transaction that inserted the redemption (checked at commit by the trigger below).
CREATE TABLE redemption_authorization (
    redemption_id UUID        PRIMARY KEY REFERENCES redemption (id),
    method        TEXT        NOT NULL CHECK (method IN ('PIN', 'PAYMENT_CODE', 'OPERATOR')),
    actor         TEXT,
    reason        TEXT,
    CHECK (method <> 'OPERATOR' OR (actor IS NOT NULL AND length(trim(reason)) > 0))
);

CREATE FUNCTION redemption_is_authorized() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM redemption_authorization WHERE redemption_id = NEW.id) THEN
        RAISE EXCEPTION 'redemption % has no member authorization (I14)', NEW.id USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER redemption_authorized AFTER INSERT ON redemption
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION redemption_is_authorized();

-- A forgotten PIN: an operator removes it after checking who is calling (support), with a reason;
-- the member then sets a new one in the app. Every reset is kept here.
CREATE TABLE spending_pin_reset (
    id       BIGSERIAL   PRIMARY KEY,
    member_id TEXT       NOT NULL,
    actor    TEXT        NOT NULL,
    reason   TEXT        NOT NULL CHECK (length(trim(reason)) > 0),
    reset_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX spending_pin_reset_member ON spending_pin_reset (member_id, reset_at);
