-- Bulk awards (docs/ledger.md, "Bulk awards"): an operator, or a partner for its own customers,
-- awards points to many members at once. The audience is resolved into award_member rows when
-- the award is accepted; a worker credits them in bounded batches, each member's credit its own
-- posting (a lot and an AWARD transfer) and its own event, and the row marked CREDITED, all in the
-- batch's one transaction.
--
-- I15: an award credits each of its members at most once. award_member's primary key holds one
-- row per (award, member); a row becomes CREDITED once and never changes again
-- (award_member_final); an AWARD transfer carries its row's posting_id as ref, unique among AWARD
-- transfers (transfer_award_once), and at commit must match a CREDITED row of that member
-- (transfer_award_matches, deferred), so no code path can credit an award's member twice.

ALTER TABLE transfer DROP CONSTRAINT transfer_kind_check;
ALTER TABLE transfer ADD CONSTRAINT transfer_kind_check CHECK (kind IN ('EARN', 'CAMPAIGN_BONUS', 'GRADE_BONUS', 'REFERRAL_BONUS',
    'EARN_REVERSAL', 'REDEMPTION', 'REDEMPTION_REVERSAL', 'EXPIRY', 'CONVERSION', 'GIFT', 'ADJUSTMENT', 'FORFEIT',
    'REFERRAL_REVERSAL', 'AWARD'));
ALTER TABLE lot DROP CONSTRAINT lot_source_check;
ALTER TABLE lot ADD CONSTRAINT lot_source_check CHECK (source IN ('EARN', 'REFERRAL', 'GIFT', 'ADJUSTMENT', 'AWARD'));

CREATE TABLE award (
    id              UUID        PRIMARY KEY,
    owner           TEXT        NOT NULL,           -- the caller's scope: its partner id, or 'network' for operators
    award_id        TEXT        NOT NULL CHECK (length(award_id) BETWEEN 1 AND 100),
    request_hash    TEXT        NOT NULL,
    points          BIGINT      NOT NULL CHECK (points > 0),
    reason          TEXT        NOT NULL,
    campaign_ref    TEXT,
    funded_by       TEXT        NOT NULL CHECK (funded_by IN ('PARTNER', 'NETWORK')),
    partner_id      TEXT,                           -- the funding partner (null for the network)
    audience        TEXT        NOT NULL,           -- MEMBERS, GRADE or SEGMENT, with audience_value
    audience_value  TEXT,
    as_of           DATE,
    actor           TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DONE')),
    members         INT         NOT NULL CHECK (members >= 0),
    credited        INT         NOT NULL DEFAULT 0 CHECK (credited >= 0),
    skipped         INT         NOT NULL DEFAULT 0 CHECK (skipped >= 0),
    points_credited BIGINT      NOT NULL DEFAULT 0 CHECK (points_credited >= 0),
    created_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    UNIQUE (owner, award_id),
    CHECK ((funded_by = 'PARTNER') = (partner_id IS NOT NULL)),
    CHECK (credited + skipped <= members),
    CHECK (points_credited = credited * points),
    CHECK ((status = 'DONE') = (credited + skipped = members AND finished_at IS NOT NULL))
);
CREATE INDEX award_open ON award (created_at) WHERE status <> 'DONE';

CREATE TABLE award_member (
    award      UUID        NOT NULL REFERENCES award (id),
    member_id  TEXT        NOT NULL,
    status     TEXT        NOT NULL CHECK (status IN ('PENDING', 'CREDITED', 'SKIPPED')),
    skip_reason TEXT,                               -- member-left, member-suspended, unknown-member, not-a-customer
    posting_id UUID        UNIQUE,                  -- the credit's lot and transfer ref, once CREDITED
    done_at    TIMESTAMPTZ,
    PRIMARY KEY (award, member_id),
    CHECK ((status = 'CREDITED') = (posting_id IS NOT NULL)),
    CHECK ((status = 'SKIPPED') = (skip_reason IS NOT NULL))
);
-- the worker's claim: the next pending members of an award, in member order, without scanning done ones
CREATE INDEX award_member_pending ON award_member (award, member_id) WHERE status = 'PENDING';

-- I15: a row that is done stays done.
CREATE FUNCTION award_member_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status <> 'PENDING' THEN
        RAISE EXCEPTION 'award % member % is % and final', OLD.award, OLD.member_id, OLD.status USING ERRCODE = '23514';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER award_member_final BEFORE UPDATE OR DELETE ON award_member
    FOR EACH ROW EXECUTE FUNCTION award_member_final();

-- I15: one AWARD transfer per posting id ...
CREATE UNIQUE INDEX transfer_award_once ON transfer (ref) WHERE kind = 'AWARD';

-- ... and that posting id is a CREDITED award member's, crediting that member.
CREATE FUNCTION transfer_award_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM award_member
         WHERE posting_id = NEW.ref AND status = 'CREDITED' AND NEW.credit_account = 'member:' || member_id) THEN
        RAISE EXCEPTION 'AWARD transfer % matches no credited award member (I15)', NEW.ref USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER transfer_award_matches AFTER INSERT ON transfer
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.kind = 'AWARD') EXECUTE FUNCTION transfer_award_matches();
