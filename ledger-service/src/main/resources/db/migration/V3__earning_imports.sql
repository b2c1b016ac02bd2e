-- History imports: a partner joining the coalition brings its customers' purchase history.
-- Each call is audited (who, when, for which partner, what came of it) and each earning it made
-- is linked to it, so an import can always be told apart from live earning.
CREATE TABLE earning_import (
    id          UUID        PRIMARY KEY,
    import_id   TEXT        NOT NULL,           -- the caller's label for the batch (a file, a chunk of it)
    partner_id  TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    items       INT         NOT NULL,
    earned      INT         NOT NULL,
    replayed    INT         NOT NULL,
    rejected    INT         NOT NULL
);
CREATE INDEX earning_import_label ON earning_import (partner_id, import_id);

CREATE TABLE earning_import_item (
    earning_id UUID PRIMARY KEY,               -- an earning is imported once, whatever retries follow
    import     UUID NOT NULL REFERENCES earning_import (id)
);
