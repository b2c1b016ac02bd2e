-- The double-entry point ledger. Invariants (docs/ledger.md) and where each is enforced:
--   I1  every movement is a transfer of a positive number of points between two different
--       accounts                                                  -> CHECKs on transfer
--   I2  transfers are never edited or deleted                      -> transfer_append_only trigger
--   I3  every account's balance is the sum of its entries, and the sum of all balances is zero,
--       at every commit                                            -> transfer_post trigger: the
--       only writer of balances, in the same statement as the transfer
--   I4  a member's balance = available + pending + held - debt     -> member_balance_consistent
--       (deferred constraint trigger, checked at commit)
--   I5  available, pending, held, debt >= 0; debt > 0 only when nothing is available
--                                                                  -> CHECKs on member_balance
--   I6  a lot's remaining is between 0 and its points              -> CHECK on lot
--   I7  one earning, redemption or reversal per (partner, partner transaction id)
--                                                                  -> UNIQUE keys
--   I8  reversals of an earning never exceed it                    -> CHECKs on earning

-- ---------------------------------------------------------------- directories (from events)
ALTER TABLE partner_directory ADD COLUMN category TEXT;

CREATE TABLE store_directory (
    partner_id TEXT        NOT NULL,
    store_code TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    channel    TEXT        NOT NULL,
    region     TEXT,
    open       BOOLEAN     NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, store_code)
);

-- Earn rules are effective-dated versions; a purchase earns under the newest version whose
-- effective_from is not after the purchase.
CREATE TABLE earn_rule (
    partner_id          TEXT        NOT NULL,
    version             INT         NOT NULL,
    base_rate           NUMERIC     NOT NULL CHECK (base_rate >= 0 AND base_rate <= 1),
    store_rates         TEXT        NOT NULL DEFAULT '{}',
    category_rates      TEXT        NOT NULL DEFAULT '{}',
    minimum_purchase    NUMERIC     NOT NULL DEFAULT 0,
    per_transaction_cap BIGINT,
    pending_days        INT         NOT NULL CHECK (pending_days >= 0),
    validity_months     INT         NOT NULL CHECK (validity_months > 0),
    backdating_days     INT         NOT NULL CHECK (backdating_days >= 0),
    effective_from      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, version)
);
CREATE INDEX earn_rule_in_force ON earn_rule (partner_id, effective_from DESC);

CREATE TABLE campaign (
    campaign_id     TEXT        PRIMARY KEY,
    partner_id      TEXT,
    name            TEXT        NOT NULL,
    bonus_kind      TEXT        NOT NULL CHECK (bonus_kind IN ('MULTIPLIER', 'FIXED')),
    multiplier      NUMERIC,
    fixed_points    BIGINT      NOT NULL DEFAULT 0,
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    target          TEXT        NOT NULL CHECK (target IN ('EVERYONE', 'GRADE', 'SEGMENT')),
    target_value    TEXT,
    budget_points   BIGINT      NOT NULL CHECK (budget_points >= 0),
    treatment_share NUMERIC     NOT NULL CHECK (treatment_share >= 0 AND treatment_share <= 1),
    funded_by       TEXT        NOT NULL CHECK (funded_by IN ('PARTNER', 'NETWORK')),
    ended           BOOLEAN     NOT NULL DEFAULT false,
    -- A budget of 0 means none. The ledger never grants past the budget.
    spent_points    BIGINT      NOT NULL DEFAULT 0 CHECK (spent_points >= 0 AND (budget_points = 0 OR spent_points <= budget_points))
);
CREATE INDEX campaign_active ON campaign (partner_id, starts_at, ends_at) WHERE NOT ended;

CREATE TABLE mileage_program (
    partner_id      TEXT    PRIMARY KEY,
    program_code    TEXT    NOT NULL,
    miles_per_point NUMERIC NOT NULL CHECK (miles_per_point > 0),
    minimum_points  BIGINT  NOT NULL CHECK (minimum_points > 0),
    step_points     BIGINT  NOT NULL CHECK (step_points > 0)
);

CREATE TABLE member_directory (
    member_id        TEXT        PRIMARY KEY,
    status           TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'LEFT')),
    referred_by      TEXT,
    grade            TEXT        NOT NULL DEFAULT 'GENERAL',
    segment          TEXT,
    first_earning_id UUID,
    joined_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE card (
    card_number TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES member_directory (member_id),
    status      TEXT NOT NULL CHECK (status IN ('ACTIVE', 'BLOCKED'))
);
CREATE INDEX card_member ON card (member_id);

-- ---------------------------------------------------------------- accounts and transfers
CREATE TABLE account (
    id         TEXT        PRIMARY KEY,
    kind       TEXT        NOT NULL CHECK (kind IN ('MEMBER', 'PARTNER_ISSUANCE', 'PARTNER_REDEMPTION',
                               'NETWORK_BREAKAGE', 'NETWORK_PROMOTION', 'NETWORK_CONVERSION', 'NETWORK_ADJUSTMENT')),
    owner_id   TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO account (id, kind) VALUES
    ('network:breakage', 'NETWORK_BREAKAGE'),
    ('network:promotion', 'NETWORK_PROMOTION'),
    ('network:conversion', 'NETWORK_CONVERSION'),
    ('network:adjustment', 'NETWORK_ADJUSTMENT');

-- The balance of a partner or network account is the sum of its shard rows. Each posting adds to
-- the shard of its member (hash of the member id), so earnings of different members do not queue
-- on one row (no hot row for a partner or for the network).
CREATE TABLE account_shard (
    account_id TEXT     NOT NULL REFERENCES account (id),
    shard      SMALLINT NOT NULL,
    balance    BIGINT   NOT NULL,
    PRIMARY KEY (account_id, shard)
);

-- One row per member account. balance is written only by transfer_post (I3); the breakdown by the
-- service, under the row lock (SELECT ... FOR UPDATE) that serializes one member's postings.
CREATE TABLE member_balance (
    member_id       TEXT        PRIMARY KEY,
    account_id      TEXT        NOT NULL UNIQUE REFERENCES account (id),
    balance         BIGINT      NOT NULL DEFAULT 0,
    available       BIGINT      NOT NULL DEFAULT 0 CHECK (available >= 0),
    pending         BIGINT      NOT NULL DEFAULT 0 CHECK (pending >= 0),
    held            BIGINT      NOT NULL DEFAULT 0 CHECK (held >= 0),
    debt            BIGINT      NOT NULL DEFAULT 0 CHECK (debt >= 0),
    lifetime_earned BIGINT      NOT NULL DEFAULT 0 CHECK (lifetime_earned >= 0),
    spent           BIGINT      NOT NULL DEFAULT 0 CHECK (spent >= 0),
    expired         BIGINT      NOT NULL DEFAULT 0 CHECK (expired >= 0),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (debt = 0 OR available = 0)
);

CREATE TABLE transfer (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    debit_account  TEXT        NOT NULL REFERENCES account (id),
    credit_account TEXT        NOT NULL REFERENCES account (id),
    amount         BIGINT      NOT NULL CHECK (amount > 0),
    kind           TEXT        NOT NULL CHECK (kind IN ('EARN', 'CAMPAIGN_BONUS', 'GRADE_BONUS', 'REFERRAL_BONUS',
                                   'EARN_REVERSAL', 'REDEMPTION', 'REDEMPTION_REVERSAL', 'EXPIRY', 'CONVERSION',
                                   'GIFT', 'ADJUSTMENT', 'FORFEIT')),
    ref            UUID        NOT NULL,
    partner_id     TEXT,
    shard          SMALLINT    NOT NULL CHECK (shard >= 0 AND shard < 64),
    posted_at      TIMESTAMPTZ NOT NULL,
    CHECK (debit_account <> credit_account)
);
CREATE INDEX transfer_debit ON transfer (debit_account, id);
CREATE INDEX transfer_credit ON transfer (credit_account, id);
CREATE INDEX transfer_partner ON transfer (partner_id, posted_at) INCLUDE (kind, amount) WHERE partner_id IS NOT NULL;
CREATE INDEX transfer_ref ON transfer (ref);

-- I3: the only writer of balances. A transfer and both balance changes are one statement, so no
-- code path can post without them, and every committed state has balances = sums of entries.
CREATE FUNCTION transfer_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF starts_with(NEW.debit_account, 'member:') THEN
        UPDATE member_balance SET balance = balance - NEW.amount WHERE account_id = NEW.debit_account;
        IF NOT FOUND THEN RAISE EXCEPTION 'no member balance for %', NEW.debit_account; END IF;
    ELSE
        INSERT INTO account_shard AS s (account_id, shard, balance) VALUES (NEW.debit_account, NEW.shard, -NEW.amount)
        ON CONFLICT (account_id, shard) DO UPDATE SET balance = s.balance - NEW.amount;
    END IF;
    IF starts_with(NEW.credit_account, 'member:') THEN
        UPDATE member_balance SET balance = balance + NEW.amount WHERE account_id = NEW.credit_account;
        IF NOT FOUND THEN RAISE EXCEPTION 'no member balance for %', NEW.credit_account; END IF;
    ELSE
        INSERT INTO account_shard AS s (account_id, shard, balance) VALUES (NEW.credit_account, NEW.shard, NEW.amount)
        ON CONFLICT (account_id, shard) DO UPDATE SET balance = s.balance + NEW.amount;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER transfer_post AFTER INSERT ON transfer FOR EACH ROW EXECUTE FUNCTION transfer_post();

-- I2
CREATE FUNCTION transfer_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'transfers are append-only';
END $$;
CREATE TRIGGER transfer_append_only BEFORE UPDATE OR DELETE ON transfer FOR EACH ROW EXECUTE FUNCTION transfer_append_only();
CREATE TRIGGER transfer_no_truncate BEFORE TRUNCATE ON transfer FOR EACH STATEMENT EXECUTE FUNCTION transfer_append_only();

-- I4, checked at commit on the row as it is then (the row is re-read: NEW is the row as one
-- statement left it, and a posting updates the row in several statements).
CREATE FUNCTION member_balance_consistent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b member_balance%ROWTYPE;
BEGIN
    SELECT * INTO b FROM member_balance WHERE member_id = NEW.member_id;
    IF FOUND AND b.balance <> b.available + b.pending + b.held - b.debt THEN
        RAISE EXCEPTION 'member % balance % <> available % + pending % + held % - debt %',
            b.member_id, b.balance, b.available, b.pending, b.held, b.debt USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER member_balance_consistent AFTER INSERT OR UPDATE ON member_balance
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION member_balance_consistent();

-- ---------------------------------------------------------------- lots
-- Each credit to a member is a lot. matured = counted in available (else in pending). Spends
-- draw from matured lots in (expires_at, id) order and record the draw in lot_draw.
CREATE TABLE lot (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id        TEXT        NOT NULL REFERENCES member_balance (member_id),
    source           TEXT        NOT NULL CHECK (source IN ('EARN', 'REFERRAL', 'GIFT', 'ADJUSTMENT')),
    ref              UUID        NOT NULL,
    points           BIGINT      NOT NULL CHECK (points > 0),
    remaining        BIGINT      NOT NULL CHECK (remaining >= 0 AND remaining <= points),
    expired          BIGINT      NOT NULL DEFAULT 0 CHECK (expired >= 0 AND expired <= points),
    earned_at        TIMESTAMPTZ NOT NULL,
    available_at     TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL CHECK (expires_at >= available_at),
    matured          BOOLEAN     NOT NULL,
    expiry_notified  BOOLEAN     NOT NULL DEFAULT false
);
CREATE INDEX lot_open ON lot (member_id, expires_at, id) WHERE remaining > 0;
CREATE INDEX lot_pending ON lot (member_id, available_at) WHERE NOT matured;
CREATE INDEX lot_maturing ON lot (available_at) WHERE NOT matured;
CREATE INDEX lot_expiring ON lot (expires_at) WHERE remaining > 0;
CREATE INDEX lot_ref ON lot (ref);

-- Which lots a spend (or a debit) took its points from; restoring a spend puts back exactly these.
CREATE TABLE lot_draw (
    id        BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref       UUID        NOT NULL,
    lot_id    BIGINT      NOT NULL REFERENCES lot (id),
    points    BIGINT      NOT NULL CHECK (points > 0),
    reason    TEXT        NOT NULL CHECK (reason IN ('HOLD', 'GIFT', 'CONVERSION', 'EARN_REVERSAL', 'ADJUSTMENT',
                              'DEBT_REPAYMENT', 'FORFEIT')),
    restored  BOOLEAN     NOT NULL DEFAULT false,
    drawn_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX lot_draw_ref ON lot_draw (ref);

-- ---------------------------------------------------------------- operations
CREATE TABLE earning (
    id               UUID        PRIMARY KEY,
    partner_id       TEXT        NOT NULL,
    partner_tx_id    TEXT        NOT NULL,
    request_hash     TEXT        NOT NULL,
    member_id        TEXT        NOT NULL,
    store_code       TEXT        NOT NULL,
    amount           NUMERIC     NOT NULL CHECK (amount > 0),
    currency         TEXT        NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    points           BIGINT      NOT NULL CHECK (points >= 0),
    base_points      BIGINT      NOT NULL CHECK (base_points >= 0),
    partner_points   BIGINT      NOT NULL CHECK (partner_points >= 0),
    network_points   BIGINT      NOT NULL CHECK (network_points >= 0),
    bonuses          TEXT        NOT NULL,
    grade_multiplier NUMERIC     NOT NULL,
    available_at     TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    lot_id           BIGINT      REFERENCES lot (id),
    refunded_amount  NUMERIC     NOT NULL DEFAULT 0,
    reversed_points  BIGINT      NOT NULL DEFAULT 0,
    posted_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (partner_id, partner_tx_id),
    CHECK (points = partner_points + network_points),
    CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    CHECK (reversed_points >= 0 AND reversed_points <= points)
);
CREATE INDEX earning_member ON earning (member_id, posted_at);

CREATE TABLE earning_reversal (
    id            UUID        PRIMARY KEY,
    earning_id    UUID        NOT NULL REFERENCES earning (id),
    partner_id    TEXT        NOT NULL,
    partner_tx_id TEXT        NOT NULL,
    request_hash  TEXT        NOT NULL,
    refund_amount NUMERIC     NOT NULL CHECK (refund_amount > 0),
    points        BIGINT      NOT NULL CHECK (points >= 0),
    debt_incurred BIGINT      NOT NULL CHECK (debt_incurred >= 0),
    posted_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (partner_id, partner_tx_id)
);

CREATE TABLE redemption (
    id             UUID        PRIMARY KEY,
    partner_id     TEXT        NOT NULL,
    partner_tx_id  TEXT        NOT NULL,
    request_hash   TEXT        NOT NULL,
    member_id      TEXT        NOT NULL,
    store_code     TEXT        NOT NULL,
    points         BIGINT      NOT NULL CHECK (points > 0),
    captured       BIGINT      NOT NULL DEFAULT 0 CHECK (captured >= 0 AND captured <= points),
    status         TEXT        NOT NULL CHECK (status IN ('HELD', 'CAPTURED', 'VOIDED', 'LAPSED', 'REVERSED')),
    expires_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (partner_id, partner_tx_id)
);
CREATE INDEX redemption_lapsing ON redemption (expires_at) WHERE status = 'HELD';

CREATE TABLE redemption_reversal (
    id            UUID        PRIMARY KEY,
    redemption_id UUID        NOT NULL UNIQUE REFERENCES redemption (id),
    partner_id    TEXT        NOT NULL,
    partner_tx_id TEXT        NOT NULL,
    points        BIGINT      NOT NULL CHECK (points > 0),
    posted_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (partner_id, partner_tx_id)
);

-- Member-initiated operations are idempotent on the client's Idempotency-Key.
CREATE TABLE member_operation (
    id                  UUID        PRIMARY KEY,
    member_id           TEXT        NOT NULL,
    kind                TEXT        NOT NULL CHECK (kind IN ('GIFT', 'CONVERSION', 'ADJUSTMENT', 'FORFEIT')),
    idempotency_key     TEXT        NOT NULL,
    request_hash        TEXT        NOT NULL,
    counterparty        TEXT,
    points              BIGINT      NOT NULL,
    miles               BIGINT,
    reason              TEXT,
    actor               TEXT,
    posted_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (member_id, kind, idempotency_key)
);
CREATE INDEX member_operation_day ON member_operation (member_id, kind, posted_at);

CREATE TABLE referral_bonus (
    member_id   TEXT        PRIMARY KEY,
    referrer_id TEXT        NOT NULL,
    earning_id  UUID        NOT NULL,
    paid_at     TIMESTAMPTZ NOT NULL
);

-- Anything whose sum is not zero is a bug; tests and operators query this view (empty = healthy).
CREATE VIEW ledger_invariant_violation AS
SELECT 'sum of all balances is not zero' AS violation, NULL AS account_id, total AS detail
FROM (SELECT (SELECT coalesce(sum(balance), 0) FROM member_balance) + (SELECT coalesce(sum(balance), 0) FROM account_shard) AS total) t
WHERE total <> 0
UNION ALL
SELECT 'member balance is not the sum of its entries', m.account_id, m.balance - coalesce(e.sum, 0)
FROM member_balance m LEFT JOIN (
    SELECT account, sum(amount) AS sum FROM (
        SELECT credit_account AS account, amount FROM transfer
        UNION ALL SELECT debit_account, -amount FROM transfer) x GROUP BY account) e ON e.account = m.account_id
WHERE m.balance <> coalesce(e.sum, 0)
UNION ALL
SELECT 'account balance is not the sum of its entries', a.account_id, a.balance - coalesce(e.sum, 0)
FROM (SELECT account_id, sum(balance) AS balance FROM account_shard GROUP BY account_id) a LEFT JOIN (
    SELECT account, sum(amount) AS sum FROM (
        SELECT credit_account AS account, amount FROM transfer
        UNION ALL SELECT debit_account, -amount FROM transfer) x GROUP BY account) e ON e.account = a.account_id
WHERE a.balance <> coalesce(e.sum, 0)
UNION ALL
SELECT 'available/pending is not the sum of the lots', m.member_id,
       (m.available - coalesce(l.available, 0)) + (m.pending - coalesce(l.pending, 0))
FROM member_balance m LEFT JOIN (
    SELECT member_id, sum(remaining) FILTER (WHERE matured) AS available, sum(remaining) FILTER (WHERE NOT matured) AS pending
    FROM lot GROUP BY member_id) l ON l.member_id = m.member_id
WHERE m.available <> coalesce(l.available, 0) OR m.pending <> coalesce(l.pending, 0)
UNION ALL
SELECT 'held is not the sum of the open holds', m.member_id, m.held - coalesce(h.held, 0)
FROM member_balance m LEFT JOIN (
    SELECT r.member_id, sum(d.points) AS held FROM redemption r JOIN lot_draw d ON d.ref = r.id AND NOT d.restored
    WHERE r.status = 'HELD' GROUP BY r.member_id) h ON h.member_id = m.member_id
WHERE m.held <> coalesce(h.held, 0);
