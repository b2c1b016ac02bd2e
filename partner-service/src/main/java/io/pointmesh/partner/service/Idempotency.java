package io.pointmesh.partner.service;

import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Idempotent creation (campaigns, webhooks), as the ledger's writes: a request may carry an
 * {@code Idempotency-Key}; the key and a fingerprint of the request's normalised command
 * (platform's {@code RequestHash}, the ledger's too) are kept with the row it created. The same partner, key and request again answer that row (200,
 * {@code Idempotent-Replayed: true}); the same key with another request is refused (409
 * {@code idempotency-key-reused}) and creates nothing. Keys are per partner. Requests with one key
 * are serialised on a transaction-scoped advisory lock; a unique index on (partner_id,
 * idempotency_key) holds even without it (V7__idempotent_creates.sql).
 */
public final class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    public static final int MAX_LENGTH = 200;

    /** What a create answers: the resource, and whether it is the replay of an earlier request's. */
    public record Outcome<T>(T value, boolean replayed) {

        public static <T> Outcome<T> created(T value) {
            return new Outcome<>(value, false);
        }

        public static <T> Outcome<T> replay(T value) {
            return new Outcome<>(value, true);
        }
    }

    private Idempotency() {}

    /**
     * The header's value, checked: null when absent; one value of 1 to 200 visible ASCII characters,
     * or 400 (an empty header is not taken for an absent one: the client meant a key).
     */
    public static String key(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        String header = values.size() == 1 ? values.get(0) : "";
        if (header == null
                || header.isEmpty()
                || header.length() > MAX_LENGTH
                || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ProblemException.invalidField(HEADER, "1 to " + MAX_LENGTH + " visible ASCII characters");
        }
        return header;
    }

    /** The stored request's answer again, or 409 when the key came with another request. */
    public static <T> Outcome<T> replay(T stored, String storedHash, String requestHash, String what) {
        if (!storedHash.equals(requestHash)) {
            throw ProblemException.conflict(
                    "idempotency-key-reused", "the Idempotency-Key was used for another " + what + " request");
        }
        return Outcome.replay(stored);
    }

    /**
     * Serialises, until the end of the session's transaction, the requests of one partner with one
     * key for one kind of resource: the second waits, then finds the first's row and replays it.
     * The two-integer lock space, apart from the outbox relay's single bigint.
     */
    public static Uni<Void> lock(String kind, String partnerId, String key) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(:scope), hashtext(:key))) l",
                                Object.class)
                        .setParameter("scope", kind + ":" + partnerId)
                        .setParameter("key", key)
                        .getSingleResult())
                .replaceWithVoid();
    }

    /** Whether the failure is the unique index of (partner, key) refusing a second row: a lost race. */
    public static boolean lostRace(Throwable failure, String index) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(index)) {
                return true;
            }
        }
        return false;
    }
}
