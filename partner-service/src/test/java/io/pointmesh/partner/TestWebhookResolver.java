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

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.endsWith(DOMAIN)) {
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        }
        return InetAddress.getAllByName(host);
    }
}
