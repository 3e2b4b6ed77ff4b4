package dev.liaison.sources.sphinxspecs;

import dev.liaison.linking.ReferenceExtractor;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things are on a Sphinx specs site: the release indexes ({@code specs/<release>/index.html})
 * and the spec pages ({@code specs/<release>/<approved|implemented>/<name>.html},
 * {@code specs/backlog/approved/<name>.html}, {@code specs/abandoned/<name>.html}), all below the
 * site root. Anything else (templates, search, other hosts) is not a spec.
 */
final class SiteLayout {

    private static final String SEG = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final Pattern INDEX = Pattern.compile("specs/(" + SEG + ")/(?:index\\.html)?");
    private static final Pattern SPEC = Pattern.compile("specs/(" + SEG + ")/(approved|implemented)/(" + SEG + ")\\.html");
    private static final Pattern ABANDONED = Pattern.compile("specs/abandoned/(" + SEG + ")\\.html");

    private final URI root;
    private final String project;

    SiteLayout(URI root, String project) {
        String path = root.getPath() == null || root.getPath().isEmpty() ? "/" : root.getPath();
        if (!path.endsWith("/")) {
            path = path.substring(0, path.lastIndexOf('/') + 1);
        }
        try {
            this.root = new URI(root.getScheme(), root.getRawAuthority() == null ? null : root.getAuthority(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a usable site root: " + root, e);
        }
        this.project = project;
    }

    URI root() {
        return root;
    }

    String project() {
        return project;
    }

    /** Where a spec page sits: its release, its state (the status) and its name. */
    record SpecLocation(String release, String state, String name) {

        String id(String project) {
            return ReferenceExtractor.specId(project, release, name);
        }

        /** Which of two pages of one (release, name) is the current one: the later state. */
        int rank() {
            return switch (state) {
                case "implemented" -> 3;
                case "approved" -> 2;
                case "backlog" -> 1;
                default -> 0;
            };
        }
    }

    /** The path of a URL relative to the site root, or empty when it is not below the root. */
    Optional<String> relative(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null
                || !url.getScheme().equalsIgnoreCase(root.getScheme())
                || !url.getHost().equalsIgnoreCase(root.getHost()) || url.getPort() != root.getPort()) {
            return Optional.empty();
        }
        String path = url.getPath();
        if (path == null || !path.startsWith(root.getPath()) || path.contains("/../")) {
            return Optional.empty();
        }
        return Optional.of(path.substring(root.getPath().length()));
    }

    Optional<SpecLocation> spec(URI url) {
        return relative(url).flatMap(SiteLayout::specPath);
    }

    static Optional<SpecLocation> specPath(String rel) {
        Matcher m = SPEC.matcher(rel);
        if (m.matches()) {
            String release = m.group(1);
            String name = m.group(3);
            if (isTemplate(name) || release.equals("abandoned")) {
                return Optional.empty();
            }
            String state = release.equals("backlog") ? "backlog" : m.group(2);
            return Optional.of(new SpecLocation(release, state, name));
        }
        m = ABANDONED.matcher(rel);
        if (m.matches() && !m.group(1).equals("index") && !isTemplate(m.group(1))) {
            return Optional.of(new SpecLocation("abandoned", "abandoned", m.group(1)));
        }
        return Optional.empty();
    }

    private static boolean isTemplate(String name) {
        return name.equals("template") || name.endsWith("-template") || name.equals("index");
    }

    boolean isIndex(URI url) {
        return relative(url).map(rel -> rel.isEmpty() || rel.equals("index.html") || INDEX.matcher(rel).matches()).orElse(false);
    }

    /** The URL without fragment and query, for comparing and fetching. */
    static URI clean(URI url) {
        try {
            return new URI(url.getScheme(), url.getAuthority(), url.getPath(), null, null);
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
