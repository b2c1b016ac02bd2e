-- Stores: opened and closed, never deleted; the code is unique within the partner.
CREATE TABLE store (
    partner_id TEXT        NOT NULL REFERENCES partner (id),
    code       TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    channel    TEXT        NOT NULL CHECK (channel IN ('OFFLINE', 'ONLINE')),
    region     TEXT,
    open       BOOLEAN     NOT NULL,
    opened_at  TIMESTAMPTZ NOT NULL,
    closed_at  TIMESTAMPTZ,
    PRIMARY KEY (partner_id, code)
);

-- Earn rules: effective-dated versions, never edited (a purchase earns under the version in
-- force at its time, so history must stay as it was).
CREATE TABLE earn_rule (
    partner_id          TEXT        NOT NULL REFERENCES partner (id),
    version             INT         NOT NULL CHECK (version > 0),
    base_rate           NUMERIC     NOT NULL CHECK (base_rate >= 0.001 AND base_rate <= 0.1),
    store_rates         TEXT        NOT NULL,
    category_rates      TEXT        NOT NULL,
    minimum_purchase    NUMERIC     NOT NULL CHECK (minimum_purchase >= 0),
    per_transaction_cap BIGINT      CHECK (per_transaction_cap > 0),
    pending_days        INT         NOT NULL CHECK (pending_days BETWEEN 0 AND 90),
    validity_months     INT         NOT NULL CHECK (validity_months BETWEEN 1 AND 120),
    backdating_days     INT         NOT NULL CHECK (backdating_days BETWEEN 0 AND 90),
    effective_from      TIMESTAMPTZ NOT NULL,
    published_by        TEXT        NOT NULL,
    published_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, version)
);

CREATE FUNCTION earn_rule_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'earn rule versions are history and never change';
END $$;
CREATE TRIGGER earn_rule_immutable BEFORE UPDATE OR DELETE ON earn_rule FOR EACH ROW EXECUTE FUNCTION earn_rule_immutable();
