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
}
