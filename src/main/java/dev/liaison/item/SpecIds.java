package dev.liaison.item;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spec item ids. One spec is one item per (project, name): {@code spec:<project>/<name>}, whatever
 * release folders and states the site shows it in (nova re-proposes a spec for each release it
 * is worked on). Before, ids also held the release ({@code spec:<project>/<release>/<name>});
 * {@link #canonical} maps such an id to the item it now is, so old links, trackers and URLs
 * still find it. Cross-project specs ({@code spec:openstack/<folder>/<name>}, from
 * openstack/openstack-specs) keep their folder.
 */
public final class SpecIds {

    public static final String CROSS_PROJECT = "openstack";
    private static final Pattern OLD = Pattern.compile("spec:([^/]+)/([^/]+)/([^/]+)");

    private SpecIds() {}

    /** The id of the spec {@code name} of {@code project}. */
    public static String of(String project, String name) {
        return "spec:" + project.toLowerCase(Locale.ROOT) + "/" + name;
    }

    /** The id an item id stands for now: an old {@code spec:<project>/<release>/<name>} gives {@code spec:<project>/<name>}. */
    public static String canonical(String id) {
        if (id == null || !id.startsWith("spec:")) {
            return id;
        }
        Matcher m = OLD.matcher(id);
        if (m.matches() && !m.group(1).equals(CROSS_PROJECT)) {
            return of(m.group(1), m.group(3));
        }
        return id;
    }

    /** Whether an id is a spec id of the old form (release in it), which {@link #canonical} maps. */
    public static boolean isOld(String id) {
        return id != null && !id.equals(canonical(id));
    }
}
