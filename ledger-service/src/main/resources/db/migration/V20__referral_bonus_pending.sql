-- A referral bonus is pending while the purchase that paid it is (docs/ledger.md, "Referrals"): its lots mature with
-- the qualifying earning, so a purchase refunded within its pending period takes the bonus back from the pending lots,
-- not from points the members could already have spent or given away. ref: the bonus's posting (its lots and
-- transfers); null for bonuses paid before this.
ALTER TABLE referral_bonus ADD COLUMN ref UUID;
