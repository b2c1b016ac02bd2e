-- A refund (or a redemption's reversal) applied before the purchase (or redemption) it reverses: kept here and applied
-- when that arrives (docs/events.md, "Dead letters"). One member's events are in order on their partition, but a
-- purchase that failed and was parked, then replayed by an operator after its refund was applied, arrived after it;
-- the refund was dropped (nothing to reduce), and the member's spend stayed overstated for good (their grade with it).
-- A refund of a purchase that predates analytics stays here: it has nothing to reduce.
CREATE TABLE pending_refund (
    earning_id UUID        PRIMARY KEY,
    refunded   NUMERIC     NOT NULL CHECK (refunded > 0),
    first_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE pending_redemption_reversal (
    redemption_id UUID        PRIMARY KEY,
    points        BIGINT      NOT NULL CHECK (points > 0),
    first_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
