package io.pointmesh.partner.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointmesh.partner.WebhookSignature;
import io.pointmesh.partner.WebhookUrlPolicy;
import io.pointmesh.partner.config.WebhookConfig;
import io.pointmesh.partner.repository.WebhookRepository;
import io.pointmesh.partner.repository.WebhookRepository.Attempt;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries (docs/partners.md, "Webhooks"). Every instance runs it: a round claims a
 * batch with {@code FOR UPDATE SKIP LOCKED} and a lease, sends it in parallel outside any
 * transaction, then records each outcome. A 2xx is delivered; anything else, a redirect (never
 * followed), a timeout or a refused address is a failure, retried with exponential backoff and
 * jitter until the retry window ends; then the delivery is abandoned and the webhook disabled.
 *
 * <p>Each attempt connects to the address its URL was checked at just before ({@link WebhookUrlPolicy#pin}),
 * never to a second lookup of the name: a partner's DNS cannot answer a public address to the check and an
 * internal one to the connection (DNS rebinding). TLS still names and verifies the URL's host (SNI, the
 * certificate's name).
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    static final String METRIC = "pointmesh.webhook.deliveries";

    @Inject
    WebhookRepository webhooks;

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookConfig config;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry registry;

    @Inject
    WebhookUrlPolicy.Resolver resolver;

    @Inject
    Vertx vertx;

    private HttpClient http;
    private Map<String, Counter> outcomes;

    void onStart(@Observes StartupEvent start) {
        checkLease(config.requestTimeout(), config.lease());
        http = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(false)
                // the URL's host, not the pinned address, is what TLS names (SNI) and verifies the certificate for
                .setForceSni(true)
                .setVerifyHost(true)
                .setMaxPoolSize(Math.max(8, config.batchSize())));
        // every outcome exists from the start, so dashboards and alerts see zeros, not "no data"
        outcomes = Map.of(
                "delivered", counter("delivered"),
                "failed", counter("failed"),
                "abandoned", counter("abandoned"));
    }

    private Counter counter(String outcome) {
        return Counter.builder(METRIC)
                .description("webhook delivery attempts by outcome (abandoned: the retry window ended)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /**
     * The delivery log keeps a week of finished deliveries (the outbox keeps a week of published events too).
     * Deliveries still pending for an offboarded partner (an offboarding abandons them; these were left before it
     * did) are abandoned first: they are never sent, and would otherwise stay pending for ever.
     */
    @Scheduled(every = "1h", delayed = "1m")
    public void purge() {
        Instant now = clock.instant();
        webhooks.abandonOffboarded(now).await().atMost(Duration.ofSeconds(60));
        webhooks.purgeFinished(now, Duration.ofDays(7)).await().atMost(Duration.ofSeconds(60));
    }

    @Scheduled(
            every = "${pointmesh.webhooks.dispatch-every:1s}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dispatch() {
        if (!secrets.configured()) {
            return;
        }
        try {
            // rounds until nothing is due, so a backlog drains faster than one batch a tick
            while (round() == config.batchSize()) {}
        } catch (RuntimeException e) {
            LOG.warnf("webhook dispatch round failed (retried next tick): %s", e.toString());
        }
    }

    /** The most a round waits for its attempts: two timed-out steps (the lookup, the request) and recording. */
    static Duration roundBound(Duration requestTimeout) {
        return Duration.ofSeconds(2 * requestTimeout.toSeconds() + 30);
    }

    /**
     * A lease shorter than a round would let another instance claim a delivery whose attempt is still in flight
     * and send it twice: such settings are refused at startup rather than found in a partner's duplicate deliveries.
     */
    static void checkLease(Duration requestTimeout, Duration lease) {
        Duration round = roundBound(requestTimeout);
        if (lease.compareTo(round) <= 0) {
            throw new IllegalStateException("pointmesh.webhooks.lease (" + lease
                    + ") must be longer than a dispatcher round (2 x request-timeout + 30 s = " + round + ")");
        }
    }

    /** One batch: claims, sends in parallel, records. Answers how many were claimed. */
    int round() {
        Instant now = clock.instant();
        List<Attempt> batch =
                webhooks.claim(now, config.lease(), config.batchSize()).await().atMost(Duration.ofSeconds(30));
        List<CompletableFuture<Void>> sent = batch.stream()
                .map(a -> a.outcomeMissing() && windowEnded(a, now) ? expired(a, now) : attempt(a))
                .toList();
        // bounded: each attempt's lookup and request time out on their own (below); recording an outcome waits at
        // most 30 s
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .orTimeout(roundBound(config.requestTimeout()).toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
        return batch.size();
    }

    private boolean windowEnded(Attempt a, Instant now) {
        return now.isAfter(a.windowStartedAt().plus(config.retryWindow()));
    }

    /**
     * A delivery whose last attempt never recorded an outcome (its lease ran out: an instance stopped mid-attempt,
     * or the attempt failed in a way nothing caught) and whose retry window has ended is abandoned without another
     * attempt, as a failure past the window is: a delivery is never claimed again and again for ever because its
     * attempts leave no outcome.
     */
    private CompletableFuture<Void> expired(Attempt a, Instant now) {
        return CompletableFuture.runAsync(
                () -> abandon(
                        a,
                        null,
                        "no outcome was recorded for attempt " + (a.attempt() - 1) + " before the retry window ended",
                        now),
                io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    /**
     * The previous secret within a rotation's overlap, or null. One that no longer decrypts (the
     * at-rest key was changed, and the webhook rotated after) is left out: the current secret
     * still signs, so the delivery is not failed for a signature the receiver may not need.
     */
    private String previousSecret(Attempt a) {
        if (a.previousSecretEncrypted() == null) {
            return null;
        }
        try {
            return secrets.decrypt(a.previousSecretEncrypted());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "webhook %s: its previous secret does not decrypt (%s); signing with the current one only",
                    a.webhookId(), e.getMessage());
            return null;
        }
    }

    /**
     * Name lookups, off the dispatcher's thread, each on a thread of its own as soon as it is due (a
     * cached pool: nothing queues). A lookup blocks its thread (the JDK's resolver cannot be
     * interrupted): looked up one webhook after another, one partner's slow name server held every
     * other partner's deliveries back; on a fixed pool, its lookups filled the threads and the others'
     * waited in the queue until their own time ran out. Threads: at most one per attempt of a round,
     * plus lookups of earlier rounds still blocked (their deliveries back off meanwhile).
     */
    private final java.util.concurrent.ExecutorService lookups =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "webhook-name-lookup");
                t.setDaemon(true);
                return t;
            });

    @jakarta.annotation.PreDestroy
    void stopLookups() {
        lookups.shutdownNow();
    }

    private CompletableFuture<Void> attempt(Attempt a) {
        WebhookUrlPolicy policy = new WebhookUrlPolicy(config.allowHttpLoopback(), resolver);
        // checked again now: the name may resolve to an internal address since registration; the lookup counts
        // against the attempt's time like the request
        return CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return policy.pin(a.url());
                            } catch (WebhookUrlPolicy.Refused e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        },
                        lookups)
                .orTimeout(config.requestTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handleAsync(
                        (target, error) -> {
                            if (error == null) {
                                return send(a, target);
                            }
                            Throwable cause = error instanceof java.util.concurrent.CompletionException
                                    ? error.getCause()
                                    : error;
                            failed(
                                    a,
                                    null,
                                    cause instanceof WebhookUrlPolicy.Refused
                                            ? "refused: " + cause.getMessage()
                                            : cause instanceof java.util.concurrent.TimeoutException
                                                    ? "the host's name did not resolve within "
                                                            + config.requestTimeout()
                                                    : String.valueOf(cause.getMessage()));
                            return CompletableFuture.<Void>completedFuture(null);
                        },
                        io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .thenCompose(sent -> sent);
    }

    /**
     * Sends the attempt and records its outcome. Whatever goes wrong before the request is on its way (an address
     * or a header Vert.x refuses: a stored URL with port 99999 threw here) is a failed attempt like a refused
     * connection, so backoff, the retry window and abandonment apply. Before, the exception escaped to
     * {@link #round()}, which swallowed it: no outcome was recorded and the delivery was claimed again at every
     * lease for ever, holding the member's later deliveries back.
     */
    private CompletableFuture<Void> send(Attempt a, WebhookUrlPolicy.Checked target) {
        try {
            return sendChecked(a, target);
        } catch (RuntimeException e) {
            LOG.debugf(e, "webhook %s: delivery %s could not be sent", a.webhookId(), a.id());
            failed(a, null, describe(e));
            return CompletableFuture.completedFuture(null);
        }
    }

    private CompletableFuture<Void> sendChecked(Attempt a, WebhookUrlPolicy.Checked target) {
        String secret;
        String previous;
        try {
            secret = secrets.decrypt(a.secretEncrypted());
            previous = previousSecret(a);
        } catch (RuntimeException e) {
            failed(a, null, e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        long timestamp = clock.instant().getEpochSecond();
        String messageId = a.id().toString();
        URI uri = target.uri();
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(
                        SocketAddress.inetSocketAddress(port, target.address().getHostAddress()))
                .setHost(uri.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setIdleTimeout(config.requestTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "pointmesh-webhooks/1")
                .putHeader("webhook-id", messageId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader(
                        "webhook-signature", WebhookSignature.header(secret, previous, messageId, timestamp, a.body()));
        if (a.traceparent() != null) {
            request.putHeader("traceparent", a.traceparent());
        }
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        CompletableFuture<Integer> call = new CompletableFuture<>();
        http.request(request)
                .compose(r -> {
                    sent.set(r);
                    return r.send(Buffer.buffer(a.body()));
                })
                .onComplete(answered -> {
                    if (answered.failed()) {
                        call.completeExceptionally(answered.cause());
                    } else {
                        status(answered.result(), call);
                    }
                });
        // the whole attempt, body included, within the request timeout: a receiver that trickles its answer would
        // otherwise hold the dispatcher for ever
        // the outcome is recorded off the event loop (recording waits for the database)
        return call.orTimeout(config.requestTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handleAsync(
                        (status, error) -> {
                            if (error != null) {
                                HttpClientRequest r = sent.get();
                                if (r != null) {
                                    r.reset();
                                }
                                failed(a, null, describe(error));
                            } else if (status / 100 == 2) {
                                delivered(a, status);
                            } else {
                                failed(a, status, "HTTP " + status);
                            }
                            return null;
                        },
                        io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    /**
     * The most of an answer's body that is read (and dropped): the status is the outcome, the body is not kept.
     * Reading it whole ({@code response.body()}) collected it in memory, so an endpoint streaming hundreds of
     * megabytes within the attempt's time could take partner-service's heap.
     */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    /**
     * Completes {@code call} with the answer's status once its body has ended, or as soon as more than
     * {@link #MAX_ANSWER_BYTES} of it have arrived: then the rest is not read, the connection is reset (closed)
     * and the status stands. Nothing of the body is kept; the attempt's time (the caller's timeout) still bounds
     * a body that trickles.
     */
    private static void status(HttpClientResponse response, CompletableFuture<Integer> call) {
        int status = response.statusCode();
        long[] read = {0};
        response.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > MAX_ANSWER_BYTES && call.complete(status)) {
                response.request().reset();
            }
        });
        response.exceptionHandler(call::completeExceptionally);
        response.endHandler(end -> call.complete(status));
    }

    private void delivered(Attempt a, int status) {
        if (webhooks.delivered(a, status, clock.instant()).await().atMost(Duration.ofSeconds(30))) {
            outcomes.get("delivered").increment();
        }
    }

    private void failed(Attempt a, Integer status, String error) {
        Instant now = clock.instant();
        Instant next = now.plus(backoff(a.attempt()));
        String why = error == null ? "failed" : error.length() > 500 ? error.substring(0, 500) : error;
        if (next.isAfter(a.windowStartedAt().plus(config.retryWindow()))) {
            abandon(a, status, why, now);
        } else if (webhooks.failed(a, status, why, next).await().atMost(Duration.ofSeconds(30))) {
            outcomes.get("failed").increment();
        }
    }

    /**
     * The retry window is over: the delivery is abandoned and its webhook disabled (not for the partner.suspended
     * notice: {@link WebhookRepository#abandoned}).
     */
    private void abandon(Attempt a, Integer status, String why, Instant now) {
        String reason = "delivery " + a.id() + " failed for " + config.retryWindow() + " (last: " + why + ")";
        Boolean disabled =
                webhooks.abandoned(a, status, why, now, reason).await().atMost(Duration.ofSeconds(30));
        if (disabled != null) {
            outcomes.get("abandoned").increment();
            if (disabled) {
                LOG.warnf("webhook %s disabled: %s", a.webhookId(), reason);
            } else {
                LOG.warnf("webhook %s left enabled (the partner.suspended notice): %s", a.webhookId(), reason);
            }
        }
    }

    /** Exponential from backoff-initial, capped at backoff-max, with "equal jitter" (half fixed, half random). */
    Duration backoff(int attempt) {
        long initial = config.backoffInitial().toMillis();
        long max = config.backoffMax().toMillis();
        long exp = attempt >= 40 ? max : Math.min(max, initial * (1L << Math.max(0, attempt - 1)));
        long half = Math.max(1, exp / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
