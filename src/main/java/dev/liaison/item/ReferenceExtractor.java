package dev.liaison.item;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds typed references in text: Launchpad bugs and blueprints (URLs and the forms developers
 * write: {@code bug #N}, {@code LP #N}, {@code Closes-Bug: #N}, {@code blueprint x},
 * {@code bp/x}, {@code Implements: blueprint x}), spec pages and spec files in git, Gerrit
 * reviews, and mailing-list archive pages. Word boundaries matter: "debug: 500" is not bug 500.
 * Each reference keeps its target's item id and a short snippet around the match as evidence.
 */
public final class ReferenceExtractor {

    private static final int SNIPPET = 60;
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9+._-]*[A-Za-z0-9]";

    private static final Pattern BUG_URL = Pattern.compile(
            "https?://(?:bugs\\.)?launchpad\\.net/(?:[A-Za-z0-9+._-]+/)?(?:\\+bug|bugs)/(\\d{1,8})\\b");
    private static final Pattern BUG_TAG = Pattern.compile(
            "(?im)^\\s*(Closes|Partial|Related)-Bug:\\s*#?(\\d{1,8})\\b");
    private static final Pattern BUG_TEXT = Pattern.compile(
            "(?i)(?<![\\w/.-])(?:bug|lp)\\s*:?\\s*#\\s*(\\d{3,8})\\b|(?<![\\w/.-])bug\\s+(\\d{6,8})\\b");
    private static final Pattern BP_URL = Pattern.compile(
            "https?://(?:blueprints\\.)?launchpad\\.net/([A-Za-z0-9+._-]+)/\\+spec/(" + NAME + ")");
    private static final Pattern BP_TEXT = Pattern.compile(
            "(?i)(?<![\\w-])(implements:?\\s+)?blueprint(:?)\\s+(" + NAME + ")|(?<![\\w-])bp/(" + NAME + ")");
    private static final Pattern SPEC_URL = Pattern.compile(
            "https?://specs\\.openstack\\.org/openstack/([a-z0-9_-]+)-specs/specs/((?:[A-Za-z0-9._-]+/){0,4})("
                    + NAME + ")\\.html");
    private static final Pattern SPEC_GIT = Pattern.compile(
            "https?://(?:opendev\\.org|git\\.openstack\\.org|github\\.com)/(?:cgit/)?openstack/([a-z0-9_-]+)-specs/"
                    + "(?:src/branch/[A-Za-z0-9._/-]+?/|tree/|blob/[A-Za-z0-9._-]+/|plain/)?specs/((?:[A-Za-z0-9._-]+/){0,4})("
                    + NAME + ")\\.rst");
    private static final Pattern REVIEW_URL = Pattern.compile(
            "(?:https?://|(?<![\\w./-]))review\\.(?:openstack|opendev)\\.org/(?:#/)?(?:c/(?:[A-Za-z0-9._/-]+?/\\+/)?)?(\\d{3,8})\\b");
    private static final Pattern PIPERMAIL_URL = Pattern.compile(
            "https?://lists\\.openstack\\.org/pipermail/([A-Za-z0-9._-]+)/(\\d{4}-[A-Za-z]+)/(\\d{6})\\.html");
    private static final Pattern HYPERKITTY_URL = Pattern.compile(
            "https?://lists\\.openstack\\.org/(?:archives|hyperkitty)/list/([A-Za-z0-9._-]+)@[A-Za-z0-9.-]+/(message|thread)/([A-Z0-9]{20,64})/?");

    private static final String SLUG = "[A-Za-z0-9][A-Za-z0-9._]*(?:-[A-Za-z0-9._]+)*";
    private static final Pattern STORY_URL = Pattern.compile(
            "https?://(?:github\\.com|opendev\\.org|git\\.openstack\\.org|specs\\.openstack\\.org|docs\\.openstack\\.org)/"
                    + "(?:cgit/)?openstack/(?:openstack-user-stories|product-wg)/[A-Za-z0-9._/+#-]*?(" + SLUG + ")\\.(?:rst|html)\\b");
    private static final Pattern STORY_TAG = Pattern.compile("(?im)^\\s*User-Story:\\s*`?(" + SLUG + ")");
    private static final Pattern STORY_TEXT = Pattern.compile(
            "(?i)(?<![\\w-])user[ -]story[: ]+`?([A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+)`?(?![\\w-])|(?<![\\w/-])story/([a-z0-9]+(?:[-_][a-z0-9]+)+)\\b");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ReferenceExtractor() {}

    /** References in {@code text}; {@code defaultProject} resolves bare blueprint names. */
    public static List<Ref> extract(String text, String defaultProject) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        Map<String, Ref> found = new LinkedHashMap<>();
        // Each pattern runs only when the text holds a word every match of it needs (one pass of
        // indexOf each, against a regex scan with look-behinds at every position).
        String lower = text.toLowerCase(Locale.ROOT);
        boolean launchpad = text.contains("launchpad.net/");
        Matcher m = BUG_TAG.matcher(lower.contains("-bug:") ? text : "");
        while (m.find()) {
            put(found, new Ref(Ref.BUG, "bug:" + Long.parseLong(m.group(2)), m.group(1).toLowerCase(Locale.ROOT), snippet(text, m)));
        }
        m = BUG_URL.matcher(launchpad ? text : "");
        while (m.find()) {
            put(found, new Ref(Ref.BUG, "bug:" + Long.parseLong(m.group(1)), Ref.CITES, snippet(text, m)));
        }
        m = BUG_TEXT.matcher(lower.contains("bug") || lower.contains("lp") ? text : "");
        while (m.find()) {
            String n = m.group(1) != null ? m.group(1) : m.group(2);
            put(found, new Ref(Ref.BUG, "bug:" + Long.parseLong(n), Ref.CITES, snippet(text, m)));
        }
        m = BP_URL.matcher(launchpad ? text : "");
        while (m.find()) {
            put(found, new Ref(Ref.BLUEPRINT, "bp:" + m.group(1).toLowerCase(Locale.ROOT) + "/" + m.group(2), Ref.CITES, snippet(text, m)));
        }
        m = BP_TEXT.matcher(lower.contains("blueprint") || lower.contains("bp/") ? text : "");
        while (m.find()) {
            String name = m.group(3) != null ? m.group(3) : m.group(4);
            if (defaultProject == null || name.length() < 3 || !name.contains("-") && name.length() < 6) {
                continue;
            }
            // "This blueprint proposes ...": prose, not a name. A one-word name counts only where
            // the writer marked it as one (Implements: blueprint x, blueprint: x, bp/x).
            boolean marked = m.group(4) != null || m.group(1) != null || !m.group(2).isEmpty();
            if (!marked && !looksLikeAName(name)) {
                continue;
            }
            String relation = m.group(1) != null ? "implements" : Ref.CITES;
            put(found, new Ref(Ref.BLUEPRINT, "bp:" + defaultProject.toLowerCase(Locale.ROOT) + "/" + name, relation, snippet(text, m)));
        }
        for (Pattern p : text.contains("-specs/") ? new Pattern[] {SPEC_URL, SPEC_GIT} : new Pattern[0]) {
            m = p.matcher(text);
            while (m.find()) {
                // Any layout of a specs site: the folders give release and state, never the identity.
                String folders = m.group(2);
                String name = m.group(3);
                if (folders.startsWith("redirects/") || name.equals("index") || name.equals("template")
                        || name.endsWith("-template") || name.equalsIgnoreCase("readme")) {
                    continue;
                }
                String first = folders.isEmpty() ? "cross-project" : folders.substring(0, folders.indexOf('/'));
                put(found, new Ref(Ref.SPEC, specId(m.group(1), first, name), Ref.CITES, snippet(text, m)));
            }
        }
        m = REVIEW_URL.matcher(text.contains("review.o") ? text : "");
        while (m.find()) {
            put(found, new Ref(Ref.REVIEW, "review:" + Long.parseLong(m.group(1)), Ref.CITES, snippet(text, m)));
        }
        m = PIPERMAIL_URL.matcher(text.contains("/pipermail/") ? text : "");
        while (m.find()) {
            put(found, new Ref(Ref.MAIL, "mail:" + m.group(1) + "/" + m.group(2) + "/" + m.group(3), Ref.CITES, snippet(text, m)));
        }
        m = HYPERKITTY_URL.matcher(text.contains("lists.openstack.org/") ? text : "");
        while (m.find()) {
            String prefix = "thread".equals(m.group(2)) ? "thread:" : "mail:";
            put(found, new Ref(Ref.MAIL, prefix + m.group(1) + "/" + m.group(3), Ref.CITES, snippet(text, m)));
        }
        if (lower.contains("stor") || text.contains("product-wg/")) {
            storyRefs(text, found);
        }
        return new ArrayList<>(found.values());
    }

    /** A blueprint name in running text: words joined by '-' or '_', or with a digit ("cells-v2", "numa_topology", "ec2api"). */
    private static boolean looksLikeAName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' || c == '_' || Character.isDigit(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Only the story references in {@code text} (story URLs, {@code User-Story: slug}, "user story
     * slug", {@code story/slug}): the linker's cheap pass over items whose other references their
     * poller already extracted.
     */
    public static List<Ref> extractStories(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        if (!containsStoryHint(text)) {
            return List.of();
        }
        Map<String, Ref> found = new LinkedHashMap<>();
        storyRefs(text, found);
        return new ArrayList<>(found.values());
    }

    private static void storyRefs(String text, Map<String, Ref> found) {
        Matcher m = STORY_TAG.matcher(text);
        while (m.find()) {
            put(found, new Ref(Ref.STORY, storyId(m.group(1)), "declares", snippet(text, m)));
        }
        m = STORY_URL.matcher(text);
        while (m.find()) {
            put(found, new Ref(Ref.STORY, storyId(m.group(1)), Ref.CITES, snippet(text, m)));
        }
        m = STORY_TEXT.matcher(text);
        while (m.find()) {
            put(found, new Ref(Ref.STORY, storyId(m.group(1) != null ? m.group(1) : m.group(2)), Ref.CITES, snippet(text, m)));
        }
    }

    /**
     * A quick test before the story patterns: every story reference contains "stor" in some case,
     * or is a URL in the product-wg repository.
     */
    private static boolean containsStoryHint(String text) {
        for (int i = 0, n = text.length() - 4; i <= n; i++) {
            char c = text.charAt(i);
            if ((c == 's' || c == 'S') && text.regionMatches(true, i, "stor", 0, 4)) {
                return true;
            }
        }
        return text.contains("product-wg/");
    }

    /** The ref target of a story: {@code story:<slug>}, the slug in lower case with '_' as '-'. */
    public static String storyId(String slug) {
        return "story:" + slug.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The item id of a spec: one item per (project, name), whatever release and state folders a
     * site shows it in ({@link SpecIds}); cross-project specs (openstack-specs) keep their folder.
     */
    public static String specId(String project, String release, String name) {
        return SpecIds.CROSS_PROJECT.equals(project.toLowerCase(Locale.ROOT)) && release != null && !release.isEmpty()
                ? "spec:" + SpecIds.CROSS_PROJECT + "/" + release + "/" + name
                : SpecIds.of(project, name);
    }

    /** The first reference to a target wins, except that a typed relation beats a plain citation. */
    private static void put(Map<String, Ref> found, Ref ref) {
        Ref before = found.get(ref.target());
        if (before == null || (Ref.CITES.equals(before.relation()) && !Ref.CITES.equals(ref.relation()))) {
            found.put(ref.target(), ref);
        }
    }

    private static String snippet(String text, Matcher m) {
        int from = Math.max(0, m.start() - SNIPPET);
        int to = Math.min(text.length(), m.end() + SNIPPET);
        String s = WHITESPACE.matcher(text.substring(from, to)).replaceAll(" ").trim();
        return (from > 0 ? "…" : "") + s + (to < text.length() ? "…" : "");
    }
}
