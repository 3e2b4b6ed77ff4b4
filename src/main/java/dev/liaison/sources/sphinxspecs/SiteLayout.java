package dev.liaison.sources.sphinxspecs;

import dev.liaison.item.SpecIds;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where things are on a Sphinx specs site. Which pages are specs is learnt from the site's own
 * indexes (see {@link IndexPageParser}); a page's path then only refines what it is: its release,
 * its state and the deliverable it belongs to. Every layout the OpenStack {@code *-specs}
 * repositories publish is read the same way:
 * <ul>
 * <li>{@code specs/<release>/<name>.html} (cinder, heat, neutron),</li>
 * <li>{@code specs/<release>/<approved|implemented>/<name>.html} (nova, old glance),</li>
 * <li>{@code specs/<deliverable>/<release>/<name>.html} (keystone, keystonemiddleware),</li>
 * <li>{@code specs/<release>/<state>/<deliverable>/<name>.html} (glance, glance_store),</li>
 * <li>state folders without a release: {@code specs/approved/}, {@code specs/not-implemented/},
 * {@code specs/backlog/}, {@code specs/abandoned/}, {@code specs/untargeted/}, {@code specs/retired/},</li>
 * <li>releases named by series ({@code kilo}), by series number ({@code 2024.1}), by a deliverable's
 * version ({@code 29.0}, ironic) or with a state ({@code juno-implemented}).</li>
 * </ul>
 * A page is a spec candidate when it is below the site root, is not an index, a template, a
 * README or a Sphinx page, and either sits under {@code specs/} or has a release or state folder
 * in its path. Anything else (priorities pages, other hosts) is not a spec.
 */
final class SiteLayout {

    private static final Pattern SEG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SERIES_NUMBER = Pattern.compile("20\\d\\d\\.\\d");
    private static final Pattern VERSION = Pattern.compile("\\d{1,3}\\.\\d{1,3}(?:\\.\\d{1,3})?");
    /** OpenStack's release series before they were numbered, in order (alphabetical by design). */
    static final List<String> SERIES = List.of("austin", "bexar", "cactus", "diablo", "essex", "folsom", "grizzly",
            "havana", "icehouse", "juno", "kilo", "liberty", "mitaka", "newton", "ocata", "pike", "queens", "rocky",
            "stein", "train", "ussuri", "victoria", "wallaby", "xena", "yoga", "zed");
    /** The numbered series' names, from 2023.1 on. */
    static final List<String> NUMBERED_NAMES = List.of("antelope", "bobcat", "caracal", "dalmatian", "epoxy",
            "flamingo", "gazpacho", "hibiscus");
    private static final Set<String> NOT_SPECS = Set.of("index", "template", "readme", "search", "genindex",
            "py-modindex", "glossary", "contents");

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

    /**
     * Where a spec page sits: its release (null when its folder names none: backlog, untargeted,
     * ironic's not-implemented), its state (the status), its name and the deliverable folder it is in
     * (null when none: the site's own project).
     */
    record SpecLocation(String release, String state, String name, String deliverable) {

        SpecLocation(String release, String state, String name) {
            this(release, state, name, null);
        }

        String id(String project) {
            return SpecIds.of(project, name); // one item per spec, whatever release and state folder it sits in
        }

        /** Which of two pages of one spec is the current one: the later state. */
        int rank() {
            return stateRank(state);
        }

        /** The same place with what an index said about it where the path says nothing. */
        SpecLocation refine(IndexPageParser.Hint hint, boolean pathNamesState) {
            if (hint == null) {
                return this;
            }
            String s = !pathNamesState && hint.state() != null ? hint.state() : state;
            String r = release;
            if (hint.series() != null && r != null && VERSION.matcher(r).matches() && !SERIES_NUMBER.matcher(r).matches()) {
                r = hint.series(); // ironic: folder 29.0 under the heading "2025.1 (Epoxy)"
            }
            return new SpecLocation(r, s, name, deliverable);
        }
    }

    static int stateRank(String state) {
        return switch (state) {
            case "implemented" -> 3;
            case "approved" -> 2;
            case "backlog" -> 1;
            default -> 0;
        };
    }

    /** The path of a URL relative to the site root, or empty when it is not below the root. */
    Optional<String> relative(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null
                || !url.getScheme().equalsIgnoreCase(root.getScheme())
                || !url.getHost().equalsIgnoreCase(root.getHost()) || url.getPort() != root.getPort()) {
            return Optional.empty();
        }
        String path = url.getPath();
        if (path == null || !path.startsWith(root.getPath()) || path.contains("/../") || path.contains("/./")) {
            return Optional.empty();
        }
        return Optional.of(path.substring(root.getPath().length()));
    }

    Optional<SpecLocation> spec(URI url) {
        return relative(url).flatMap(SiteLayout::specPath);
    }

    /** A page below the root that an index may list as a document (not an index, not a Sphinx page). */
    boolean isDocument(URI url) {
        return relative(url).map(rel -> {
            if (!rel.endsWith(".html") || rel.startsWith("_") || rel.contains("/_")) {
                return false;
            }
            String file = rel.substring(rel.lastIndexOf('/') + 1, rel.length() - 5);
            return !NOT_SPECS.contains(file.toLowerCase(Locale.ROOT)) && !file.endsWith("-template");
        }).orElse(false);
    }

    /** What the path of a spec page says, or empty when it is no spec page. */
    static Optional<SpecLocation> specPath(String rel) {
        if (!rel.endsWith(".html")) {
            return Optional.empty();
        }
        String[] parts = rel.substring(0, rel.length() - 5).split("/");
        String name = parts[parts.length - 1];
        if (!SEG.matcher(name).matches() || NOT_SPECS.contains(name.toLowerCase(Locale.ROOT)) || name.endsWith("-template")) {
            return Optional.empty();
        }
        int from = parts[0].equals("specs") ? 1 : 0;
        String release = null;
        String state = null;
        String deliverable = null;
        for (int i = from; i < parts.length - 1; i++) {
            String seg = parts[i];
            if (!SEG.matcher(seg).matches() || seg.startsWith("_")) {
                return Optional.empty();
            }
            String lower = seg.toLowerCase(Locale.ROOT);
            String folderState = state(lower);
            if (folderState != null) {
                if (state == null || lower.equals("implemented")) {
                    state = folderState;
                }
            } else if (lower.endsWith("-implemented") && isRelease(lower.substring(0, lower.length() - 12))) {
                release = release == null ? lower.substring(0, lower.length() - 12) : release;
                state = "implemented";
            } else if (isRelease(lower)) {
                release = release == null ? lower : release;
            } else if (deliverable == null) {
                deliverable = seg;
            }
        }
        if (from == 0 && release == null && state == null) {
            return Optional.empty(); // outside specs/ only a release or state folder makes a spec
        }
        if (from == 1 && parts.length == 2) {
            return Optional.empty(); // specs/<name>.html: a template or a page about the specs
        }
        if (release == null && ("backlog".equals(state) || "abandoned".equals(state))) {
            release = state; // as nova-specs has always had it: backlog and abandoned are where such specs sit
        }
        return Optional.of(new SpecLocation(release, state == null ? "approved" : state, name, deliverable));
    }

    /** Whether the path names the state itself (then an index heading does not override it). */
    static boolean pathNamesState(String rel) {
        for (String seg : rel.split("/")) {
            String lower = seg.toLowerCase(Locale.ROOT);
            if (state(lower) != null || lower.endsWith("-implemented")) {
                return true;
            }
        }
        return false;
    }

    /** The state a folder name stands for, or null when it is no state folder. */
    static String state(String folder) {
        return switch (folder) {
            case "approved", "not-implemented", "ongoing", "untargeted", "proposed" -> "approved";
            case "implemented", "completed" -> "implemented";
            case "backlog", "ideas" -> "backlog";
            case "abandoned", "retired", "archive", "archived", "superseded", "obsolete", "rejected" -> "abandoned";
            default -> null;
        };
    }

    /** Whether a folder name is a release: a series name, a series number or a version number. */
    static boolean isRelease(String folder) {
        return SERIES.contains(folder) || NUMBERED_NAMES.contains(folder) || SERIES_NUMBER.matcher(folder).matches()
                || VERSION.matcher(folder).matches();
    }

    /**
     * A number that orders releases: named series first (austin .. zed), then the numbered ones
     * (2023.1 ..), version numbers after those; -1 for none.
     */
    static double releaseOrder(String release) {
        if (release == null) {
            return -1;
        }
        int i = SERIES.indexOf(release);
        if (i >= 0) {
            return i;
        }
        i = NUMBERED_NAMES.indexOf(release);
        if (i >= 0) {
            return SERIES.size() + i;
        }
        if (SERIES_NUMBER.matcher(release).matches()) {
            return SERIES.size() + (Integer.parseInt(release.substring(0, 4)) - 2023) * 2 + (release.charAt(5) - '1');
        }
        if (VERSION.matcher(release).matches()) {
            String[] v = release.split("\\.");
            return 1000 + Integer.parseInt(v[0]) + Integer.parseInt(v[1]) / 1000.0;
        }
        return -1;
    }

    /** An index page: the root, a folder, or an {@code index.html} at any depth below the root. */
    boolean isIndex(URI url) {
        return relative(url).map(rel -> rel.isEmpty() || rel.endsWith("/") || rel.equals("index.html")
                || rel.endsWith("/index.html")).orElse(false);
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
