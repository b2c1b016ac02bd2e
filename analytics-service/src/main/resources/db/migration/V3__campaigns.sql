-- Campaigns as partner-service publishes them: the A/B results and the offers read them.
CREATE TABLE campaign_dim (
    campaign_id     TEXT        PRIMARY KEY,
    partner_id      TEXT,                 -- null: the operator's network-wide campaign
    name            TEXT        NOT NULL,
    bonus_kind      TEXT        NOT NULL,
    multiplier      NUMERIC,
    fixed_points    BIGINT      NOT NULL,
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    target          TEXT        NOT NULL,
    target_value    TEXT,
    treatment_share NUMERIC     NOT NULL,
    funded_by       TEXT        NOT NULL,
    ended_at        TIMESTAMPTZ
);
CREATE INDEX campaign_dim_active ON campaign_dim (ends_at, starts_at);

-- Offers shown, for the frequency cap (the same offer at most once a day per member).
CREATE TABLE offer_shown (
    member_id   TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    day         DATE NOT NULL,
    PRIMARY KEY (member_id, campaign_id, day)
);

-- Card numbers of members (from member.events), for offers at the POS.
CREATE TABLE card_dim (
    card_number TEXT    PRIMARY KEY,
    member_id   TEXT    NOT NULL,
    active      BOOLEAN NOT NULL
);
CREATE INDEX card_dim_member ON card_dim (member_id);
