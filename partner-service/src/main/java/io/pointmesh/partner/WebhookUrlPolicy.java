package io.pointmesh.partner;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which URLs the network sends to: HTTPS to public addresses only, so a partner cannot make
 * pointmesh call into its own network (SSRF: the database, Keycloak's admin API, the cloud's
 * metadata service). Checked at registration and again before every attempt, since a name may
 * resolve elsewhere later. {@code http://} and loopback only where {@code allowLoopback} (dev, test,
 * the local stack).
 */
public final class WebhookUrlPolicy {

    /** Why a URL is refused; the message is for the partner. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Resolves a host name to its addresses (a seam for the unit test). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowLoopback;
    private final Resolver resolver;

    public WebhookUrlPolicy(boolean allowLoopback, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.resolver = resolver;
    }

    public WebhookUrlPolicy(boolean allowLoopback) {
        this(allowLoopback, InetAddress::getAllByName);
    }

    /** The URL as parsed, its form only (no name lookup): fast, for the request path before the lookup. */
    public static URI parse(String url) throws Refused {
        if (url == null || url.isBlank() || url.length() > 2000) {
            throw new Refused("an absolute https:// URL of at most 2000 characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new Refused("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new Refused("an absolute https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new Refused("the URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("credentials in the URL are not allowed (the signature authenticates deliveries)");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("a URL without a fragment");
        }
        // java.net.URI takes any number of digits as a port (https://example.com:99999/x parses); the connection
        // cannot be made to it, and an attempt that cannot even be started must never reach the dispatcher
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw new Refused("the port " + uri.getPort() + " is not a TCP port (1 to 65535)");
        }
        return uri;
    }

    /** A URL that passed, with the address it was checked at: the one to connect to (no second lookup). */
    public record Checked(URI uri, InetAddress address) {}

    /** Checks the URL's form and where its host resolves to now; answers it parsed. */
    public URI check(String url) throws Refused {
        return pin(url).uri();
    }

    /**
     * Checks the URL as {@link #check} does and answers it with the address it resolved to, so that the caller
     * connects to the very address that was checked: a name that resolves to a public address for the check and
     * to an internal one a moment later (DNS rebinding) never reaches the internal one.
     */
    public Checked pin(String url) throws Refused {
        URI uri = parse(url);
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new Refused("the host " + host + " does not resolve");
        }
        boolean loopback = addresses.length > 0;
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress()) {
                if (!allowLoopback) {
                    throw new Refused("the host " + host + " resolves to a loopback address");
                }
            } else {
                loopback = false;
                if (internal(a)) {
                    throw new Refused("the host " + host + " resolves to a private, link-local or metadata address");
                }
            }
        }
        if (uri.getScheme().equalsIgnoreCase("http") && !(allowLoopback && loopback)) {
            throw new Refused("https:// only (http:// is allowed for a loopback receiver in development)");
        }
        if (addresses.length == 0) {
            throw new Refused("the host " + host + " does not resolve");
        }
        return new Checked(uri, addresses[0]);
    }

    /**
     * Addresses inside someone's network: private, link-local (the metadata services), unspecified,
     * multicast, CGNAT, ULA; and every IPv6 address but global unicast, less the ranges that carry
     * an IPv4 address inside them.
     */
    static boolean internal(InetAddress a) {
        if (a.isAnyLocalAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isMulticastAddress()
                || a.isLoopbackAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240; // reserved, broadcast
        }
        // IPv6: unique local fc00::/7 (also AWS's fd00:ec2::254 metadata), IPv4-mapped checked as IPv4
        if ((b[0] & 0xfe) == 0xfc) {
            return true;
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            try {
                return internal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        // Only global unicast (2000::/3) reaches the internet. Outside it: IPv4-compatible ::a.b.c.d,
        // NAT64 64:ff9b::/96 and 64:ff9b:1::/48, ::ffff:0:a.b.c.d, discard 100::/64, each able to
        // reach an internal IPv4 address through a translator. Inside it, 6to4 (2002::/16) and Teredo
        // (2001::/32) embed an IPv4 address, and 2001:db8::/32 is documentation.
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if ((first & 0xe0) != 0x20) {
            return true;
        }
        return (first == 0x20 && second == 0x02)
                || (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0)
                || (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8);
    }
}
