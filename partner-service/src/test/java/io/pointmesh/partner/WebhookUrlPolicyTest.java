package io.pointmesh.partner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSRF rules, with a stand-in resolver: which addresses a production webhook may never reach. */
class WebhookUrlPolicyTest {

    static final Map<String, List<String>> DNS = Map.of(
            "hooks.partner.example", List.of("93.184.216.34"),
            "internal.partner.example", List.of("10.1.2.3"),
            "mixed.partner.example", List.of("93.184.216.34", "192.168.0.10"),
            "metadata.partner.example", List.of("169.254.169.254"),
            "rebound.partner.example", List.of("127.0.0.1"),
            "localhost", List.of("127.0.0.1", "::1"));

    static InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> addresses = DNS.get(host);
        if (addresses == null) {
            // literals resolve without a lookup; names we do not know do not resolve
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        InetAddress[] out = new InetAddress[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = InetAddress.getByName(addresses.get(i));
        }
        return out;
    }

    final WebhookUrlPolicy prod = new WebhookUrlPolicy(false, WebhookUrlPolicyTest::resolve);
    final WebhookUrlPolicy dev = new WebhookUrlPolicy(true, WebhookUrlPolicyTest::resolve);

    @Test
    void productionSendsOnlyHttpsToPublicAddresses() {
        assertDoesNotThrow(() -> prod.check("https://hooks.partner.example/pointmesh"));
        assertDoesNotThrow(() -> prod.check("https://93.184.216.34:8443/hook?x=1"));
        assertDoesNotThrow(() -> prod.check("https://[2606:2800:220:1:248:1893:25c8:1946]/hook"));
        for (String url : List.of(
                "http://hooks.partner.example/pointmesh",
                "https://internal.partner.example/",
                "https://mixed.partner.example/",
                "https://metadata.partner.example/latest",
                "https://rebound.partner.example/",
                "https://localhost/",
                "http://127.0.0.1:8080/",
                "https://[::1]/",
                "https://[fd00:ec2::254]/",
                "https://[::ffff:10.0.0.1]/",
                "https://100.64.0.1/",
                "https://0.0.0.0/",
                "https://172.16.5.4/",
                "https://[fe80::1]/",
                // IPv6 forms that carry an internal IPv4 address through a translator
                "https://[::127.0.0.1]/",
                "https://[::a9fe:a9fe]/",
                "https://[64:ff9b::a00:1]/",
                "https://[64:ff9b:1::a00:1]/",
                "https://[2002:a9fe:a9fe::1]/",
                "https://[2001:0:a9fe:a9fe::1]/",
                "https://[::ffff:0:a9fe:a9fe]/",
                "https://[100::1]/",
                "https://[2001:db8::1]/",
                "https://unknown.partner.example/",
                "https://user:secret@hooks.partner.example/",
                "https://hooks.partner.example/#frag",
                "ftp://hooks.partner.example/",
                "//hooks.partner.example/",
                "not a url",
                "")) {
            assertThrows(WebhookUrlPolicy.Refused.class, () -> prod.check(url), url);
        }
    }

    @Test
    void developmentAlsoAllowsHttpToLoopbackButNothingElseInternal() {
        assertDoesNotThrow(() -> dev.check("http://127.0.0.1:8080/hook"));
        assertDoesNotThrow(() -> dev.check("http://localhost:8080/hook"));
        assertDoesNotThrow(() -> dev.check("https://hooks.partner.example/"));
        assertThrows(WebhookUrlPolicy.Refused.class, () -> dev.check("http://hooks.partner.example/"));
        assertThrows(WebhookUrlPolicy.Refused.class, () -> dev.check("http://10.1.2.3/"));
        assertThrows(WebhookUrlPolicy.Refused.class, () -> dev.check("https://metadata.partner.example/"));
    }

    /**
     * java.net.URI parses any number of digits as a port: https://hooks.partner.example:99999/ passed, and Vert.x
     * then threw while the dispatcher built the request, so the delivery was never failed nor abandoned. A port
     * is 1 to 65535, checked with the URL's form (before any lookup), in production and in development.
     */
    @Test
    void aPortOutsideOneTo65535IsRefusedWithTheUrlsForm() {
        assertDoesNotThrow(() -> prod.check("https://hooks.partner.example:65535/hook"));
        assertDoesNotThrow(() -> prod.check("https://hooks.partner.example:1/hook"));
        assertDoesNotThrow(() -> WebhookUrlPolicy.parse("https://hooks.partner.example:/hook"));
        for (String url : List.of(
                "https://hooks.partner.example:99999/hook",
                "https://hooks.partner.example:65536/hook",
                "https://hooks.partner.example:0/hook",
                "https://93.184.216.34:99999/hook",
                "https://[2606:2800:220:1:248:1893:25c8:1946]:70000/hook",
                "https://hooks.partner.example:2147483647/hook",
                "https://hooks.partner.example:99999999999/hook")) {
            WebhookUrlPolicy.Refused refused =
                    assertThrows(WebhookUrlPolicy.Refused.class, () -> WebhookUrlPolicy.parse(url), url);
            assertThrows(WebhookUrlPolicy.Refused.class, () -> prod.check(url), url);
            assertThrows(WebhookUrlPolicy.Refused.class, () -> dev.pin(url), url);
            org.junit.jupiter.api.Assertions.assertNotNull(refused.getMessage(), url);
        }
        assertThrows(WebhookUrlPolicy.Refused.class, () -> dev.check("http://127.0.0.1:99999/hook"));
    }
}
