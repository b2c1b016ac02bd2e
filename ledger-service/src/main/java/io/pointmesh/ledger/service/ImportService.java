package io.pointmesh.ledger.service;

import io.pointmesh.ledger.repository.ImportRepository;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.service.EarnService.EarnCommand;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Operators import a joining partner's purchase history: each purchase earns exactly as a live
 * one would at its time (rules and campaigns then in force; see {@link EarnService#earn(String,
 * EarnCommand, boolean)}), in its own transaction, idempotent on the partner's transaction id, so
 * a batch sent again (or a crash half-way) earns nothing twice; each new earning is linked to its
 * import call in its own transaction. A rejected purchase does not stop
 * the batch: its problem is reported with it. Every call is audited and linked to its earnings.
 */
@ApplicationScoped
public class ImportService {

    public static final int MAX_BATCH = 1000;

    /** One purchase's outcome: EARNED, REPLAYED (imported before) or REJECTED (with the problem's code and detail). */
    public record ItemResult(
            String partnerTxId, String status, String earningId, Long points, String code, String detail) {}

    public record ImportResult(
            String importId,
            String auditId,
            String partnerId,
            int items,
            int earned,
            int replayed,
            int rejected,
            List<ItemResult> results) {}

    @Inject
    EarnService earn;

    @Inject
    Transactions transactions;

    @Inject
    Ledger ledger;

    @Inject
    ImportRepository imports;

    public ImportResult importEarnings(String partnerId, String importId, String actor, List<EarnCommand> purchases) {
        if (partnerId == null || partnerId.isBlank()) {
            throw ProblemException.invalidField("partnerId", "required");
        }
        if (importId == null || importId.isBlank() || importId.length() > 100) {
            throw ProblemException.invalidField("importId", "required, at most 100 characters");
        }
        if (purchases == null || purchases.isEmpty() || purchases.size() > MAX_BATCH) {
            throw ProblemException.invalidField("earnings", "1 to " + MAX_BATCH + " purchases per call");
        }
        // the audit row first: each earning links to it in its own transaction; the counts follow at the end
        UUID audit = UUID.randomUUID();
        transactions.run(
                c -> imports.insertImport(c, audit, importId, partnerId, actor, ledger.now(), purchases.size()));
        List<ItemResult> results = new ArrayList<>();
        int earned = 0;
        int replayed = 0;
        int rejected = 0;
        boolean unavailable = false;
        for (EarnCommand cmd : purchases) {
            try {
                if (cmd == null) {
                    throw ProblemException.badRequest("missing-body", "the item is null: a purchase is an object");
                }
                Outcome<EarningRow> outcome = earn.earn(partnerId, cmd, audit);
                EarningRow row = outcome.result();
                if (outcome.replayed()) {
                    replayed++;
                } else {
                    earned++;
                }
                results.add(new ItemResult(
                        cmd.partnerTxId(),
                        outcome.replayed() ? "REPLAYED" : "EARNED",
                        row.id().toString(),
                        row.points(),
                        null,
                        null));
            } catch (ProblemException e) {
                rejected++;
                results.add(new ItemResult(
                        cmd == null ? null : cmd.partnerTxId(), "REJECTED", null, null, e.code(), e.getMessage()));
            } catch (RuntimeException e) {
                // described as a lone request would be: bad text is the item's fault (400), a database away is
                // nobody's (503 for the whole call, below), anything else a bug, logged with a reference
                io.pointmesh.platform.problem.Problem problem =
                        io.pointmesh.platform.problem.ProblemMappers.describe(e, "/ledger/v1/imports/earnings");
                rejected++;
                results.add(new ItemResult(
                        cmd == null ? null : cmd.partnerTxId(),
                        "REJECTED",
                        null,
                        null,
                        problem.status() == 500 ? "failed" : problem.code(),
                        problem.status() == 500
                                ? "not imported: " + problem.detail() + "; sending the batch again is safe"
                                : problem.detail()));
                if (problem.status() == 503) {
                    // the rest would each wait for the database in turn: the whole call is to be sent again
                    unavailable = true;
                    break;
                }
            }
        }
        int e = earned;
        int r = replayed;
        int x = rejected;
        if (unavailable) {
            // what was earned is answered REPLAYED when the call is sent again; this call's audit row says what it did
            try {
                transactions.run(c -> imports.recordCounts(c, audit, e, r, x));
            } catch (RuntimeException stillAway) {
                // the counts stay as inserted; the earnings are linked to the call all the same
            }
            throw ProblemException.unavailable(
                    "unavailable", "the database was unavailable for some purchases; send the import again", 5);
        }
        transactions.run(c -> imports.recordCounts(c, audit, e, r, x));
        return new ImportResult(
                importId, audit.toString(), partnerId, purchases.size(), earned, replayed, rejected, results);
    }
}
