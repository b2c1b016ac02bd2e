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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries (docs/partners.md, "Webhooks"). Every instance runs it: a round claims a
 * batch with {@code FOR UPDATE SKIP LOCKED} and a lease, sends it in parallel outside any
 * transaction, then records each outcome. A 2xx is delivered; anything else, a redirect (never
 * followed), a timeout or a refused address is a failure, retried with exponential backoff and
 * jitter until the retry window ends; then the delivery is abandoned and the webhook disabled.
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

    private HttpClient http;
    private Map<String, Counter> outcomes;

    void onStart(@Observes StartupEvent start) {
        http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
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

    /** The delivery log keeps a week of finished deliveries (the outbox keeps a week of published events too). */
    @Scheduled(every = "1h", delayed = "1m")
    void purge() {
        webhooks.purgeFinished(clock.instant(), Duration.ofDays(7)).await().atMost(Duration.ofSeconds(60));
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

    /** One batch: claims, sends in parallel, records. Answers how many were claimed. */
    int round() {
        Instant now = clock.instant();
        List<Attempt> batch =
                webhooks.claim(now, config.lease(), config.batchSize()).await().atMost(Duration.ofSeconds(30));
        List<CompletableFuture<Void>> sent = batch.stream().map(this::attempt).toList();
        // bounded: each attempt times out on its own (below); recording an outcome waits at most 30 s
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .orTimeout(config.requestTimeout().toSeconds() + 40, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
        return batch.size();
    }

    private CompletableFuture<Void> attempt(Attempt a) {
        WebhookUrlPolicy policy = new WebhookUrlPolicy(config.allowHttpLoopback());
        URI uri;
        String secret;
        try {
            // checked again now: the name may resolve to an internal address since registration
            uri = policy.check(a.url());
            secret = secrets.decrypt(a.secretEncrypted());
        } catch (WebhookUrlPolicy.Refused e) {
            failed(a, null, "refused: " + e.getMessage());
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            failed(a, null, e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        long timestamp = clock.instant().getEpochSecond();
        String messageId = a.id().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("content-type", "application/json")
                .header("user-agent", "pointmesh-webhooks/1")
                .header("webhook-id", messageId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.sign(secret, messageId, timestamp, a.body()))
                .POST(HttpRequest.BodyPublishers.ofString(a.body(), StandardCharsets.UTF_8));
        if (a.traceparent() != null) {
            request.header("traceparent", a.traceparent());
        }
        CompletableFuture<HttpResponse<Void>> call =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        // the whole attempt, body included, within the request timeout: on Java 17 HttpRequest.timeout stops at the
        // headers, and a receiver that trickles its body would otherwise hold the dispatcher for ever
        return call.orTimeout(config.requestTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        call.cancel(true);
                        failed(a, null, describe(error));
                    } else if (response.statusCode() / 100 == 2) {
                        delivered(a, response.statusCode());
                    } else {
                        failed(a, response.statusCode(), "HTTP " + response.statusCode());
                    }
                    return null;
                });
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
            String reason = "delivery " + a.id() + " failed for " + config.retryWindow() + " (last: " + why + ")";
            if (webhooks.abandoned(a, status, why, now, reason).await().atMost(Duration.ofSeconds(30))) {
                outcomes.get("abandoned").increment();
                LOG.warnf("webhook %s disabled: %s", a.webhookId(), reason);
            }
        } else if (webhooks.failed(a, status, why, next).await().atMost(Duration.ofSeconds(30))) {
            outcomes.get("failed").increment();
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
