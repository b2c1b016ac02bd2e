import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load driver of bench/ledger-earn: CLIENTS threads each send earn requests one after the other
 * (a closed loop, like POS terminals) for SECONDS, to members bench-m-1..MEMBERS at random; or,
 * with RATE > 0, an open loop: RATE requests a second on a fixed schedule whatever the answers,
 * each latency counted from its scheduled time (no coordinated omission).
 * Prints "requests=<n> errors=<n> earn_per_s=<n> p50_ms=<n> p99_ms=<n> p999_ms=<n>". With BATCH > 0
 * (7th argument), batches of BATCH purchases instead ({@link #batches}). With RATE, the 8th argument
 * is the client's own warm-up in seconds at the same rate, not counted. A line "measuring" on
 * stdout says when the measured part starts (bench/ledger-earn counts the stack's CPU from it).
 *
 * <p>With "mixed" as its first argument, the mixed workload of bench/ledger-mixed instead ({@link Mixed}).
 */
public class EarnLoad {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("mixed")) {
            try {
                Mixed.main(args);
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
            System.exit(0); // the HTTP client's and token renewal's threads end with it
        }
        String url = args[0];
        String token = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int members = Integer.parseInt(args[4]);
        int rate = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        int batch = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        if (batch > 0) {
            batches(http, url, token, clients, seconds, members, batch);
            return;
        }
        if (rate > 0) {
            // the client's own warm-up, at the rate measured: a fresh JVM still compiles its HTTP client,
            // and its stalls would count as the ledger's latency
            int clientWarmup = args.length > 7 ? Integer.parseInt(args[7]) : 0;
            if (clientWarmup > 0) {
                openLoop(http, url, token, rate, clientWarmup, members, false);
            }
            openLoop(http, url, token, rate, seconds, members, true);
            return;
        }
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            long[] latencies = new long[2_000_000];
            perThread.add(latencies);
            int index = t;
            Thread thread = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    HttpRequest request = earning(url, token, "bench-c-" + ThreadLocalRandom.current().nextInt(1, members + 1));
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 201) {
                            if (errors.incrementAndGet() < 5) {
                                System.err.println("earn answered " + r.statusCode() + ": " + r.body());
                            }
                            continue;
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        LockSupport.parkNanos(100_000_000L); // no answer (a restart): do not spin
                        continue;
                    }
                    if (n < latencies.length) {
                        latencies[n++] = System.nanoTime() - start;
                    }
                }
                perThread.get(index)[latencies.length - 1] = n;
            });
            threads.add(thread);
        }
        measuring();
        long began = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - began) / 1e9;
        int total = 0;
        for (long[] l : perThread) {
            total += (int) l[l.length - 1];
        }
        long[] all = new long[total];
        int k = 0;
        for (long[] l : perThread) {
            int n = (int) l[l.length - 1];
            System.arraycopy(l, 0, all, k, n);
            k += n;
        }
        report(all, errors.get(), elapsed);
    }

    static HttpRequest earning(String url, String token, String card) {
        return earning(url, token, card, ThreadLocalRandom.current().nextInt(1000, 200000));
    }

    static HttpRequest earning(String url, String token, String card, long amount) {
        String body = purchase(card, amount);
        return HttpRequest.newBuilder(URI.create(url + "/ledger/v1/earnings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * BATCH=n: CLIENTS threads each send POST /ledger/v1/earnings/batch with n purchases, one batch
     * after the other, for SECONDS. Counts the purchases earned (status 201 in the answer); the
     * latencies are the batches'. Prints "requests=<earnings> batches=<n> errors=<n> earn_per_s=<n>
     * p50_ms= p99_ms= p999_ms=" (of a batch).
     */
    static void batches(HttpClient http, String url, String token, int clients, int seconds, int members, int size)
            throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong earned = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        Pattern created = Pattern.compile("\"status\":201");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            threads.add(new Thread(() -> {
                while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder("{\"earnings\":[");
                    for (int i = 0; i < size; i++) {
                        body.append(i == 0 ? "" : ",").append(purchase(
                                "bench-c-" + ThreadLocalRandom.current().nextInt(1, members + 1),
                                ThreadLocalRandom.current().nextInt(1000, 200000)));
                    }
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/ledger/v1/earnings/batch"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build();
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long ok = r.statusCode() == 200 ? created.matcher(r.body()).results().count() : 0;
                        if (ok < size && errors.addAndGet(size - ok) < 5) {
                            System.err.println("batch answered " + r.statusCode() + ": "
                                    + r.body().substring(0, Math.min(400, r.body().length())));
                        }
                        earned.addAndGet(ok);
                    } catch (Exception e) {
                        errors.addAndGet(size);
                        LockSupport.parkNanos(100_000_000L);
                        continue;
                    }
                    latencies.add(System.nanoTime() - start);
                }
            }));
        }
        measuring();
        long began = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - began) / 1e9;
        long[] all = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("requests=%d batches=%d errors=%d earn_per_s=%.0f p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f%n",
                earned.get(), all.length, errors.get(), earned.get() / elapsed, percentile(all, 0.50),
                percentile(all, 0.99), percentile(all, 0.999));
    }

    /** One purchase's JSON: a new partnerTxId, store B001, occurred 5 seconds ago. */
    static String purchase(String card, long amount) {
        return "{\"partnerTxId\":\"" + UUID.randomUUID() + "\",\"cardNumber\":\"" + card
                + "\",\"storeCode\":\"B001\",\"amount\":" + amount
                + ",\"currency\":\"KRW\",\"occurredAt\":\"" + Instant.now().minusSeconds(5) + "\"}";
    }

    /** RATE requests a second for SECONDS on a fixed schedule; waits for the last answers. */
    static void openLoop(HttpClient http, String url, String token, int rate, int seconds, int members, boolean print)
            throws Exception {
        int planned = rate * seconds;
        long[] latencies = new long[planned];
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(planned);
        long interval = 1_000_000_000L / rate;
        if (print) {
            measuring();
        }
        long began = System.nanoTime();
        for (int i = 0; i < planned; i++) {
            long scheduled = onSchedule(began, interval, i);
            HttpRequest request = earning(url, token, "bench-c-" + ThreadLocalRandom.current().nextInt(1, members + 1));
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 201) {
                    if (errors.incrementAndGet() < 5) {
                        System.err.println("earn answered " + (e != null ? e : r.statusCode() + ": " + r.body()));
                    }
                } else {
                    latencies[done.getAndIncrement()] = System.nanoTime() - scheduled;
                }
                answered.countDown();
            });
        }
        answered.await(120, java.util.concurrent.TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - began) / 1e9;
        if (print) {
            report(Arrays.copyOf(latencies, done.get()), errors.get(), elapsed);
        }
    }

    /** Tells bench/ledger-earn that the measured part starts now: it counts the stack's CPU from here. */
    static void measuring() {
        System.out.println("measuring");
        System.out.flush();
    }

    /**
     * Waits for the i-th slot of an open loop (one every {@code interval} ns from {@code began}) and
     * answers its scheduled time: latencies count from it, so a stall shows (no coordinated omission).
     */
    static long onSchedule(long began, long interval, int i) {
        long scheduled = began + i * interval;
        long wait = scheduled - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        return scheduled;
    }

    static void report(long[] all, long errors, double elapsed) {
        int total = all.length;
        Arrays.sort(all);
        System.out.printf("requests=%d errors=%d earn_per_s=%.0f p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f%n",
                total, errors, total / elapsed, percentile(all, 0.50), percentile(all, 0.99), percentile(all, 0.999));
    }

    /** The q-quantile of sorted latencies (ns), in ms; 0 when there are none. */
    static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
    }

    /**
     * bench/ledger-mixed: an open loop of RATE operations a second for SECONDS (after WARMUP seconds
     * at the same rate, not counted), each leaving on its fixed schedule whatever the answers:
     * 70 % earn (the bench partner, a member's card), 20 % hold (the member's app asks for a payment
     * code, the POS holds with it, or with card and PIN when AUTH is "pin"; then capture or void,
     * half each), 10 % gift (member to member, the giver's token). Members are bench-u-1..MEMBERS
     * (cards bench-mc-i), whose tokens it takes from Keycloak (password grant of the mobile app),
     * renewed before the realm's 5 minutes run out. Before the run, each member with fewer than
     * 50,000 available points earns 100,000 (a purchase of 10,000,000 KRW at 1 %).
     *
     * <p>Each request's latency counts from when it was due: the first of an operation from its
     * scheduled time, a follow-up (the hold after its code, the capture or void after its hold)
     * from the answer before it. An operation's latency ("mixed") is from its scheduled time to
     * its last answer.
     *
     * <p>Arguments: mixed LEDGER_URL TOKEN_URL PARTNER_CLIENT PARTNER_SECRET MOBILE_CLIENT
     * PASSWORD_SUFFIX RATE SECONDS MEMBERS [WARMUP=5] [AUTH=code|pin] [PIN]
     */
    static final class Mixed {
        static final String[] KINDS = {"earn", "code", "hold", "capture", "void", "gift", "mixed"};
        static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]+)\"");
        static final Pattern REDEMPTION = Pattern.compile("\"redemptionId\"\\s*:\\s*\"([^\"]+)\"");
        static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
        static final Pattern AVAILABLE = Pattern.compile("\"available\"\\s*:\\s*(-?[0-9]+)");

        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final String url;
        final String tokenUrl;
        final String partnerClient;
        final String partnerSecret;
        final String mobileClient;
        final String passwordSuffix;
        final int members;
        final boolean pin;
        final String pinCode;
        volatile String partnerToken;
        final AtomicReferenceArray<String> memberTokens;
        Map<String, Stats> stats;

        Mixed(String[] a) {
            url = a[1];
            tokenUrl = a[2];
            partnerClient = a[3];
            partnerSecret = a[4];
            mobileClient = a[5];
            passwordSuffix = a[6];
            members = Integer.parseInt(a[9]);
            pin = a.length > 11 && a[11].equals("pin");
            pinCode = a.length > 12 ? a[12] : null;
            memberTokens = new AtomicReferenceArray<>(members + 1);
        }

        static void main(String[] a) throws Exception {
            Mixed m = new Mixed(a);
            int rate = Integer.parseInt(a[7]);
            int seconds = Integer.parseInt(a[8]);
            int warmup = a.length > 10 ? Integer.parseInt(a[10]) : 5;
            long t = System.nanoTime();
            m.renewTokens();
            System.out.printf("    %d member tokens and the partner's in %.1f s%n", m.members, (System.nanoTime() - t) / 1e9);
            ScheduledExecutorService renew = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread th = new Thread(r);
                th.setDaemon(true);
                return th;
            });
            renew.scheduleWithFixedDelay(() -> {
                try {
                    m.renewTokens();
                } catch (Exception e) {
                    System.err.println("renewing tokens: " + e);
                }
            }, 200, 200, TimeUnit.SECONDS);
            t = System.nanoTime();
            int topped = m.topUp();
            System.out.printf("    %d members topped up to spend in %.1f s%n", topped, (System.nanoTime() - t) / 1e9);
            if (warmup > 0) {
                m.run(rate, warmup);
                System.out.printf("    warm-up: %d s at %d/s%n", warmup, rate);
            }
            double elapsed = m.run(rate, seconds);
            m.report(elapsed);
        }

        String form(String... kv) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < kv.length; i += 2) {
                b.append(i == 0 ? "" : "&").append(kv[i]).append('=')
                        .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
            }
            return b.toString();
        }

        String token(String body) throws Exception {
            HttpRequest r = HttpRequest.newBuilder(URI.create(tokenUrl))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
                Matcher m = ACCESS_TOKEN.matcher(answer.body());
                if (answer.statusCode() == 200 && m.find()) {
                    return m.group(1);
                }
                if (attempt == 5) {
                    throw new IllegalStateException("token endpoint answered " + answer.statusCode() + ": " + answer.body());
                }
                Thread.sleep(1000);
            }
        }

        /** The partner's token (client credentials) and every member's (password grant), 8 at a time. */
        void renewTokens() throws Exception {
            partnerToken = token(form("grant_type", "client_credentials", "client_id", partnerClient, "client_secret", partnerSecret));
            forEachMember(i -> memberTokens.set(i, token(form("grant_type", "password", "client_id", mobileClient,
                    "username", "bench-u-" + i, "password", "bench-u-" + i + passwordSuffix, "scope", "openid"))));
        }

        interface MemberTask {
            void run(int member) throws Exception;
        }

        void forEachMember(MemberTask task) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i <= members; i++) {
                int member = i;
                done.add(pool.submit(() -> {
                    // a restart of the ledger or Keycloak (seconds) is waited out
                    for (int attempt = 1; ; attempt++) {
                        try {
                            task.run(member);
                            return null;
                        } catch (java.io.IOException e) {
                            if (attempt == 60) {
                                throw e;
                            }
                            Thread.sleep(1000);
                        }
                    }
                }));
            }
            try {
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        /**
         * Each member with fewer than 50,000 available points earns 100,000 (10,000,000 KRW at 1 %);
         * with AUTH "pin", a member without a spending PIN sets PIN (once: a PIN is kept across runs).
         */
        int topUp() throws Exception {
            AtomicInteger topped = new AtomicInteger();
            forEachMember(i -> {
                if (pin) {
                    HttpResponse<String> status = http.send(request("/ledger/v1/me/pin", memberTokens.get(i)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (status.body().matches("(?s).*\"set\"\\s*:\\s*false.*")) {
                        HttpResponse<String> set = http.send(request("/ledger/v1/me/pin", memberTokens.get(i))
                                .PUT(HttpRequest.BodyPublishers.ofString(json("pin", pinCode))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (set.statusCode() != 204) {
                            throw new IllegalStateException("bench-u-" + i + ": setting the PIN answered " + set.statusCode() + ": " + set.body());
                        }
                    }
                }
                HttpResponse<String> balance = http.send(HttpRequest.newBuilder(URI.create(url + "/ledger/v1/me/balance"))
                        .header("Authorization", "Bearer " + memberTokens.get(i)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher m = AVAILABLE.matcher(balance.body());
                if (balance.statusCode() != 200 || !m.find()) {
                    throw new IllegalStateException("bench-u-" + i + ": balance answered " + balance.statusCode() + ": " + balance.body());
                }
                if (Long.parseLong(m.group(1)) < 50_000) {
                    HttpResponse<String> earned = http.send(earning(url, partnerToken, "bench-mc-" + i, 10_000_000L),
                            HttpResponse.BodyHandlers.ofString());
                    if (earned.statusCode() != 201) {
                        throw new IllegalStateException("bench-u-" + i + ": earning answered " + earned.statusCode() + ": " + earned.body());
                    }
                    topped.incrementAndGet();
                }
            });
            return topped.get();
        }

        /** Latencies of one kind of request (or of whole operations), and its errors by status. */
        static final class Stats {
            final long[] latencies;
            final AtomicInteger count = new AtomicInteger();
            final Map<String, LongAdder> errors = new ConcurrentSkipListMap<>();

            Stats(int capacity) {
                latencies = new long[capacity];
            }

            void ok(long nanos) {
                int n = count.getAndIncrement();
                if (n < latencies.length) {
                    latencies[n] = nanos;
                }
            }

            void error(String status) {
                errors.computeIfAbsent(status, s -> new LongAdder()).increment();
            }

            long errorCount() {
                return errors.values().stream().mapToLong(LongAdder::sum).sum();
            }

            long[] sorted() {
                long[] all = Arrays.copyOf(latencies, Math.min(count.get(), latencies.length));
                Arrays.sort(all);
                return all;
            }
        }

        HttpRequest.Builder request(String path, String token) {
            return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        }

        /**
         * Sends one request of an operation; records its latency from {@code due} (or its error) under
         * {@code kind}. Completes with the answer's body when it is the expected status, else null.
         */
        CompletableFuture<String> step(String kind, HttpRequest request, int expected, long due, AtomicLong last) {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
                long now = System.nanoTime();
                last.set(now);
                Stats s = stats.get(kind);
                if (e != null) {
                    s.error("io");
                    return null;
                }
                if (r.statusCode() != expected) {
                    s.error(String.valueOf(r.statusCode()));
                    if (s.errorCount() <= 3) {
                        System.err.println(kind + " answered " + r.statusCode() + ": " + r.body());
                    }
                    return null;
                }
                s.ok(now - due);
                return r.body();
            });
        }

        static String json(String... kv) {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < kv.length; i += 2) {
                String v = kv[i + 1];
                boolean number = !v.isEmpty() && v.chars().allMatch(Character::isDigit) && !kv[i].equals("pin")
                        && !kv[i].equals("paymentCode");
                b.append(i == 0 ? "" : ",").append('"').append(kv[i]).append("\":")
                        .append(number ? v : "\"" + v + "\"");
            }
            return b.append('}').toString();
        }

        /** One operation, due at {@code scheduled}; completes with whether every request of it succeeded. */
        CompletableFuture<Boolean> operation(double dice, long scheduled, AtomicLong last) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int member = random.nextInt(1, members + 1);
            if (dice < 0.70) {
                return step("earn", earning(url, partnerToken, "bench-mc-" + member), 201, scheduled, last)
                        .thenApply(body -> body != null);
            }
            if (dice >= 0.90) {
                int other = random.nextInt(1, Math.max(2, members));
                if (other >= member) {
                    other++;
                }
                HttpRequest gift = request("/ledger/v1/me/gifts", memberTokens.get(member))
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString(json("recipientCardNumber", "bench-mc-" + other,
                                "points", String.valueOf(random.nextInt(1, 51))))).build();
                return step("gift", gift, 201, scheduled, last).thenApply(body -> body != null);
            }
            String points = String.valueOf(random.nextInt(1, 301));
            boolean capture = random.nextBoolean();
            CompletableFuture<String> proof;
            long[] holdDue = {scheduled};
            if (pin) {
                proof = CompletableFuture.completedFuture(json("partnerTxId", UUID.randomUUID().toString(),
                        "cardNumber", "bench-mc-" + member, "pin", pinCode, "storeCode", "B001", "points", points));
            } else {
                HttpRequest code = request("/ledger/v1/me/payment-codes", memberTokens.get(member))
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                proof = step("code", code, 201, scheduled, last).thenApply(body -> {
                    if (body == null) {
                        return null;
                    }
                    Matcher m = CODE.matcher(body);
                    holdDue[0] = last.get();
                    return m.find() ? json("partnerTxId", UUID.randomUUID().toString(), "paymentCode", m.group(1),
                            "storeCode", "B001", "points", points) : null;
                });
            }
            return proof.thenCompose(hold -> {
                if (hold == null) {
                    return CompletableFuture.completedFuture(null);
                }
                return step("hold", request("/ledger/v1/redemptions", partnerToken)
                        .POST(HttpRequest.BodyPublishers.ofString(hold)).build(), 201, holdDue[0], last);
            }).thenCompose(held -> {
                if (held == null) {
                    return CompletableFuture.completedFuture(null);
                }
                Matcher m = REDEMPTION.matcher(held);
                if (!m.find()) {
                    return CompletableFuture.completedFuture(null);
                }
                String kind = capture ? "capture" : "void";
                return step(kind, request("/ledger/v1/redemptions/" + m.group(1) + "/" + kind, partnerToken)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), 200, last.get(), last);
            }).thenApply(body -> body != null);
        }

        /** RATE operations a second for SECONDS on a fixed schedule; waits for the last answers. */
        double run(int rate, int seconds) throws Exception {
            int planned = rate * seconds;
            stats = new LinkedHashMap<>();
            for (String k : KINDS) {
                stats.put(k, new Stats(planned));
            }
            CountDownLatch answered = new CountDownLatch(planned);
            long interval = 1_000_000_000L / rate;
            long began = System.nanoTime();
            for (int i = 0; i < planned; i++) {
                long scheduled = onSchedule(began, interval, i);
                AtomicLong last = new AtomicLong();
                operation(ThreadLocalRandom.current().nextDouble(), scheduled, last).whenComplete((ok, e) -> {
                    Stats s = stats.get("mixed");
                    if (e == null && Boolean.TRUE.equals(ok)) {
                        s.ok(last.get() - scheduled);
                    } else {
                        s.error("failed");
                    }
                    answered.countDown();
                });
            }
            if (!answered.await(300, TimeUnit.SECONDS)) {
                System.err.println(answered.getCount() + " operations still unanswered after 300 s");
            }
            return (System.nanoTime() - began) / 1e9;
        }

        void report(double elapsed) {
            for (String k : KINDS) {
                Stats s = stats.get(k);
                if (k.equals("mixed") || (s.count.get() == 0 && s.errorCount() == 0)) {
                    continue;
                }
                long[] all = s.sorted();
                System.out.printf("%-8s count=%d errors=%d%s p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f%n", k, all.length,
                        s.errorCount(), s.errors.isEmpty() ? "" : " " + s.errors, percentile(all, 0.50),
                        percentile(all, 0.99), percentile(all, 0.999));
            }
            Stats s = stats.get("mixed");
            long[] all = s.sorted();
            System.out.printf("mixed_per_s=%.0f p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f errors=%d%n", all.length / elapsed,
                    percentile(all, 0.50), percentile(all, 0.99), percentile(all, 0.999), s.errorCount());
        }
    }
}
