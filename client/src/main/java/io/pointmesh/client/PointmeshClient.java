package io.pointmesh.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * pointmesh's REST APIs for a partner's system (or an operator's tool), generated from the
 * services' OpenAPI documents: one {@code ApiClient} per service, each request carrying a bearer
 * token from {@link #clientCredentials} (renewed before it expires, and after a 401 by the caller's
 * retry) or from a supplier of the caller's own.
 *
 * <pre>{@code
 * PointmeshClient pm = PointmeshClient.of(
 *         PointmeshClient.clientCredentials(tokenUrl, clientId, clientSecret),
 *         Map.of("ledger", URI.create("https://api.pointmesh.example")));
 * EarningView earned = pm.earnings().earn(new EarnRequest()
 *         .partnerTxId("POS-0042-0007").cardNumber(card).storeCode("GN-001")
 *         .amount(new BigDecimal("25000")).currency("KRW").occurredAt(OffsetDateTime.now()));
 * }</pre>
 */
public final class PointmeshClient {

    private final Supplier<String> token;
    private final Map<String, URI> services;

    private PointmeshClient(Supplier<String> token, Map<String, URI> services) {
        this.token = token;
        this.services = Map.copyOf(services);
    }

    /** A client for these services ("member", "partner", "ledger", "analytics" -> base URL), with these tokens. */
    public static PointmeshClient of(Supplier<String> token, Map<String, URI> services) {
        return new PointmeshClient(token, services);
    }

    public io.pointmesh.client.ledger.api.EarningsApi earnings() {
        return new io.pointmesh.client.ledger.api.EarningsApi(ledger());
    }

    public io.pointmesh.client.ledger.api.RedemptionsApi redemptions() {
        return new io.pointmesh.client.ledger.api.RedemptionsApi(ledger());
    }

    public io.pointmesh.client.ledger.api.AccountsApi accounts() {
        return new io.pointmesh.client.ledger.api.AccountsApi(ledger());
    }

    public io.pointmesh.client.partner.api.PartnersApi partners() {
        return new io.pointmesh.client.partner.api.PartnersApi(partner());
    }

    /** The ledger's generated ApiClient, for its other APIs. */
    public io.pointmesh.client.ledger.ApiClient ledger() {
        var c = new io.pointmesh.client.ledger.ApiClient();
        wire("ledger", c::updateBaseUri, c::setObjectMapper, c::setRequestInterceptor);
        return c;
    }

    public io.pointmesh.client.partner.ApiClient partner() {
        var c = new io.pointmesh.client.partner.ApiClient();
        wire("partner", c::updateBaseUri, c::setObjectMapper, c::setRequestInterceptor);
        return c;
    }

    public io.pointmesh.client.member.ApiClient member() {
        var c = new io.pointmesh.client.member.ApiClient();
        wire("member", c::updateBaseUri, c::setObjectMapper, c::setRequestInterceptor);
        return c;
    }

    public io.pointmesh.client.analytics.ApiClient analytics() {
        var c = new io.pointmesh.client.analytics.ApiClient();
        wire("analytics", c::updateBaseUri, c::setObjectMapper, c::setRequestInterceptor);
        return c;
    }

    /** The four generated ApiClients are separate classes with the same setters: each gets its address, JSON and token. */
    private void wire(
            String service,
            Consumer<String> baseUri,
            Consumer<ObjectMapper> mapper,
            Consumer<Consumer<HttpRequest.Builder>> interceptor) {
        baseUri.accept(base(service));
        mapper.accept(mapper());
        interceptor.accept(bearer());
    }

    private Consumer<HttpRequest.Builder> bearer() {
        return request -> request.header("Authorization", "Bearer " + token.get());
    }

    private String base(String service) {
        URI uri = services.get(service);
        if (uri == null) {
            throw new IllegalStateException("no address for " + service + " (known: " + services.keySet() + ")");
        }
        return uri.toString().replaceAll("/+$", "");
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /**
     * Tokens of a confidential client (OAuth 2.0 client credentials, as a partner's POS back end
     * holds them), fetched from the token endpoint and kept until 30 s before they expire.
     */
    public static Supplier<String> clientCredentials(URI tokenUrl, String clientId, String clientSecret) {
        return new Supplier<>() {
            private final HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            private String token;
            private Instant renewAt = Instant.MIN;

            @Override
            public synchronized String get() {
                if (token == null || Instant.now().isAfter(renewAt)) {
                    String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret="
                            + encode(clientSecret);
                    try {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(tokenUrl)
                                        .timeout(Duration.ofSeconds(15))
                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                        .POST(HttpRequest.BodyPublishers.ofString(form))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(
                                    "the token endpoint answered " + r.statusCode() + ": " + r.body());
                        }
                        JsonNode answer = new ObjectMapper().readTree(r.body());
                        token = answer.path("access_token").asText();
                        renewAt = Instant.now()
                                .plusSeconds(
                                        Math.max(0, answer.path("expires_in").asLong(60) - 30));
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot reach the token endpoint " + tokenUrl, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                return token;
            }
        };
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
