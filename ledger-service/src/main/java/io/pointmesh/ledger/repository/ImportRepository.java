package io.pointmesh.ledger.repository;

import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** The audit of history imports: one earning_import row per call, one earning_import_item per earning it made. */
@ApplicationScoped
public class ImportRepository {

    /**
     * The call's audit row, written before any of its earnings (they link to it); the counts are
     * recorded at the end. Answers the rows written.
     */
    public int insertImport(
            Connection c, UUID id, String importId, String partnerId, String actor, Instant at, int items)
            throws SQLException {
        return Sql.update(
                c,
                "INSERT INTO earning_import (id, import_id, partner_id, actor, at, items, earned, replayed, "
                        + "rejected) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)",
                id,
                importId,
                partnerId,
                actor,
                at,
                items);
    }

    /** Links an earning to the import that made it (in the earning's transaction). */
    public void linkEarning(Connection c, UUID earningId, UUID importAudit) throws SQLException {
        Sql.update(c, "INSERT INTO earning_import_item (earning_id, import) VALUES (?, ?)", earningId, importAudit);
    }

    /** The call's counts, once it is done; answers the rows written. */
    public int recordCounts(Connection c, UUID id, int earned, int replayed, int rejected) throws SQLException {
        return Sql.update(
                c,
                "UPDATE earning_import SET earned = ?, replayed = ?, rejected = ? WHERE id = ?",
                earned,
                replayed,
                rejected,
                id);
    }
}
