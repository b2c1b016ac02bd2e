package io.pointmesh.partner.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.Webhook;
import io.pointmesh.partner.WebhookDelivery;
import io.pointmesh.partner.WebhookEventType;
import io.pointmesh.partner.WebhookMessage;
import io.pointmesh.partner.WebhookSignature;
import io.pointmesh.partner.WebhookUrlPolicy;
import io.pointmesh.partner.config.WebhookConfig;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.partner.repository.WebhookRepository;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Partners' webhooks: registration, secrets, the delivery log, replay; and enqueuing events for them. */
@ApplicationScoped
public class WebhookService {

    /** A webhook with its secret: answered once, when created or rotated. */
    public record WithSecret(Webhook webhook, String secret) {}

    public record DeliveryPage(List<WebhookDelivery> items, int offset, int limit, long total) {}

    @Inject
    WebhookRepository webhooks;

    @Inject
    PartnerRepository partners;

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookConfig config;

    @Inject
    WebhookUrlPolicy.Resolver resolver;

    @Inject
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    /**
     * Registers a webhook. The URL's host is resolved off the event loop (a name lookup blocks) and
     * must be public (SSRF); the secret is answered here and never again, but to a retry with the
     * same Idempotency-Key and request (the client lost the first answer): it gets the first answer
     * again, the secret decrypted from the row (the one that signs now, should it have been rotated
     * since; docs/partners.md).
     */
    public Uni<Idempotency.Outcome<WithSecret>> create(
            String partnerId, String url, List<String> events, String actor, String idempotencyKey) {
        List<String> names = eventNames(events);
        String requestHash;
        try {
            requestHash = idempotencyKey == null
                    ? null
                    : RequestHash.of(WebhookUrlPolicy.parse(url).toString(), String.join(",", new TreeSet<>(names)));
        } catch (WebhookUrlPolicy.Refused e) {
            return Uni.createFrom().failure(ProblemException.invalidField("url", e.getMessage()));
        }
        // a retry is answered before the URL's host is resolved again (a lookup failing now must not refuse it)
        Uni<Idempotency.Outcome<WithSecret>> earlier = idempotencyKey == null
                ? Uni.createFrom().nullItem()
                : Panache.withSession(() -> webhooks.findByKey(partnerId, idempotencyKey))
                        .map(found -> found == null ? null : replay(found, requestHash));
        return earlier.chain(replayed -> replayed != null
                ? Uni.createFrom().item(replayed)
                : register(partnerId, url, names, actor, idempotencyKey, requestHash)
                        // a racing twin inserted first (only without the lock): its webhook is the answer
                        .onFailure(f -> idempotencyKey != null && Idempotency.lostRace(f, "webhook_idempotency_key"))
                        .recoverWithUni(() -> Panache.withSession(() -> webhooks.findByKey(partnerId, idempotencyKey))
                                .map(found -> replay(found, requestHash))));
    }

    private Idempotency.Outcome<WithSecret> replay(WebhookRepository.Keyed found, String requestHash) {
        Idempotency.Outcome<WebhookRepository.Keyed> same =
                Idempotency.replay(found, found.requestHash(), requestHash, "webhook");
        return Idempotency.Outcome.replay(new WithSecret(
                same.value().webhook(),
                readable(same.value().webhook().id(), same.value().secretEncrypted())));
    }

    /**
     * The stored secret, decrypted for a retry's answer; one that no longer decrypts (the at-rest key
     * was changed since it was stored) is 409 {@code secret-unreadable}, the partner's to remedy by a
     * rotation (a new secret, stored under the current key), not a 500.
     */
    String readable(String webhookId, String stored) {
        try {
            return secrets.decrypt(stored);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw secretUnreadable(webhookId);
        }
    }

    static ProblemException secretUnreadable(String webhookId) {
        return ProblemException.conflict(
                "secret-unreadable",
                "the signing secret of webhook " + webhookId + " can no longer be read (the network's key for "
                        + "secrets at rest was changed), so it cannot be answered again: rotate the secret "
                        + "(POST .../webhooks/" + webhookId + "/rotation, with a new Idempotency-Key or none) "
                        + "and deploy the new one");
    }

    private Uni<Idempotency.Outcome<WithSecret>> register(
            String partnerId, String url, List<String> names, String actor, String idempotencyKey, String requestHash) {
        WebhookUrlPolicy policy = new WebhookUrlPolicy(config.allowHttpLoopback(), resolver);
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
                    try {
                        return policy.check(url).toString();
                    } catch (WebhookUrlPolicy.Refused e) {
                        throw ProblemException.invalidField("url", e.getMessage());
                    }
                }))
                .chain(checked -> Panache.withTransaction(() -> (idempotencyKey == null
                                ? Uni.createFrom().<WebhookRepository.Keyed>nullItem()
                                : Idempotency.lock("webhook", partnerId, idempotencyKey)
                                        .chain(() -> webhooks.findByKey(partnerId, idempotencyKey)))
                        .chain(found -> found != null
                                ? Uni.createFrom().item(replay(found, requestHash))
                                : insert(partnerId, checked, names, actor, idempotencyKey, requestHash)
                                        .map(Idempotency.Outcome::created))));
    }

    private Uni<WithSecret> insert(
            String partnerId,
            String checked,
            List<String> names,
            String actor,
            String idempotencyKey,
            String requestHash) {
        // the partner's row, locked: registrations of one partner queue here, so the count below cannot be raced
        // past the limit by registrations sent at once
        return partners.findById(partnerId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", partnerId))
                .chain(p -> {
                    if (p.status == PartnerStatus.OFFBOARDED) {
                        throw ProblemException.conflict("partner-offboarded", "an offboarded partner gets no webhooks");
                    }
                    return webhooks.countOf(partnerId);
                })
                .chain(n -> {
                    if (n >= config.maxPerPartner()) {
                        throw ProblemException.conflict(
                                "too-many-webhooks", "a partner has at most " + config.maxPerPartner() + " webhooks");
                    }
                    String secret = WebhookSignature.newSecret();
                    Webhook w = new Webhook(
                            UUID.randomUUID().toString(),
                            partnerId,
                            checked,
                            names,
                            Webhook.Status.ENABLED,
                            null,
                            null,
                            clock.instant(),
                            actor,
                            null,
                            null);
                    return webhooks.insert(w, secrets.encrypt(secret), idempotencyKey, requestHash)
                            .replaceWith(new WithSecret(w, secret));
                });
    }

    @WithSession
    public Uni<List<Webhook>> list(String partnerId) {
        return webhooks.list(partnerId);
    }

    @WithSession
    public Uni<Webhook> get(String partnerId, String webhookId) {
        return existing(partnerId, webhookId);
    }

    @WithTransaction
    public Uni<Void> delete(String partnerId, String webhookId) {
        return existing(partnerId, webhookId)
                .chain(w -> webhooks.delete(partnerId, UUID.fromString(w.id())))
                .replaceWithVoid();
    }

    /**
     * A new secret, signing from now on; the one it replaces goes on signing beside it for
     * {@code overlap} (zero: it signs nothing from now on), so the partner can deploy the new secret
     * without a delivery failing verification meanwhile (W4). Null: the configured default (at most
     * the maximum). With an {@code idempotencyKey}: the same key as the webhook's last rotation and
     * the same overlap answer that rotation's secret and rotate nothing (a client that lost the answer
     * would otherwise rotate again and drop the secret its receiver still has); the same key with
     * another overlap is 409 (W5).
     */
    @WithTransaction
    public Uni<Idempotency.Outcome<WithSecret>> rotate(
            String partnerId, String webhookId, Duration overlap, String idempotencyKey) {
        Duration max = config.rotationOverlapMax();
        Duration kept = overlap != null
                ? overlap
                : config.rotationOverlap().compareTo(max) > 0 ? max : config.rotationOverlap();
        if (kept.isNegative() || kept.compareTo(max) > 0) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField("overlap", "an ISO-8601 duration from PT0S to " + max));
        }
        String requestHash = idempotencyKey == null ? null : RequestHash.of(kept.toString());
        String secret = WebhookSignature.newSecret();
        Instant now = clock.instant();
        return existing(partnerId, webhookId).chain(w -> {
            UUID id = UUID.fromString(w.id());
            return webhooks.replaceSecret(
                            id,
                            secrets.encrypt(secret),
                            now,
                            kept.isZero() ? null : now.plus(kept),
                            idempotencyKey,
                            requestHash)
                    .chain(rotated -> rotated == 1
                            ? existing(partnerId, webhookId)
                                    .map(r -> Idempotency.Outcome.created(new WithSecret(r, secret)))
                            // nothing rotated: the retry of the last rotation, or the webhook was deleted meanwhile
                            // (404 from existing, before its last rotation is read)
                            : existing(partnerId, webhookId)
                                    .chain(r -> webhooks.lastRotation(id)
                                            .onItem()
                                            .ifNull()
                                            .failWith(() -> ProblemException.notFound("webhook", webhookId))
                                            .map(last -> {
                                                // another overlap under the key: 409 idempotency-key-reused first
                                                Idempotency.replay(r, last[0], requestHash, "rotation");
                                                return Idempotency.Outcome.replay(
                                                        new WithSecret(r, readable(r.id(), last[1])));
                                            })));
        });
    }

    @WithTransaction
    public Uni<Webhook> enable(String partnerId, String webhookId) {
        return existing(partnerId, webhookId)
                .call(w -> notOffboarded(partnerId))
                .call(w -> webhooks.enable(UUID.fromString(w.id()), clock.instant()))
                .chain(w -> existing(partnerId, webhookId));
    }

    @WithSession
    public Uni<DeliveryPage> deliveries(String partnerId, String webhookId, int offset, int limit) {
        return existing(partnerId, webhookId).chain(w -> {
            UUID id = UUID.fromString(w.id());
            return webhooks.deliveries(id, offset, limit)
                    .chain(items ->
                            webhooks.deliveryCount(id).map(total -> new DeliveryPage(items, offset, limit, total)));
        });
    }

    /**
     * Sends a finished delivery again (same message id, a new retry window) and enables its webhook:
     * replaying is how a partner says its endpoint is back.
     */
    @WithTransaction
    public Uni<WebhookDelivery> replay(String partnerId, String webhookId, String deliveryId) {
        Instant now = clock.instant();
        return existing(partnerId, webhookId).chain(w -> {
            UUID id = UUID.fromString(w.id());
            UUID deliveryUuid = uuid(deliveryId, "delivery");
            return webhooks.delivery(id, deliveryUuid)
                    .onItem()
                    .ifNull()
                    .failWith(() -> ProblemException.notFound("delivery", deliveryId))
                    .chain(d -> {
                        if (d.status() == WebhookDelivery.Status.PENDING) {
                            throw ProblemException.conflict(
                                    "delivery-pending", "the delivery is still pending; it is retried by itself");
                        }
                        return notOffboarded(partnerId).chain(() -> webhooks.replay(id, deliveryUuid, now));
                    })
                    .chain(() -> webhooks.enable(id, now))
                    .chain(() -> webhooks.delivery(id, deliveryUuid));
        });
    }

    /**
     * An offboarded partner is sent nothing again: enabling its webhook or replaying a delivery would
     * queue what is never sent, so both are 409 {@code partner-offboarded}, like a registration. The
     * partner's row is read FOR SHARE: an offboarding committing meanwhile waits for this transaction
     * (and then disables the webhook), or this one reads it offboarded; the hourly purge disables an
     * offboarded partner's webhook left enabled all the same.
     */
    private Uni<Void> notOffboarded(String partnerId) {
        return partners.findById(partnerId, jakarta.persistence.LockModeType.PESSIMISTIC_READ)
                .invoke(p -> {
                    if (p != null && p.status == PartnerStatus.OFFBOARDED) {
                        throw ProblemException.conflict(
                                "partner-offboarded",
                                "an offboarded partner is sent nothing: its webhooks stay disabled");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * The partner was reinstated (in its transaction): what waited for it while it was suspended is
     * sent now, with a new retry window (docs/partners.md, Webhooks).
     */
    public Uni<Void> partnerReinstated(String partnerId) {
        return webhooks.resumeFor(partnerId, clock.instant()).replaceWithVoid();
    }

    /**
     * The partner was offboarded (in its transaction): what waited for it is abandoned, never
     * delivered, and its webhooks are disabled.
     */
    public Uni<Void> partnerOffboarded(String partnerId) {
        return webhooks.abandonFor(partnerId, clock.instant()).replaceWithVoid();
    }

    /**
     * Enqueues an event for the webhooks of the partner it concerns, in the caller's transaction:
     * the idempotent consumer's (ledger events) or the state change's (the partner's own events,
     * beside their outbox row). The delivery carries the current trace context: the consumer's is
     * the Kafka record's, a request's is the request's.
     */
    public Uni<Void> enqueue(EventEnvelope<DomainEvent> event) {
        WebhookMessage m = WebhookMessage.of(event);
        if (m == null) {
            return Uni.createFrom().voidItem();
        }
        String body;
        try {
            body = mapper.writeValueAsString(m.body());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return webhooks.enqueue(m, body, Outbox.traceparent(), clock.instant()).replaceWithVoid();
    }

    private Uni<Webhook> existing(String partnerId, String webhookId) {
        return Uni.createFrom()
                .item(() -> uuid(webhookId, "webhook"))
                .chain(id -> webhooks.find(partnerId, id))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("webhook", webhookId));
    }

    private static UUID uuid(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound(what, id);
        }
    }

    /** The subscribed names, checked against the catalogue, duplicates dropped. */
    static List<String> eventNames(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw ProblemException.invalidField("events", "at least one of " + WebhookEventType.names());
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : events) {
            if (name == null || WebhookEventType.byName(name).isEmpty()) {
                throw ProblemException.invalidField(
                        "events", "unknown event " + name + "; one of " + WebhookEventType.names());
            }
            names.add(name);
        }
        return List.copyOf(names);
    }
}
