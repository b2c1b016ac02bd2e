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
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
    ObjectMapper mapper;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    /**
     * Registers a webhook. The URL's host is resolved off the event loop (a name lookup blocks) and
     * must be public (SSRF); the secret is answered here and never again.
     */
    public Uni<WithSecret> create(String partnerId, String url, List<String> events, String actor) {
        List<String> names = eventNames(events);
        try {
            WebhookUrlPolicy.parse(url);
        } catch (WebhookUrlPolicy.Refused e) {
            return Uni.createFrom().failure(ProblemException.invalidField("url", e.getMessage()));
        }
        WebhookUrlPolicy policy = new WebhookUrlPolicy(config.allowHttpLoopback());
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
                    try {
                        return policy.check(url).toString();
                    } catch (WebhookUrlPolicy.Refused e) {
                        throw ProblemException.invalidField("url", e.getMessage());
                    }
                }))
                .chain(checked -> Panache.withTransaction(() -> partners.findById(partnerId)
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.notFound("partner", partnerId))
                        .chain(p -> {
                            if (p.status == PartnerStatus.OFFBOARDED) {
                                throw ProblemException.conflict(
                                        "partner-offboarded", "an offboarded partner gets no webhooks");
                            }
                            return webhooks.countOf(partnerId);
                        })
                        .chain(n -> {
                            if (n >= config.maxPerPartner()) {
                                throw ProblemException.conflict(
                                        "too-many-webhooks",
                                        "a partner has at most " + config.maxPerPartner() + " webhooks");
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
                                    null);
                            return webhooks.insert(w, secrets.encrypt(secret)).replaceWith(new WithSecret(w, secret));
                        })));
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

    /** A new secret at once; the old one signs nothing from now on. */
    @WithTransaction
    public Uni<WithSecret> rotate(String partnerId, String webhookId) {
        String secret = WebhookSignature.newSecret();
        Instant now = clock.instant();
        return existing(partnerId, webhookId)
                .chain(w -> webhooks.replaceSecret(UUID.fromString(w.id()), secrets.encrypt(secret), now)
                        .replaceWith(new WithSecret(w, secret)));
    }

    @WithTransaction
    public Uni<Webhook> enable(String partnerId, String webhookId) {
        return existing(partnerId, webhookId)
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
                        return webhooks.replay(id, deliveryUuid, now);
                    })
                    .chain(() -> webhooks.enable(id, now))
                    .chain(() -> webhooks.delivery(id, deliveryUuid));
        });
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
