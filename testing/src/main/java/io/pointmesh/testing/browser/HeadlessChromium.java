package io.pointmesh.testing.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}, or {@code POINTMESH_CHROMIUM}) driven over
 * the DevTools protocol with the JDK's own WebSocket client: navigate, run JavaScript in the page,
 * wait for a condition, take a screenshot. Each instance is a fresh browser profile, so no sign-in
 * carries over from another test.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The browser's executable: {@code POINTMESH_CHROMIUM}, else /usr/bin/chromium (apt-get install chromium). */
    public static Path executable() {
        String configured = System.getenv("POINTMESH_CHROMIUM");
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(
                    path + " is not there: install Debian's chromium (apt-get install chromium; .ci/run does) "
                            + "or point POINTMESH_CHROMIUM at a Chromium or Chrome binary");
        }
        return path;
    }

    public static HeadlessChromium launch() {
        try {
            Path profile = Files.createTempDirectory("pointmesh-chromium-");
            Process process = new ProcessBuilder(
                            executable().toString(),
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            "--no-default-browser-check",
                            "--window-size=1400,1800",
                            "--remote-debugging-port=0",
                            "--user-data-dir=" + profile,
                            "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(profile.resolve("chromium.log").toFile())
                    .start();
            // Chromium writes the port it chose to DevToolsActivePort in the profile
            Path portFile = profile.resolve("DevToolsActivePort");
            Instant deadline = Instant.now().plusSeconds(30);
            while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = null;
            while (pageSocket == null) {
                JsonNode targets = JSON.readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                for (JsonNode t : targets) {
                    if ("page".equals(t.path("type").asText())) {
                        pageSocket = t.path("webSocketDebuggerUrl").asText();
                    }
                }
                if (pageSocket == null) {
                    Thread.sleep(100);
                }
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                self[0].receive(text.toString());
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, profile, socket);
            self[0].send("Page.enable", Map.of());
            self[0].send("Runtime.enable", Map.of());
            return self[0];
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot drive chromium", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void receive(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
            }
        } catch (IOException e) {
            // not ours to answer: events we did not ask about
        }
    }

    /** One DevTools command; answers its result, or fails with the protocol's error. */
    public JsonNode send(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        try {
            socket.sendText(command.toString(), true).get(10, TimeUnit.SECONDS);
            JsonNode m = answer.get(60, TimeUnit.SECONDS);
            if (m.has("error")) {
                throw new IllegalStateException(method + ": " + m.get("error"));
            }
            return m.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + " got no answer", e);
        }
    }

    public void navigate(String url) {
        send("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression in the page (promises awaited); a thrown error fails. */
    public JsonNode eval(String expression) {
        JsonNode r =
                send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on `" + expression + "`: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /**
     * Waits until an expression's value passes the test (errors while the page changes count as
     * not yet); fails after the timeout with the last value and the page's address.
     */
    public JsonNode waitFor(String expression, Predicate<JsonNode> ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        String error = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = eval(expression);
                error = null;
                if (ready.test(last)) {
                    return last;
                }
            } catch (IllegalStateException e) {
                error = e.getMessage();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for `" + expression + "`; last value " + last
                + (error == null ? "" : ", last error " + error) + " at " + location());
    }

    public String location() {
        try {
            return eval("location.href").asText();
        } catch (IllegalStateException e) {
            return "(unknown)";
        }
    }

    /** A PNG of the page as it is now (for a failing test's report). */
    public void screenshot(Path file) throws IOException {
        JsonNode r = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
    }

    /**
     * Removes the temporary profile. Chromium's helper processes may still be renaming files in it
     * as it goes, so a file vanishing during the walk is expected, not a failure.
     */
    private void deleteProfile() {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file went away under the walk: try again; a profile left behind is harmless
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteProfile();
        }
    }
}
