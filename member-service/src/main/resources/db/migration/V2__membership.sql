-- Membership: profile, cards, consent (with its history), referrals, grades, notifications.
-- The member id is the identity provider's subject (the ledger and analytics use the same id).
-- Personal data (name, mobile number, e-mail, demographics, consent history, inbox) lives only
-- here and is erased when the member leaves; what stays is the bare id and dates.

ALTER TABLE member DROP COLUMN card_number;
ALTER TABLE member
    ADD COLUMN birth_year      INT CHECK (birth_year BETWEEN 1900 AND 2100),
    ADD COLUMN gender          TEXT CHECK (gender IN ('F', 'M', 'X')),
    ADD COLUMN region          TEXT CHECK (length(region) <= 60),
    ADD COLUMN referral_code   TEXT UNIQUE CHECK (referral_code ~ '^[A-Z0-9]{8}$'),
    ADD COLUMN referred_by     TEXT REFERENCES member (id),
    ADD COLUMN grade           TEXT NOT NULL DEFAULT 'GENERAL' CHECK (grade IN ('VVIP', 'VIP', 'LOYAL', 'GENERAL')),
    ADD COLUMN segment         TEXT,
    ADD COLUMN net_spend_12m   NUMERIC,
    ADD COLUMN grade_as_of     DATE,
    ADD COLUMN left_at         TIMESTAMPTZ,
    ADD COLUMN version         BIGINT NOT NULL DEFAULT 0,
    ADD CONSTRAINT member_no_self_referral CHECK (referred_by IS NULL OR referred_by <> id),
    -- A member who left keeps no personal data.
    ADD CONSTRAINT member_left_is_erased CHECK (status <> 'LEFT' OR (name IS NULL AND mobile_number IS NULL
        AND email IS NULL AND birth_year IS NULL AND gender IS NULL AND region IS NULL AND referral_code IS NULL)),
    ADD CONSTRAINT member_active_has_profile CHECK (status = 'LEFT' OR (name IS NOT NULL AND mobile_number IS NOT NULL));
ALTER TABLE member ADD CONSTRAINT member_mobile_e164 CHECK (mobile_number ~ '^\+[1-9][0-9]{7,14}$');
CREATE INDEX member_referred_by ON member (referred_by, joined_at) WHERE referred_by IS NOT NULL;

-- Cards: 16 digits, network prefix, Luhn check digit; a member has at most one ACTIVE card.
CREATE TABLE card (
    card_number TEXT        PRIMARY KEY CHECK (card_number ~ '^[0-9]{16}$'),
    member_id   TEXT        NOT NULL REFERENCES member (id),
    status      TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'BLOCKED')),
    issued_at   TIMESTAMPTZ NOT NULL,
    blocked_at  TIMESTAMPTZ,
    CHECK ((status = 'BLOCKED') = (blocked_at IS NOT NULL))
);
CREATE UNIQUE INDEX card_one_active_per_member ON card (member_id) WHERE status = 'ACTIVE';

-- The member's current consent choices, and every change with its time.
CREATE TABLE consent (
    member_id               TEXT        PRIMARY KEY REFERENCES member (id),
    marketing_sms           BOOLEAN     NOT NULL,
    marketing_email         BOOLEAN     NOT NULL,
    marketing_push          BOOLEAN     NOT NULL,
    personalization         BOOLEAN     NOT NULL,
    share_with_all_partners BOOLEAN     NOT NULL,
    shared_partner_ids      TEXT        NOT NULL DEFAULT '',  -- comma separated, sorted
    updated_at              TIMESTAMPTZ NOT NULL
);
CREATE TABLE consent_change (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id  TEXT        NOT NULL REFERENCES member (id),
    changed_at TIMESTAMPTZ NOT NULL,
    choices    TEXT        NOT NULL   -- the complete choices after the change, as JSON
);
CREATE INDEX consent_change_member ON consent_change (member_id, id);

-- Referrals: made at joining, completed by the referred member's first purchase (the ledger pays).
CREATE TABLE referral (
    referred_id  TEXT        PRIMARY KEY REFERENCES member (id),
    referrer_id  TEXT        NOT NULL REFERENCES member (id),
    referred_at  TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    CHECK (referred_id <> referrer_id)
);
CREATE INDEX referral_referrer ON referral (referrer_id, referred_at);

-- The in-app inbox.
CREATE TABLE notification (
    id         UUID        PRIMARY KEY,
    member_id  TEXT        NOT NULL REFERENCES member (id),
    kind       TEXT        NOT NULL,
    title      TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    points     BIGINT,
    source     TEXT        NOT NULL,   -- the event (and member) it came from: one notification per fact
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ,
    UNIQUE (source)
);
CREATE INDEX notification_inbox ON notification (member_id, created_at DESC);

-- The network's latest grade thresholds (from analytics), for members' progress.
CREATE TABLE grade_threshold (
    grade              TEXT    PRIMARY KEY,
    minimum_net_spend  NUMERIC NOT NULL,
    as_of              DATE    NOT NULL
);

-- Operators' actions on members.
CREATE TABLE member_audit (
    id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id  TEXT        NOT NULL REFERENCES member (id),
    action     TEXT        NOT NULL,
    actor      TEXT        NOT NULL,
    reason     TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
