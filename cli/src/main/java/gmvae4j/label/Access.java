package gmvae4j.label;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Who may talk to the labeling server. Other users of the machine can reach a loopback port, and
 * any web page the person opens can make their browser send requests to it, so:
 *
 * <ul>
 *   <li>every request carries a random token: first in the printed URL, which sets it as a
 *       cookie (HttpOnly, SameSite=Strict) and redirects to a URL without it;</li>
 *   <li>a state-changing request (POST) must also carry it in the {@code X-Gmvae-Token} header,
 *       which another site's page cannot set without a CORS preflight this server never grants,
 *       and an {@code Origin} header, when present, must be this server;</li>
 *   <li>the {@code Host} header must name this server (a DNS-rebinding page would send its own
 *       name).</li>
 * </ul>
 */
public final class Access {
    public static final String COOKIE = "gmvae_token";
    public static final String HEADER = "X-Gmvae-Token";

    private final String token;
    private final byte[] tokenBytes;
    private volatile List<String> hosts = List.of();

    public Access(String token) {
        this.token = token;
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** 32 random bytes, URL-safe base64. */
    public static Access random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new Access(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    public String token() { return token; }

    /** The host:port values a request may name (set once the server knows its port). */
    public void allowHosts(String bindHost, int port) {
        java.util.ArrayList<String> h = new java.util.ArrayList<>(List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port));
        h.add(bindHost + ":" + port);
        hosts = List.copyOf(h);
    }

    /** The token of the query string (?token=...), or null. */
    public static String queryToken(URI uri) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String part : q.split("&"))
            if (part.startsWith("token=")) return java.net.URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
        return null;
    }

    /** Whether the request names this server and carries the token (cookie, or ?token= on the page URL). */
    public boolean allowed(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !hosts.contains(host.toLowerCase(java.util.Locale.ROOT))) return false;
        String cookie = cookieToken(ex.getRequestHeaders().get("Cookie"));
        boolean ok = matches(cookie) || matches(queryToken(ex.getRequestURI()));
        if (!ok) return false;
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            if (!matches(ex.getRequestHeaders().getFirst(HEADER))) return false;
            String origin = ex.getRequestHeaders().getFirst("Origin");
            if (origin != null && !origin.equals("http://" + host)) return false;
        }
        return true;
    }

    /** The Set-Cookie value that keeps the token for the page's later requests. */
    public String cookie() { return COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"; }

    /** Constant-time comparison, so response times do not leak the token byte by byte. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(tokenBytes, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    private static String cookieToken(List<String> headers) {
        if (headers == null) return null;
        for (String h : headers)
            for (String part : h.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) return p.substring(COOKIE.length() + 1);
            }
        return null;
    }

    /** Whether binding this host exposes the server beyond this machine (then the command warns). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
