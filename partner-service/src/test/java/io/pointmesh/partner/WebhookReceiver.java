package io.pointmesh.partner;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A partner's endpoint in the test: a real HTTP server on loopback that records every request and
 * answers what the test scripts per path (200 unless told otherwise).
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(
            String path,
            String id,
            String timestamp,
            String signature,
            String traceparent,
            String body,
            int answered) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Received, Integer>> answers = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var h = exchange.getRequestHeaders();
            String path = exchange.getRequestURI().getPath();
            Received r = new Received(
                    path,
                    h.getFirst("webhook-id"),
                    h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"),
                    h.getFirst("traceparent"),
                    body,
                    0);
            int status = answers.getOrDefault(path, x -> 200).apply(r);
            received.add(new Received(r.path(), r.id(), r.timestamp(), r.signature(), r.traceparent(), body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    /** A fresh path on this receiver, as a partner's URL. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    /** How to answer requests to {@code path}, given what arrived there so far and this request. */
    void answer(String path, Function<Received, Integer> status) {
        answers.put("/" + path, status);
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals("/" + path)).toList();
    }

    /** Waits until {@code path} has received at least {@code n} requests; answers them all. */
    List<Received> await(String path, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (at(path).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("received " + at(path).size() + " requests at " + path + ", expected " + n);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return at(path);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
