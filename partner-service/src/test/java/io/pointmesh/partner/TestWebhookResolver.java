package io.pointmesh.partner;

import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The tests' DNS for webhook hosts: names under {@code .webhooks.test} resolve to the loopback address here and
 * nowhere else (the system's DNS knows none of them), so a delivery to one reaches the receiver only if the
 * dispatcher connects to the address its URL was checked at; every other name goes to the system's DNS.
 */
@Singleton
public class TestWebhookResolver implements WebhookUrlPolicy.Resolver {

    static final String DOMAIN = ".webhooks.test";

    /** Names whose name server answers after {@link #SLOW_FOR} (a partner's slow DNS). */
    static final java.util.Set<String> SLOW = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static final java.time.Duration SLOW_FOR = java.time.Duration.ofSeconds(3);

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (SLOW.contains(host)) {
            try {
                Thread.sleep(SLOW_FOR.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host);
            }
        }
        if (host.endsWith(DOMAIN)) {
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        }
        return InetAddress.getAllByName(host);
    }
}
