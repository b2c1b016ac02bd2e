import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver of bench/ledger-earn: CLIENTS threads each send earn requests one after the other
 * (a closed loop, like POS terminals) for SECONDS, to members bench-m-1..MEMBERS at random; or,
 * with RATE > 0, an open loop: RATE requests a second on a fixed schedule whatever the answers,
 * each latency counted from its scheduled time (no coordinated omission).
 * Prints "requests=<n> errors=<n> earn_per_s=<n> p50_ms=<n> p99_ms=<n> p999_ms=<n>".
 */
public class EarnLoad {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int members = Integer.parseInt(args[4]);
        int rate = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        if (rate > 0) {
            openLoop(http, url, token, rate, seconds, members);
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
                    HttpRequest request = earning(url, token, members);
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

    static HttpRequest earning(String url, String token, int members) {
        int member = ThreadLocalRandom.current().nextInt(1, members + 1);
        String body = "{\"partnerTxId\":\"" + UUID.randomUUID() + "\",\"cardNumber\":\"bench-c-" + member
                + "\",\"storeCode\":\"B001\",\"amount\":" + ThreadLocalRandom.current().nextInt(1000, 200000)
                + ",\"currency\":\"KRW\",\"occurredAt\":\"" + Instant.now().minusSeconds(5) + "\"}";
        return HttpRequest.newBuilder(URI.create(url + "/ledger/v1/earnings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** RATE requests a second for SECONDS on a fixed schedule; waits for the last answers. */
    static void openLoop(HttpClient http, String url, String token, int rate, int seconds, int members) throws Exception {
        int planned = rate * seconds;
        long[] latencies = new long[planned];
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(planned);
        long interval = 1_000_000_000L / rate;
        long began = System.nanoTime();
        for (int i = 0; i < planned; i++) {
            long scheduled = began + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            http.sendAsync(earning(url, token, members), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
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
        report(Arrays.copyOf(latencies, done.get()), errors.get(), elapsed);
    }

    static void report(long[] all, long errors, double elapsed) {
        int total = all.length;
        Arrays.sort(all);
        double p50 = total == 0 ? 0 : all[(int) (total * 0.50)] / 1e6;
        double p99 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.99))] / 1e6;
        double p999 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.999))] / 1e6;
        System.out.printf("requests=%d errors=%d earn_per_s=%.0f p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f%n",
                total, errors, total / elapsed, p50, p99, p999);
    }
}
