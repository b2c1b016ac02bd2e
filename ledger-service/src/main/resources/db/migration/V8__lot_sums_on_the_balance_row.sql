-- I9 checked in constant time. Until now the deferred check (V5) re-summed every live lot of the
-- member at each commit, twice per earning, and a member earns a lot per purchase, valid for years:
-- the check grew with the member's history (a shopper of two purchases a day holds thousands of
-- live lots). Now each member's balance row carries the sums of its lots' remaining points,
-- matured and not, kept by a trigger on every write of a lot (lot_sums, immediate, in the same
-- statement), and the deferred check compares the breakdown with them: one row read.
--
-- The sums can only be moved by that trigger: a direct write of lots_matured or lots_pending is
-- refused (member_balance_lot_sums_guard). The view ledger_invariant_violation still re-sums the
-- lots themselves (tests assert it empty after every step), so a drift of the kept sums from
-- the lots would show there as well as in the check.
ALTER TABLE member_balance
    ADD COLUMN lots_matured BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN lots_pending BIGINT NOT NULL DEFAULT 0;

UPDATE member_balance b SET lots_matured = s.matured, lots_pending = s.pending
FROM (SELECT member_id,
             coalesce(sum(remaining) FILTER (WHERE matured), 0) AS matured,
             coalesce(sum(remaining) FILTER (WHERE NOT matured), 0) AS pending
      FROM lot WHERE remaining > 0 GROUP BY member_id) s
WHERE b.member_id = s.member_id;

CREATE FUNCTION lot_sums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    matured_delta BIGINT := 0;
    pending_delta BIGINT := 0;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.member_id <> OLD.member_id THEN
        RAISE EXCEPTION 'a lot never changes member (lot %)', OLD.id USING ERRCODE = '23514';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.matured THEN matured_delta := -OLD.remaining; ELSE pending_delta := -OLD.remaining; END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.matured THEN
            matured_delta := matured_delta + NEW.remaining;
        ELSE
            pending_delta := pending_delta + NEW.remaining;
        END IF;
    END IF;
    IF matured_delta <> 0 OR pending_delta <> 0 THEN
        UPDATE member_balance
           SET lots_matured = lots_matured + matured_delta, lots_pending = lots_pending + pending_delta
         WHERE member_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.member_id ELSE NEW.member_id END;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER lot_sums AFTER INSERT OR UPDATE OF remaining, matured, member_id OR DELETE ON lot
    FOR EACH ROW EXECUTE FUNCTION lot_sums();

-- Only lot_sums moves the sums (it runs one trigger level below the lot's statement).
CREATE FUNCTION member_balance_lot_sums_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.lots_matured, NEW.lots_pending) IS DISTINCT FROM (OLD.lots_matured, OLD.lots_pending)
       AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'the sums of a member''s lots follow the lots (member %)', OLD.member_id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER member_balance_lot_sums_guard BEFORE UPDATE OF lots_matured, lots_pending ON member_balance
    FOR EACH ROW EXECUTE FUNCTION member_balance_lot_sums_guard();

-- The deferred check (V5, V7: every lot written, every write of available or pending): the same
-- rule, read from the row instead of re-summed.
CREATE OR REPLACE FUNCTION member_lots_consistent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b member_balance%ROWTYPE;
BEGIN
    SELECT * INTO b FROM member_balance WHERE member_id = NEW.member_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF b.available <> b.lots_matured OR b.pending <> b.lots_pending THEN
        RAISE EXCEPTION 'member % available % / pending % <> lots % / % (I9)', b.member_id, b.available, b.pending,
            b.lots_matured, b.lots_pending USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;
