package io.pointmesh.ledger.service;

import io.pointmesh.platform.problem.ProblemException;
import java.util.function.Supplier;

/** How the ledger's services answer requests that carry an idempotency key, and check their simple fields. */
final class Idempotency {

    private Idempotency() {}

    /**
     * Runs the posting; if a concurrent twin with the same key committed first (the posting then
     * rolled back with {@link Ledger.DuplicateRequest}), answers with the twin's stored result.
     */
    static <T> T firstWins(Supplier<T> attempt, Supplier<T> twinsResult) {
        try {
            return attempt.get();
        } catch (Ledger.DuplicateRequest twinCommitted) {
            return twinsResult.get();
        }
    }

    static void requireText(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(field, "required");
        }
        if (value.length() > max) {
            throw ProblemException.invalidField(field, "at most " + max + " characters");
        }
    }

    /**
     * The Idempotency-Key of an operation that moves a member's points on a client's retry (a gift, a conversion, a
     * reward order, an adjustment): required, since without it a retry after a timeout does the operation twice.
     */
    static String requireKey(String key, String operation) {
        if (key == null || key.isBlank()) {
            throw ProblemException.invalidField(
                    "Idempotency-Key", "required: " + operation + " is only safe to retry with its key");
        }
        if (key.length() > 128) {
            throw ProblemException.invalidField("Idempotency-Key", "at most 128 characters");
        }
        return key;
    }
}
