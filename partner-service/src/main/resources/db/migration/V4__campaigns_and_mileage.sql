-- Campaigns: a bonus (multiplier or fixed points) over a period, for a target, within a points
-- budget the ledger stops at, with an A/B split decided from the member id (CampaignAssignment).
CREATE TABLE campaign (
    id              TEXT        PRIMARY KEY,
    partner_id      TEXT        NOT NULL REFERENCES partner (id),
    name            TEXT        NOT NULL,
    bonus_kind      TEXT        NOT NULL CHECK (bonus_kind IN ('MULTIPLIER', 'FIXED')),
    multiplier      NUMERIC     CHECK (multiplier IS NULL OR (multiplier > 1 AND multiplier <= 10)),
    fixed_points    BIGINT      NOT NULL DEFAULT 0 CHECK (fixed_points >= 0),
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    target          TEXT        NOT NULL CHECK (target IN ('EVERYONE', 'GRADE', 'SEGMENT')),
    target_value    TEXT,
    budget_points   BIGINT      NOT NULL CHECK (budget_points >= 0),
    treatment_share NUMERIC     NOT NULL CHECK (treatment_share > 0 AND treatment_share <= 1),
    funded_by       TEXT        NOT NULL CHECK (funded_by IN ('PARTNER', 'NETWORK')),
    created_by      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    CHECK (ends_at > starts_at),
    CHECK ((bonus_kind = 'MULTIPLIER' AND multiplier IS NOT NULL) OR (bonus_kind = 'FIXED' AND fixed_points > 0)),
    CHECK ((target = 'EVERYONE') = (target_value IS NULL))
);
CREATE INDEX campaign_partner ON campaign (partner_id, starts_at);

-- A mileage partner's conversion terms: points to miles.
CREATE TABLE mileage_program (
    partner_id      TEXT        PRIMARY KEY REFERENCES partner (id),
    program_code    TEXT        NOT NULL,
    miles_per_point NUMERIC     NOT NULL CHECK (miles_per_point > 0),
    minimum_points  BIGINT      NOT NULL CHECK (minimum_points > 0),
    step_points     BIGINT      NOT NULL CHECK (step_points > 0),
    updated_by      TEXT        NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
