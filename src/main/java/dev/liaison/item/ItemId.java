package dev.liaison.item;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The grammar of item ids, in one place: {@code <prefix>:<rest>}, stable and derived from the
 * source's identity. What an id says by itself (its kind, its project, an address for it) is read
 * here, for items Liaison has stored and for those it has not (yet).
 *
 * <ul>
 *   <li>{@code spec:<project>/<name>} — a design spec (see {@link SpecIds} for the old form with a release);</li>
 *   <li>{@code bp:<project>/<name>} — a Launchpad blueprint;</li>
 *   <li>{@code bug:<number>} — a Launchpad bug;</li>
 *   <li>{@code review:<number>} — a Gerrit change;</li>
 *   <li>{@code mail:<list>/<archive-month>/<message>} — an archived mail; {@code thread:...} a thread of them.</li>
 * </ul>
 */
public final class ItemId {

    public static final String SPEC = "spec", BLUEPRINT = "bp", BUG = "bug", REVIEW = "review", MAIL = "mail", THREAD = "thread";

    /** The kinds items have (their {@code kind} field and the tracker matrix's columns), strongest evidence of work first. */
    public static final java.util.List<String> KINDS = java.util.List.of("spec", "blueprint", "bug", "review", "mail");

    private static final Pattern ANY = Pattern.compile("(spec|bp|bug|review|mail|thread):\\S+");
    private static final Pattern NUMBERED = Pattern.compile("(bug|review):(\\d+)");
    private static final Pattern PROJECT_NAMED = Pattern.compile("bp:[A-Za-z0-9._-]+/[A-Za-z0-9._+-]+");

    private ItemId() {}

    public static String spec(String project, String name) {
        return SpecIds.of(project, name);
    }

    public static String blueprint(String project, String name) {
        return BLUEPRINT + ":" + project.toLowerCase(Locale.ROOT) + "/" + name;
    }

    public static String bug(long number) {
        return BUG + ":" + number;
    }

    public static String review(long number) {
        return REVIEW + ":" + number;
    }

    /** Whether a text is an item id of a prefix Liaison knows. */
    public static boolean isItemId(String s) {
        return s != null && ANY.matcher(s).matches();
    }

    /** The prefix of an id ({@code spec}, {@code bp}, ...); empty when it has none. */
    public static String prefixOf(String id) {
        int colon = id == null ? -1 : id.indexOf(':');
        return colon < 0 ? "" : id.substring(0, colon);
    }

    /**
     * The kind of item an id names: spec, blueprint, bug, review or mail (a thread is mail); for
     * another prefix the prefix itself; null when the id has none.
     */
    public static String kindOf(String id) {
        String prefix = prefixOf(id);
        return switch (prefix) {
            case BLUEPRINT -> "blueprint";
            case THREAD -> "mail";
            case "" -> null;
            default -> prefix;
        };
    }

    /** The project an id names ({@code spec:nova/...}, {@code bp:nova/...}); null when it names none. */
    public static String projectOf(String id) {
        String prefix = prefixOf(id);
        int slash = id == null ? -1 : id.indexOf('/', prefix.length() + 1);
        if (slash < 0 || !(prefix.equals(SPEC) || prefix.equals(BLUEPRINT))) {
            return null;
        }
        return id.substring(prefix.length() + 1, slash);
    }

    /**
     * The address of the page an id names where the id alone is enough to know it for sure (a
     * bug, a blueprint, a review); null otherwise (a spec's page depends on its site's layout:
     * the stored item knows it).
     */
    public static String addressOf(String id) {
        if (id == null) {
            return null;
        }
        var numbered = NUMBERED.matcher(id);
        if (numbered.matches()) {
            return numbered.group(1).equals(BUG) ? "https://bugs.launchpad.net/bugs/" + numbered.group(2)
                    : "https://review.opendev.org/#/c/" + numbered.group(2) + "/";
        }
        if (PROJECT_NAMED.matcher(id).matches()) {
            int slash = id.indexOf('/');
            return "https://blueprints.launchpad.net/" + id.substring(3, slash) + "/+spec/" + id.substring(slash + 1);
        }
        return null;
    }

    /**
     * A URL for an id that the reader and {@link ReferenceExtractor} understand, guessed where
     * {@link #addressOf} does not know it (a spec on specs.openstack.org, a pipermail message).
     */
    public static String urlOf(String id) {
        String sure = addressOf(id);
        if (sure != null) {
            return sure;
        }
        if (id.startsWith("spec:")) {
            String[] p = id.substring(5).split("/", 3);
            if (p.length == 2) {
                return "https://specs.openstack.org/openstack/" + p[0] + "-specs/specs/" + p[1] + ".html";
            }
            if (p.length == 3) {
                if (SpecIds.CROSS_PROJECT.equals(p[0])) {
                    return "https://opendev.org/openstack/openstack-specs/src/branch/master/specs/"
                            + ("cross-project".equals(p[1]) ? "" : p[1] + "/") + p[2] + ".rst";
                }
                return "https://specs.openstack.org/openstack/" + p[0] + "-specs/specs/" + p[1] + "/" + p[2] + ".html";
            }
        } else if (id.startsWith("mail:")) {
            String[] p = id.substring(5).split("/");
            if (p.length == 3) {
                return "https://lists.openstack.org/pipermail/" + p[0] + "/" + p[1] + "/" + p[2] + ".html";
            }
        }
        return null;
    }
}
