-- Settlement: what the ledger reports per partner, netted into statements.
--
-- Invariants (enforced here, relied on by SettlementService):
--   S1 a ledger fact is counted once: fact_key is the ledger's own operation id, unique;
--   S2 a fact belongs to at most one statement and never moves: statement_id goes from NULL to a
--      statement once (trigger below), so closed statements can never be re-counted;
--   S3 a closed statement is immutable: no UPDATE or DELETE (trigger below);
--   S4 a statement's figures are the sums of exactly the facts assigned to it (one statement does
--      the assigning and the summing: see SettlementService.close).

CREATE TABLE settlement_fact (
    fact_key                 TEXT        PRIMARY KEY,       -- e.g. 'earn:<earningId>'
    partner_id               TEXT        NOT NULL,
    posted_at                TIMESTAMPTZ NOT NULL,          -- the ledger's posting time (the event's time)
    points_issued            BIGINT      NOT NULL DEFAULT 0 CHECK (points_issued >= 0),
    points_issued_reversed   BIGINT      NOT NULL DEFAULT 0 CHECK (points_issued_reversed >= 0),
    network_funded           BIGINT      NOT NULL DEFAULT 0 CHECK (network_funded >= 0),
    network_funded_reversed  BIGINT      NOT NULL DEFAULT 0 CHECK (network_funded_reversed >= 0),
    points_redeemed          BIGINT      NOT NULL DEFAULT 0 CHECK (points_redeemed >= 0),
    points_redeemed_reversed BIGINT      NOT NULL DEFAULT 0 CHECK (points_redeemed_reversed >= 0),
    points_converted         BIGINT      NOT NULL DEFAULT 0 CHECK (points_converted >= 0),
    statement_id             UUID
);
CREATE INDEX settlement_fact_open ON settlement_fact (partner_id, posted_at) WHERE statement_id IS NULL;
CREATE INDEX settlement_fact_statement ON settlement_fact (statement_id) WHERE statement_id IS NOT NULL;

CREATE TABLE settlement_statement (
    id                       UUID        PRIMARY KEY,
    partner_id               TEXT        NOT NULL REFERENCES partner (id),
    period_start             DATE        NOT NULL,
    period_end               DATE        NOT NULL,          -- inclusive
    period_from              TIMESTAMPTZ NOT NULL,          -- period_start 00:00 in the settlement zone
    period_to                TIMESTAMPTZ NOT NULL,          -- the day after period_end, 00:00, exclusive
    points_issued            BIGINT      NOT NULL,
    points_issued_reversed   BIGINT      NOT NULL,
    network_funded           BIGINT      NOT NULL,
    network_funded_reversed  BIGINT      NOT NULL,
    points_redeemed          BIGINT      NOT NULL,
    points_redeemed_reversed BIGINT      NOT NULL,
    points_converted         BIGINT      NOT NULL,
    facts                    BIGINT      NOT NULL,
    late_facts               BIGINT      NOT NULL,          -- facts posted before period_from, reported late
    point_value              NUMERIC     NOT NULL CHECK (point_value > 0),
    network_fee_rate         NUMERIC     NOT NULL CHECK (network_fee_rate >= 0 AND network_fee_rate < 1),
    currency                 TEXT        NOT NULL,
    issued_amount            NUMERIC     NOT NULL,
    network_fee              NUMERIC     NOT NULL,
    reimbursed_amount        NUMERIC     NOT NULL,
    net_amount               NUMERIC     NOT NULL,
    closed_at                TIMESTAMPTZ NOT NULL,
    closed_by                TEXT        NOT NULL,
    CHECK (period_start <= period_end),
    CHECK (period_from < period_to),
    UNIQUE (partner_id, period_start)
);
CREATE INDEX settlement_statement_partner ON settlement_statement (partner_id, period_end);

ALTER TABLE settlement_fact ADD CONSTRAINT settlement_fact_statement_fk
    FOREIGN KEY (statement_id) REFERENCES settlement_statement (id) DEFERRABLE INITIALLY DEFERRED;

-- S3
CREATE FUNCTION settlement_statement_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'settlement statement % is closed and immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER settlement_statement_immutable BEFORE UPDATE OR DELETE ON settlement_statement
    FOR EACH ROW EXECUTE FUNCTION settlement_statement_immutable();

-- S2: a fact is assigned once and then frozen; facts are never deleted.
CREATE FUNCTION settlement_fact_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.statement_id IS NOT NULL OR NEW.fact_key <> OLD.fact_key OR NEW.partner_id <> OLD.partner_id
        OR NEW.posted_at <> OLD.posted_at OR NEW.points_issued <> OLD.points_issued
        OR NEW.points_issued_reversed <> OLD.points_issued_reversed OR NEW.network_funded <> OLD.network_funded
        OR NEW.network_funded_reversed <> OLD.network_funded_reversed OR NEW.points_redeemed <> OLD.points_redeemed
        OR NEW.points_redeemed_reversed <> OLD.points_redeemed_reversed OR NEW.points_converted <> OLD.points_converted THEN
        RAISE EXCEPTION 'settlement fact % is frozen', OLD.fact_key USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER settlement_fact_frozen BEFORE UPDATE OR DELETE ON settlement_fact
    FOR EACH ROW EXECUTE FUNCTION settlement_fact_frozen();
