package dev.liaison.fetch;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hosts Liaison may contact: those of the configured sources, plus any named explicitly in
 * the settings. Everything else, including a redirect target, is refused before any connection.
 */
public final class HostAllowList {

    private final Set<String> hosts;

    public HostAllowList(Collection<String> hosts) {
        TreeSet<String> set = new TreeSet<>();
        for (String h : hosts) {
            if (h != null && !h.isBlank()) {
                set.add(h.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.hosts = Set.copyOf(set);
    }

    public boolean allows(URI url) {
        if (url == null || url.getHost() == null) {
            return false;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return false;
        }
        return hosts.contains(url.getHost().toLowerCase(Locale.ROOT));
    }

    public Set<String> hosts() {
        return new TreeSet<>(hosts);
    }
}
