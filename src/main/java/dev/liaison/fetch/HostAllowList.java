package dev.liaison.fetch;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The origins (scheme, host and port) Liaison may contact: those of the configured sources' URLs,
 * plus any named in the settings. Everything else, a redirect target included, is refused before
 * any connection: another port of an allowed host is another service, and is refused too.
 *
 * <p>An entry is a URL ({@code https://host[:port]/...}: its origin), {@code host:port} (http and
 * https on that port) or a bare {@code host} (http on 80 and https on 443). An http origin on port
 * 80 also allows https on 443 of the same host, the upgrade sites redirect to.
 */
public final class HostAllowList {

    private final Set<String> origins;

    public HostAllowList(Collection<String> entries) {
        TreeSet<String> set = new TreeSet<>();
        for (String e : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            String entry = e.trim().toLowerCase(Locale.ROOT);
            if (entry.contains("://")) {
                URI u = URI.create(entry);
                if (u.getHost() == null || u.getScheme() == null) {
                    continue;
                }
                int port = u.getPort() >= 0 ? u.getPort() : defaultPort(u.getScheme());
                set.add(origin(u.getScheme(), u.getHost(), port));
                if (u.getScheme().equals("http") && port == 80) {
                    set.add(origin("https", u.getHost(), 443));
                }
            } else {
                int colon = entry.lastIndexOf(':');
                if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d{1,5}")) {
                    String host = entry.substring(0, colon);
                    int port = Integer.parseInt(entry.substring(colon + 1));
                    set.add(origin("http", host, port));
                    set.add(origin("https", host, port));
                } else {
                    set.add(origin("http", entry, 80));
                    set.add(origin("https", entry, 443));
                }
            }
        }
        this.origins = Set.copyOf(set);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static String origin(String scheme, String host, int port) {
        return scheme + "://" + host + ":" + port;
    }

    public boolean allows(URI url) {
        if (url == null || url.getHost() == null) {
            return false;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return false;
        }
        int port = url.getPort() >= 0 ? url.getPort() : defaultPort(scheme);
        return origins.contains(origin(scheme, url.getHost().toLowerCase(Locale.ROOT), port));
    }

    /** The allowed origins, {@code scheme://host:port}, sorted. */
    public Set<String> hosts() {
        return new TreeSet<>(origins);
    }

    /** How a refused URL is named in errors: its origin. */
    public static String originOf(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : defaultPort(scheme);
        return url.getHost() == null ? String.valueOf(url) : origin(scheme, url.getHost().toLowerCase(Locale.ROOT), port);
    }
}
