-- analytics' star schema: facts from ledger.events, dimensions from member/partner events, and
-- per-member features kept current as events arrive (so scores never rescan raw history).
-- Member ids are the network's pseudonymous ids; names, phones and e-mails never reach analytics,
-- and demographics are held only while the member allows personalization.

CREATE TABLE member_dim (
    member_id        TEXT        PRIMARY KEY,
    joined_at        TIMESTAMPTZ NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'LEFT')),
    birth_year       INT,
    gender           TEXT,
    region           TEXT,
    personalization  BOOLEAN     NOT NULL DEFAULT false,
    marketing_sms    BOOLEAN     NOT NULL DEFAULT false,
    marketing_email  BOOLEAN     NOT NULL DEFAULT false,
    marketing_push   BOOLEAN     NOT NULL DEFAULT false,
    grade            TEXT        NOT NULL DEFAULT 'GENERAL',
    grade_as_of      DATE,
    segment          TEXT,
    segment_as_of    DATE,
    CHECK (personalization OR (birth_year IS NULL AND gender IS NULL AND region IS NULL))
);
CREATE INDEX member_dim_joined ON member_dim (joined_at);

CREATE TABLE store_dim (
    partner_id TEXT NOT NULL,
    store_code TEXT NOT NULL,
    name       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    region     TEXT,
    open       BOOLEAN NOT NULL,
    PRIMARY KEY (partner_id, store_code)
);

-- One row per earning; refunds reduce it (net = amount - refunded).
CREATE TABLE purchase_fact (
    earning_id  UUID        PRIMARY KEY,
    member_id   TEXT        NOT NULL,
    partner_id  TEXT        NOT NULL,
    store_code  TEXT        NOT NULL,
    amount      NUMERIC     NOT NULL CHECK (amount >= 0),
    refunded    NUMERIC     NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    currency    TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    day         DATE        NOT NULL,  -- occurred_at's day in the analytics zone
    points      BIGINT      NOT NULL,
    campaign_ids TEXT       NOT NULL DEFAULT ''
);
CREATE INDEX purchase_fact_member ON purchase_fact (member_id, occurred_at);
CREATE INDEX purchase_fact_partner ON purchase_fact (partner_id, occurred_at);

CREATE TABLE redemption_fact (
    redemption_id   UUID        PRIMARY KEY,
    member_id       TEXT        NOT NULL,
    partner_id      TEXT        NOT NULL,
    store_code      TEXT,
    points          BIGINT      NOT NULL,
    reversed_points BIGINT      NOT NULL DEFAULT 0,
    captured_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX redemption_fact_partner ON redemption_fact (partner_id, captured_at);

-- Features, kept incrementally: one row per member and day with a purchase (rolling windows are a
-- range over at most a year of rows of one member), one per member and partner, and the summary.
CREATE TABLE member_day (
    member_id TEXT    NOT NULL,
    day       DATE    NOT NULL,
    purchases INT     NOT NULL,
    net_spend NUMERIC NOT NULL,
    PRIMARY KEY (member_id, day)
);
CREATE INDEX member_day_day ON member_day (day);

CREATE TABLE member_partner (
    member_id  TEXT        NOT NULL,
    partner_id TEXT        NOT NULL,
    purchases  INT         NOT NULL,
    net_spend  NUMERIC     NOT NULL,
    first_at   TIMESTAMPTZ NOT NULL,
    last_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, partner_id)
);
CREATE INDEX member_partner_partner ON member_partner (partner_id);

CREATE TABLE member_features (
    member_id        TEXT        PRIMARY KEY,
    first_purchase_at TIMESTAMPTZ NOT NULL,
    last_purchase_at  TIMESTAMPTZ NOT NULL,
    purchases        INT         NOT NULL,
    purchase_days    INT         NOT NULL,   -- distinct days with a purchase (BG/NBD's x + 1)
    net_spend        NUMERIC     NOT NULL,
    partners         INT         NOT NULL
);

-- The last churn model fit and each member's scores from it.
CREATE TABLE churn_fit (
    as_of          DATE             PRIMARY KEY,
    r              DOUBLE PRECISION NOT NULL,
    alpha          DOUBLE PRECISION NOT NULL,
    a              DOUBLE PRECISION NOT NULL,
    b              DOUBLE PRECISION NOT NULL,
    log_likelihood DOUBLE PRECISION NOT NULL,
    customers      BIGINT           NOT NULL,
    fitted_at      TIMESTAMPTZ      NOT NULL
);
CREATE TABLE churn_score (
    member_id          TEXT             PRIMARY KEY,
    as_of              DATE             NOT NULL,
    p_alive            DOUBLE PRECISION NOT NULL,
    expected_90d       DOUBLE PRECISION NOT NULL
);
