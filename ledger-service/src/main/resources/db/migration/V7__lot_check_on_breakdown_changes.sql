-- I9 (V5) is about a member's available and pending points against their lots. The check on
-- member_balance ran for every update of the row, also for the transfer trigger's update of
-- `balance` alone (transfer_post_member, once per transfer), where neither side of I9 changes:
-- an earning paid for the check (a re-sum of the member's live lots) three times, now twice.
-- It still runs whenever available or pending is written (an UPDATE that names either column,
-- whatever the value) and for every lot written (lot_consistent, unchanged).
DROP TRIGGER member_balance_lots_consistent ON member_balance;
CREATE CONSTRAINT TRIGGER member_balance_lots_consistent AFTER INSERT OR UPDATE OF available, pending ON member_balance
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION member_lots_consistent();
