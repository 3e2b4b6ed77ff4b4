package dev.liaison.linking;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A story's text as it is compared with items: what the Product WG template puts into every story
 * (its headings, its guidance lines, the persona names and their link targets, URLs) is taken out.
 * Those words are rare among specs, so as TF-IDF terms they weighed 12 % of a story's vector on
 * average (up to 33 %) while saying nothing about the story.
 */
public final class StoryText {

    /** Headings of the user story template (and the gap analysis and development proposal ones). */
    private static final Set<String> TEMPLATE_HEADINGS = Set.of("problem description", "problem definition",
            "opportunity justification", "requirements specification", "use cases", "usage scenario examples",
            "acceptance criteria", "related user stories", "requirements", "external references",
            "rejected user stories usage scenarios", "glossary", "gap analysis", "affected by", "personas impacted",
            "user story tracker", "description", "overview");
    private static final Pattern LINK_TARGET = Pattern.compile("(?m)^\\s*\\.\\. _[^:]*:.*$");
    private static final Pattern URL = Pattern.compile("(?:https?|ftp)://\\S+|<[a-z]+://[^>]*>");
    private static final Pattern BOILERPLATE = Pattern.compile("(?im)^.*(?:sections in\\W+italics\\W+are optional"
            + "|utili[sz]es? the (?:standard )?`?openstack ux personas|cross project spec -|user story tracker -).*$");
    private static final Pattern NONE_LINE = Pattern.compile("(?im)^\\s*none\\.?\\s*$");
    private static final Pattern PERSONAS = Pattern.compile(
            "\\b(?:Rey|Wei|Adrian|Quinn|Taylor|Casey|Devon|Pat|Jay|Jamie|Morgan|Cameron)\\b(?:\\s+the\\s+(?:[A-Za-z]+\\s+){0,3}?"
                    + "(?:operator|owner|architect|developer|administrator|admin|manager|user|engineer))?");
    private static final Pattern UNDERLINE = Pattern.compile("^([=\\-~^*+#`'\"])\\1{2,}\\s*$");
    /**
     * A line of a gap analysis' status list ("* Neutron - In Progress", "* Glance - Not
     * Applicable"): project names are rare among one project's specs, so a list of them outweighed
     * what the section says ("Multi-version Interoperability" matched specs naming Keystone and
     * Horizon rather than the service-version spec its tracker names).
     */
    private static final Pattern STATUS_LINE = Pattern.compile("(?im)^\\s*[*\\-]\\s+[a-z][\\w.]*(?:[ /][a-z][\\w.]*){0,2}\\s+[-\u2013:]\\s+"
            + "(?:(?:implemented|partially implemented|in progress|not applicable|not required|not started|alternatives? proposed|planned"
            + "|available|under review|proposed|complete|completed|done|unknown|tbd|n/?a|none|depends on (?:the )?backend)[\\s,;/()]*)+\\.?\\s*$");

    private StoryText() {}

    /** The text to vectorise for a story. */
    public static String forMatching(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String t = LINK_TARGET.matcher(text).replaceAll("");
        t = BOILERPLATE.matcher(t).replaceAll("");
        t = URL.matcher(t).replaceAll(" ");
        t = NONE_LINE.matcher(t).replaceAll("");
        t = STATUS_LINE.matcher(t).replaceAll("");
        t = PERSONAS.matcher(t).replaceAll(" ");
        return t;
    }

    /** True for a heading of the template ("Use Cases", "*Requirements*", ...), which says nothing of its story. */
    public static boolean isTemplateHeading(String heading) {
        return TEMPLATE_HEADINGS.contains(heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", " ").strip());
    }

    /** The text without the template's headings (and their underlines): the words of the whole story. */
    public static String withoutTemplateHeadings(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            boolean underlined = i + 1 < lines.length && UNDERLINE.matcher(lines[i + 1].strip()).matches();
            if ((underlined || lines[i].strip().matches("\\*\\*?[^*]+\\*\\*?:?")) && isTemplateHeading(lines[i])) {
                if (underlined) {
                    i++;
                }
                continue;
            }
            out.append(lines[i]).append('\n');
        }
        return out.toString();
    }
}
