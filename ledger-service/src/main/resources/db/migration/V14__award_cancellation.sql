-- An award can be cancelled (docs/ledger.md, "Bulk awards"): its members not yet credited are
-- SKIPPED with reason award-cancelled and the award is DONE; those credited stay credited (I15:
-- a done row stays done). Who cancelled it, when and why are kept.
ALTER TABLE award ADD COLUMN cancelled_at TIMESTAMPTZ;
ALTER TABLE award ADD COLUMN cancelled_by TEXT;
ALTER TABLE award ADD COLUMN cancel_reason TEXT;
ALTER TABLE award ADD CONSTRAINT award_cancellation_check
    CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL) AND (cancelled_at IS NULL) = (cancel_reason IS NULL));
