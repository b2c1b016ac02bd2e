-- Consecutive locks of a member's spending PIN without a right PIN in between: each lock lasts four
-- times the one before (pin-lock, then x4, up to pin-lock-max), so a stolen card's PIN cannot be
-- guessed five at a time every 15 minutes for ever (about 480 guesses a day: a 4-digit PIN in weeks).
-- A right PIN, a new PIN or a support reset clears it.
ALTER TABLE spending_pin ADD COLUMN locks INT NOT NULL DEFAULT 0 CHECK (locks >= 0);
