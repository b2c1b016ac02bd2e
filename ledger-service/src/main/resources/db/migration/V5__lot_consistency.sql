-- I9 in the database: at every commit, a member's available points are the remaining points of
-- their matured lots and pending the remaining points of the others. Checked whenever a lot or the
-- member's balance row changes, so a path that moves lots (a lot maturing, expiring, repaying debt)
-- without saving the breakdown cannot commit.
CREATE FUNCTION member_lots_consistent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b member_balance%ROWTYPE;
    matured_sum BIGINT;
    pending_sum BIGINT;
BEGIN
    SELECT * INTO b FROM member_balance WHERE member_id = NEW.member_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(remaining) FILTER (WHERE matured), 0), coalesce(sum(remaining) FILTER (WHERE NOT matured), 0)
      INTO matured_sum, pending_sum
      FROM lot WHERE member_id = NEW.member_id AND remaining > 0;
    IF b.available <> matured_sum OR b.pending <> pending_sum THEN
        RAISE EXCEPTION 'member % available % / pending % <> lots % / % (I9)', b.member_id, b.available, b.pending,
            matured_sum, pending_sum USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER lot_consistent AFTER INSERT OR UPDATE ON lot
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION member_lots_consistent();
CREATE CONSTRAINT TRIGGER member_balance_lots_consistent AFTER INSERT OR UPDATE ON member_balance
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION member_lots_consistent();

-- A referral bonus is taken back when the purchase that paid it is refunded in full.
ALTER TABLE referral_bonus ADD COLUMN reversed_at TIMESTAMPTZ;
ALTER TABLE referral_bonus ADD COLUMN member_points BIGINT;
ALTER TABLE referral_bonus ADD COLUMN referrer_points BIGINT;
ALTER TABLE transfer DROP CONSTRAINT transfer_kind_check;
ALTER TABLE transfer ADD CONSTRAINT transfer_kind_check CHECK (kind IN ('EARN', 'CAMPAIGN_BONUS', 'GRADE_BONUS', 'REFERRAL_BONUS',
    'EARN_REVERSAL', 'REDEMPTION', 'REDEMPTION_REVERSAL', 'EXPIRY', 'CONVERSION', 'GIFT', 'ADJUSTMENT', 'FORFEIT',
    'REFERRAL_REVERSAL'));
ALTER TABLE lot_draw DROP CONSTRAINT lot_draw_reason_check;
ALTER TABLE lot_draw ADD CONSTRAINT lot_draw_reason_check CHECK (reason IN ('HOLD', 'GIFT', 'CONVERSION', 'EARN_REVERSAL',
    'ADJUSTMENT', 'DEBT_REPAYMENT', 'FORFEIT', 'REFERRAL_REVERSAL'));
