package io.pointmesh.partner.repository;

import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.number;
import static io.pointmesh.platform.sql.NativeValues.offset;

import io.pointmesh.partner.Webhook;
import io.pointmesh.partner.WebhookDelivery;
import io.pointmesh.partner.WebhookMessage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of webhooks (V6__webhooks.sql). The registration side and the enqueue run in the
 * caller's Hibernate Reactive session (the request's, or the idempotent consumer's transaction);
 * the dispatcher's claims and outcomes run on the reactive pool, like the platform's outbox relay:
 * background work, each statement its own transaction, nothing held open while a receiver answers.
 */
@ApplicationScoped
public class WebhookRepository {

    private static final String WEBHOOK_COLUMNS =
            "id, partner_id, url, events, status, disabled_reason, disabled_at, created_at, created_by, secret_rotated_at, "
                    + "previous_secret_expires_at";
    private static final String DELIVERY_COLUMNS = "id, webhook_id, event_type, status, attempts, last_status, "
            + "last_error, created_at, last_attempt_at, next_attempt_at, finished_at";

    /**
     * The one message a partner that is not ACTIVE is sent: the notice of its own suspension (its back office
     * learns why its calls are refused). Everything else waits for an ACTIVE partner (docs/partners.md, Webhooks).
     */
    static final String SUSPENSION_NOTICE = "partner.suspended";

    /** A delivery's partner (alias {@code p}) lets it be sent now: ACTIVE, or SUSPENDED and this is the notice of it. */
    private static String sendable(String partner, String delivery) {
        return "(" + partner + ".status = 'ACTIVE' OR (" + partner + ".status = 'SUSPENDED' AND " + delivery
                + ".event_type = '" + SUSPENSION_NOTICE + "'))";
    }

    @Inject
    Pool pool;

    // --- registration (the caller's session) ---

    /** A webhook created with an Idempotency-Key: the webhook, its request's hash and its (encrypted) secret. */
    public record Keyed(Webhook webhook, String requestHash, String secretEncrypted) {}

    public Uni<Integer> insert(Webhook w, String secretEncrypted, String idempotencyKey, String requestHash) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO webhook (id, partner_id, url, events, secret_encrypted, "
                                + "status, created_at, created_by, idempotency_key, request_hash) VALUES (:id, :partnerId, "
                                + ":url, :events, :secret, :status, :createdAt, :createdBy, :key, :hash)")
                        .setParameter("key", idempotencyKey)
                        .setParameter("hash", requestHash)
                        .setParameter("id", UUID.fromString(w.id()))
                        .setParameter("partnerId", w.partnerId())
                        .setParameter("url", w.url())
                        .setParameter("events", String.join(",", w.events()))
                        .setParameter("secret", secretEncrypted)
                        .setParameter("status", w.status().name())
                        .setParameter("createdAt", offset(w.createdAt()))
                        .setParameter("createdBy", w.createdBy())
                        .executeUpdate());
    }

    /** The partner's webhook created with this Idempotency-Key, or null. */
    public Uni<Keyed> findByKey(String partnerId, String idempotencyKey) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + WEBHOOK_COLUMNS + ", request_hash, secret_encrypted FROM webhook "
                                        + "WHERE partner_id = :partnerId AND idempotency_key = :key",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .setParameter("key", idempotencyKey)
                        .getResultList())
                .map(rows -> rows.isEmpty()
                        ? null
                        : new Keyed(webhook(rows.get(0)), (String) rows.get(0)[11], (String) rows.get(0)[12]));
    }

    public Uni<Long> countOf(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT count(*) FROM webhook WHERE partner_id = :partnerId", Object.class)
                        .setParameter("partnerId", partnerId)
                        .getSingleResult())
                .map(n -> number(n));
    }

    public Uni<List<Webhook>> list(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + WEBHOOK_COLUMNS
                                        + " FROM webhook WHERE partner_id = :partnerId ORDER BY created_at, id",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .getResultList())
                .map(rows -> rows.stream().map(WebhookRepository::webhook).toList());
    }

    /** The partner's webhook, or null (another partner's is not found: it does not exist for this one). */
    public Uni<Webhook> find(String partnerId, UUID id) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + WEBHOOK_COLUMNS
                                        + " FROM webhook WHERE partner_id = :partnerId AND id = :id",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .setParameter("id", id)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : webhook(rows.get(0)));
    }

    public Uni<Integer> delete(String partnerId, UUID id) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("DELETE FROM webhook WHERE partner_id = :partnerId AND id = :id")
                        .setParameter("partnerId", partnerId)
                        .setParameter("id", id)
                        .executeUpdate());
    }

    /**
     * The new secret signs from now on; the one it replaces goes on signing beside it until
     * {@code previousUntil} (null: not at all). One statement: of two rotations at once, the second
     * waits for the first's row lock and keeps the first's new secret as its previous one. With an
     * idempotency {@code key}, nothing is rotated when the webhook's last rotation had the same key
     * (W5): answers the rows rotated, 0 for that retry.
     */
    public Uni<Integer> replaceSecret(
            UUID id, String secretEncrypted, Instant at, Instant previousUntil, String key, String requestHash) {
        // the right-hand sides read the row as it was: the replaced secret becomes the previous one
        String sql = "UPDATE webhook SET "
                + (previousUntil == null
                        ? "previous_secret_encrypted = NULL, previous_secret_expires_at = NULL, "
                        : "previous_secret_encrypted = secret_encrypted, previous_secret_expires_at = :until, ")
                + (key == null
                        ? "rotation_key = NULL, rotation_request_hash = NULL, "
                        : "rotation_key = :key, rotation_request_hash = :hash, ")
                + "secret_encrypted = :secret, secret_rotated_at = :at WHERE id = :id"
                + (key == null ? "" : " AND rotation_key IS DISTINCT FROM :key");
        return Panache.getSession().chain(s -> {
            var q = s.createNativeQuery(sql)
                    .setParameter("secret", secretEncrypted)
                    .setParameter("at", offset(at))
                    .setParameter("id", id);
            if (previousUntil != null) {
                q.setParameter("until", offset(previousUntil));
            }
            if (key != null) {
                q.setParameter("key", key).setParameter("hash", requestHash);
            }
            return q.executeUpdate();
        });
    }

    /**
     * The last rotation's request hash and the (encrypted) secret that signs now: what a retry of it
     * answers; null when the webhook is gone.
     */
    public Uni<String[]> lastRotation(UUID id) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT rotation_request_hash, secret_encrypted FROM webhook WHERE id = :id",
                                Object[].class)
                        .setParameter("id", id)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : new String[] {(String) rows.get(0)[0], (String) rows.get(0)[1]});
    }

    /**
     * Enables a DISABLED webhook; what waits for it gets a new retry window from now (a delivery that
     * waited while it was disabled is not abandoned for the time it could not be tried) and is due
     * now, but an attempt in flight (leased by a dispatcher, perhaps another instance's) keeps its
     * lease: due now, a second instance would send it again while the first still sends it. A
     * webhook that is not DISABLED is left as it is (answers 0): enabling it again changes nothing.
     */
    public Uni<Integer> enable(UUID id, Instant now) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE webhook SET status = 'ENABLED', disabled_reason = NULL, "
                                + "disabled_at = NULL WHERE id = :id AND status = 'DISABLED'")
                        .setParameter("id", id)
                        .executeUpdate()
                        .chain(enabled -> enabled == 0
                                ? Uni.createFrom().item(0)
                                : s.createNativeQuery("UPDATE webhook_delivery SET window_started_at = :now, "
                                                + "next_attempt_at = CASE WHEN leased_until > :now THEN next_attempt_at "
                                                + "ELSE LEAST(next_attempt_at, :now) END WHERE webhook_id = :id "
                                                + "AND status = 'PENDING'")
                                        .setParameter("now", offset(now))
                                        .setParameter("id", id)
                                        .executeUpdate()
                                        .replaceWith(enabled)));
    }

    /**
     * The partner is ACTIVE again (reinstated): what waited for it while it was suspended is due now,
     * with a new retry window (it is not abandoned for the time it could not be sent), but an attempt
     * in flight keeps its lease, as {@link #enable} does.
     */
    public Uni<Integer> resumeFor(String partnerId, Instant now) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE webhook_delivery SET window_started_at = :now, "
                                + "next_attempt_at = CASE WHEN leased_until > :now THEN next_attempt_at "
                                + "ELSE LEAST(next_attempt_at, :now) END WHERE status = 'PENDING' "
                                + "AND webhook_id IN (SELECT id FROM webhook WHERE partner_id = :partnerId)")
                        .setParameter("now", offset(now))
                        .setParameter("partnerId", partnerId)
                        .executeUpdate());
    }

    /**
     * The partner is offboarded: what still waits for it is abandoned (never delivered: the partner is
     * gone, and a webhook's endpoint may pass to someone else), and its enabled webhooks are disabled
     * saying why. Answers the deliveries abandoned.
     */
    public Uni<Integer> abandonFor(String partnerId, Instant now) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE webhook_delivery SET status = 'ABANDONED', finished_at = :now, "
                                + "leased_until = NULL, last_error = :why WHERE status = 'PENDING' "
                                + "AND webhook_id IN (SELECT id FROM webhook WHERE partner_id = :partnerId)")
                        .setParameter("now", offset(now))
                        .setParameter("why", OFFBOARDED)
                        .setParameter("partnerId", partnerId)
                        .executeUpdate()
                        .call(() -> s.createNativeQuery(
                                        "UPDATE webhook SET status = 'DISABLED', disabled_reason = :why, "
                                                + "disabled_at = :now WHERE partner_id = :partnerId AND status = 'ENABLED'")
                                .setParameter("now", offset(now))
                                .setParameter("why", OFFBOARDED)
                                .setParameter("partnerId", partnerId)
                                .executeUpdate()));
    }

    static final String OFFBOARDED = "the partner was offboarded";

    /**
     * Puts a finished delivery back in the queue, under the same message id (receivers deduplicate
     * on it). Answers 0 when the delivery is not the webhook's or is still pending.
     */
    public Uni<Integer> replay(UUID webhookId, UUID deliveryId, Instant now) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE webhook_delivery SET status = 'PENDING', attempts = 0, "
                                + "next_attempt_at = :now, window_started_at = :now, finished_at = NULL "
                                + "WHERE id = :id AND webhook_id = :webhookId AND status <> 'PENDING'")
                        .setParameter("now", offset(now))
                        .setParameter("id", deliveryId)
                        .setParameter("webhookId", webhookId)
                        .executeUpdate());
    }

    public Uni<WebhookDelivery> delivery(UUID webhookId, UUID deliveryId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + DELIVERY_COLUMNS
                                        + " FROM webhook_delivery WHERE webhook_id = :webhookId AND id = :id",
                                Object[].class)
                        .setParameter("webhookId", webhookId)
                        .setParameter("id", deliveryId)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : delivery(rows.get(0)));
    }

    /** The webhook's deliveries, newest first. */
    public Uni<List<WebhookDelivery>> deliveries(UUID webhookId, int offset, int limit) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE webhook_id = :webhookId "
                                        + "ORDER BY seq DESC OFFSET :offset LIMIT :limit",
                                Object[].class)
                        .setParameter("webhookId", webhookId)
                        .setParameter("offset", offset)
                        .setParameter("limit", limit)
                        .getResultList())
                .map(rows -> rows.stream().map(WebhookRepository::delivery).toList());
    }

    public Uni<Long> deliveryCount(UUID webhookId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT count(*) FROM webhook_delivery WHERE webhook_id = :webhookId", Object.class)
                        .setParameter("webhookId", webhookId)
                        .getSingleResult())
                .map(n -> number(n));
    }

    /**
     * Enqueues the message for every webhook of its partner that subscribed to its type, in the
     * caller's transaction; a message enqueued before for a webhook adds nothing (W1). Only for an
     * ACTIVE partner: a suspended or offboarded one gets nothing (docs/security.md), what happens
     * meanwhile is not kept for it either; the one exception is the notice of its own suspension.
     */
    public Uni<Integer> enqueue(WebhookMessage m, String body, String traceparent, Instant now) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO webhook_delivery (id, webhook_id, event_key, event_type, "
                                + "order_key, body, traceparent, status, next_attempt_at, window_started_at, created_at) "
                                + "SELECT gen_random_uuid(), w.id, :eventKey, :type, :orderKey, :body, :traceparent, "
                                + "'PENDING', :now, :now, :now FROM webhook w WHERE w.partner_id = :partnerId "
                                + "AND :type = ANY (string_to_array(w.events, ',')) "
                                // a disabled webhook keeps its events for a day (enable sends them), not for ever
                                + "AND (w.status = 'ENABLED' OR w.disabled_at > CAST(:now AS timestamptz) - interval '24 hours') "
                                + "AND EXISTS (SELECT 1 FROM partner p WHERE p.id = w.partner_id AND (p.status = 'ACTIVE' "
                                + "OR :type = '" + SUSPENSION_NOTICE + "')) "
                                + "ON CONFLICT (webhook_id, event_key) DO NOTHING")
                        .setParameter("eventKey", m.eventKey())
                        .setParameter("type", m.type().stableName())
                        .setParameter("orderKey", m.orderKey())
                        .setParameter("body", body)
                        .setParameter("traceparent", traceparent)
                        .setParameter("now", offset(now))
                        .setParameter("partnerId", m.partnerId())
                        .executeUpdate());
    }

    /** Finished deliveries (delivered or abandoned) are only a log: kept {@code retention}, then dropped. */
    public Uni<Integer> purgeFinished(Instant now, Duration retention) {
        return pool.preparedQuery("DELETE FROM webhook_delivery WHERE status <> 'PENDING' AND finished_at < $1")
                .execute(Tuple.of(offset(now.minus(retention))))
                .map(rows -> rows.rowCount());
    }

    /**
     * Deliveries still pending for an offboarded partner (left by an offboarding before they were abandoned with
     * it): abandoned, never delivered; and an offboarded partner's webhooks still ENABLED (a replay or enable that
     * read the partner before an offboarding committed) are disabled saying so, as the offboarding does. Answers
     * how many deliveries were abandoned.
     */
    public Uni<Integer> abandonOffboarded(Instant now) {
        return pool.preparedQuery("UPDATE webhook_delivery d SET status = 'ABANDONED', finished_at = $1, "
                        + "leased_until = NULL, last_error = $2 FROM webhook w JOIN partner p ON p.id = w.partner_id "
                        + "WHERE d.webhook_id = w.id AND d.status = 'PENDING' AND p.status = 'OFFBOARDED'")
                .execute(Tuple.of(offset(now), OFFBOARDED))
                .map(rows -> rows.rowCount())
                .call(() -> pool.preparedQuery("UPDATE webhook w SET status = 'DISABLED', disabled_reason = $2, "
                                + "disabled_at = $1 FROM partner p WHERE p.id = w.partner_id AND w.status = 'ENABLED' "
                                + "AND p.status = 'OFFBOARDED'")
                        .execute(Tuple.of(offset(now), OFFBOARDED)));
    }

    // --- the dispatcher (the reactive pool) ---

    /**
     * A claimed attempt: what to send where, signed with which (encrypted) secrets: the current one
     * and, within a rotation's overlap, the previous one (else null). {@code outcomeMissing}: the
     * attempt before it was leased and never recorded an outcome (its lease ran out).
     */
    public record Attempt(
            UUID id,
            UUID webhookId,
            String url,
            String secretEncrypted,
            String previousSecretEncrypted,
            String body,
            String traceparent,
            int attempt,
            Instant windowStartedAt,
            boolean outcomeMissing) {}

    /**
     * Claims up to {@code limit} due deliveries of enabled webhooks, each the earliest pending one of
     * its webhook and member (W2), and leases them until {@code now + lease}: other instances skip
     * rows this one has locked, and after the lease (a crash mid-attempt) try them again. Only an
     * ACTIVE partner's deliveries are claimed (and a SUSPENDED one's notice of its suspension): a
     * suspended partner's wait until it is reinstated, an offboarded one's are abandoned.
     *
     * <p>Fair between webhooks: the round takes every webhook's first due delivery before any
     * webhook's second (then by enqueue order), so one partner's backlog behind a slow receiver
     * cannot fill the round while another partner's deliveries wait (at most {@code limit} are read
     * per webhook, through the pending index; so a round reads up to {@code limit} per webhook with
     * deliveries due).
     */
    public Uni<List<Attempt>> claim(Instant now, Duration lease, int limit) {
        return pool.preparedQuery("WITH candidate AS (SELECT c.id, c.seq, "
                        + "row_number() OVER (PARTITION BY qw.id ORDER BY c.seq) AS turn FROM webhook qw "
                        + "JOIN partner p ON p.id = qw.partner_id "
                        + "CROSS JOIN LATERAL (SELECT q.id, q.seq FROM webhook_delivery q WHERE q.webhook_id = qw.id "
                        + "AND q.status = 'PENDING' AND q.next_attempt_at <= $1 AND " + sendable("p", "q") + " "
                        // in order among what may be sent now: a suspended partner's notice of its suspension does
                        // not wait behind its partner-wide deliveries that wait for it to be ACTIVE again
                        + "AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.webhook_id = q.webhook_id "
                        + "AND e.order_key = q.order_key AND e.status = 'PENDING' AND e.seq < q.seq AND "
                        + sendable("p", "e") + ") "
                        + "ORDER BY q.seq LIMIT $3) c WHERE qw.status = 'ENABLED' AND p.status IN ('ACTIVE', 'SUSPENDED')), "
                        // the limit counts rows locked, not rows skipped: two instances at once take different ones
                        + "chosen AS (SELECT q.id, q.leased_until AS prior_lease FROM webhook_delivery q "
                        + "JOIN candidate k ON k.id = q.id "
                        + "WHERE q.status = 'PENDING' AND q.next_attempt_at <= $1 ORDER BY k.turn, k.seq LIMIT $3 "
                        + "FOR UPDATE OF q SKIP LOCKED) "
                        + "UPDATE webhook_delivery d SET next_attempt_at = $2, leased_until = $2, attempts = d.attempts + 1, "
                        + "last_attempt_at = $1 FROM webhook w, chosen c WHERE w.id = d.webhook_id AND d.id = c.id "
                        + "RETURNING d.id, d.webhook_id, w.url, w.secret_encrypted, d.body, d.traceparent, d.attempts, "
                        + "d.window_started_at, CASE WHEN w.previous_secret_expires_at > $1 "
                        + "THEN w.previous_secret_encrypted END, c.prior_lease IS NOT NULL")
                .execute(Tuple.of(offset(now), offset(now.plus(lease)), limit))
                .map(rows -> {
                    List<Attempt> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Attempt(
                                r.getUUID(0),
                                r.getUUID(1),
                                r.getString(2),
                                r.getString(3),
                                r.getString(8),
                                r.getString(4),
                                r.getString(5),
                                r.getInteger(6),
                                r.getOffsetDateTime(7).toInstant(),
                                r.getBoolean(9)));
                    }
                    return out;
                });
    }

    /** The receiver answered 2xx. Answers false when the attempt was not the current one any more. */
    public Uni<Boolean> delivered(Attempt a, int httpStatus, Instant now) {
        return pool.preparedQuery(
                        "UPDATE webhook_delivery SET status = 'DELIVERED', last_status = $3, "
                                + "last_error = NULL, finished_at = $4, leased_until = NULL WHERE id = $1 AND attempts = $2 AND status = 'PENDING'")
                .execute(Tuple.of(a.id(), a.attempt(), httpStatus, offset(now)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The attempt failed; the next one is due at {@code next}. */
    public Uni<Boolean> failed(Attempt a, Integer httpStatus, String error, Instant next) {
        return pool.preparedQuery(
                        "UPDATE webhook_delivery SET last_status = $3, last_error = $4, "
                                + "next_attempt_at = $5, leased_until = NULL WHERE id = $1 AND attempts = $2 AND status = 'PENDING'")
                .execute(Tuple.of(a.id(), a.attempt(), httpStatus, error, offset(next)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The retry window is over: the delivery is abandoned and its webhook disabled, in one transaction; answers
     * whether the webhook was disabled (null: the outcome was recorded already). Except for the {@code
     * partner.suspended} notice while its partner is still SUSPENDED: it is abandoned, but the webhook stays enabled.
     * During a suspension the notice is the only message attempted, so judging the endpoint by it alone is unfair,
     * and a webhook disabled then would have been sent nothing at the reinstatement (what waited needs an ENABLED
     * webhook). Once the partner is ACTIVE again, or for a webhook that only ever gets notices, an abandoned notice
     * disables it like any other delivery. The webhook row is locked first, as enabling and replaying lock it
     * before its deliveries (no deadlock between them).
     */
    public Uni<Boolean> abandoned(Attempt a, Integer httpStatus, String error, Instant now, String reason) {
        return pool.withTransaction(c -> c.preparedQuery("SELECT p.status FROM webhook w JOIN partner p ON p.id = "
                        + "w.partner_id WHERE w.id = $1 FOR UPDATE OF w")
                .execute(Tuple.of(a.webhookId()))
                .chain(partner -> c.preparedQuery("UPDATE webhook_delivery SET status = 'ABANDONED', "
                                + "last_status = $3, last_error = $4, finished_at = $5, leased_until = NULL WHERE id = $1 "
                                + "AND attempts = $2 AND status = 'PENDING' RETURNING event_type")
                        .execute(Tuple.of(a.id(), a.attempt(), httpStatus, error, offset(now)))
                        .map(rows -> rows.rowCount() == 0
                                ? null
                                : SUSPENSION_NOTICE.equals(
                                                rows.iterator().next().getString(0))
                                        && partner.rowCount() == 1
                                        && "SUSPENDED"
                                                .equals(partner.iterator()
                                                        .next()
                                                        .getString(0))))
                .chain(kept -> kept == null
                        ? Uni.createFrom().<Boolean>nullItem()
                        : kept
                                ? Uni.createFrom().item(false)
                                : c.preparedQuery("UPDATE webhook SET status = 'DISABLED', disabled_reason = $2, "
                                                + "disabled_at = $3 WHERE id = $1")
                                        .execute(Tuple.of(a.webhookId(), reason, offset(now)))
                                        .replaceWith(true)));
    }

    private static Webhook webhook(Object[] r) {
        return new Webhook(
                r[0].toString(),
                (String) r[1],
                (String) r[2],
                Arrays.asList(((String) r[3]).split(",")),
                Webhook.Status.valueOf((String) r[4]),
                (String) r[5],
                instant(r[6]),
                instant(r[7]),
                (String) r[8],
                instant(r[9]),
                instant(r[10]));
    }

    private static WebhookDelivery delivery(Object[] r) {
        return new WebhookDelivery(
                r[0].toString(),
                r[1].toString(),
                (String) r[2],
                WebhookDelivery.Status.valueOf((String) r[3]),
                (int) number(r[4]),
                r[5] == null ? null : (int) number(r[5]),
                (String) r[6],
                instant(r[7]),
                instant(r[8]),
                instant(r[9]),
                instant(r[10]));
    }
}
