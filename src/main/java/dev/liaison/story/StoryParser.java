package dev.liaison.story;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads user stories from files: reStructuredText laid out like the Product WG repository (title
 * with an underline, sections, field lines such as {@code :Projects: nova, cinder}), Markdown with
 * optional YAML front matter, and YAML or JSON documents (one story, or a list of them). The slug
 * comes from an explicit {@code id} or the file name; the state from an explicit {@code state} or
 * the directory (draft, proposed, tracked, parking). Plain Java: no Camel, no MongoDB.
 */
public final class StoryParser {

    /** Files larger than this are refused. */
    public static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern RST_UNDERLINE = Pattern.compile("^([=\\-~+^\"#*`'])\\1{2,}\\s*$");
    private static final Pattern FIELD = Pattern.compile("^:([A-Za-z][A-Za-z _-]*):\\s*(.*)$");
    private static final Pattern BACKER_TEXT = Pattern.compile("^(.*?)\\s*(?:\\((?:rank\\s*)?(\\d)\\)|[:=]\\s*(\\d))?\\s*$");

    private StoryParser() {}

    /** True when the file name has an extension this parser reads. */
    public static boolean readable(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return n.endsWith(".rst") || n.endsWith(".md") || n.endsWith(".markdown") || n.endsWith(".yaml")
                || n.endsWith(".yml") || n.endsWith(".json");
    }

    /**
     * Parses one file. {@code path} is its path relative to the imported directory (with '/'), used
     * for the slug, the state and the origin; {@code bytes} its content.
     */
    public static List<Story> parse(String path, byte[] bytes) throws StoryFormatException {
        if (bytes.length > MAX_BYTES) {
            throw new StoryFormatException(path + ": " + bytes.length + " bytes is more than the " + MAX_BYTES + " a story file may have");
        }
        String text = decode(bytes);
        if (text.isBlank()) {
            throw new StoryFormatException(path + ": the file is empty");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new StoryFormatException(path + ": binary content (NUL bytes), not a story");
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.matches("(readme|index|changelog|contributing|license|template)(\\..*)?")
                || lower.startsWith("user-story-template")) {
            throw new NotAStoryException(path + ": skipped: a " + name + " is not a user story");
        }
        try {
            if (lower.endsWith(".rst")) {
                return List.of(prose(path, rst(path, name, text)));
            } else if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
                return List.of(prose(path, markdown(path, name, text)));
            } else if (lower.endsWith(".json")) {
                return structured(path, name, JSON.readTree(text));
            } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return structured(path, name, YAML.readTree(text));
            }
        } catch (JsonProcessingException e) {
            throw new StoryFormatException(path + ": not valid " + (lower.endsWith(".json") ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage() + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        } catch (IllegalArgumentException e) {
            throw new StoryFormatException(path + ": " + e.getMessage());
        }
        throw new StoryFormatException(path + ": not a story file (expected .rst, .md, .yaml, .yml or .json)");
    }

    /**
     * A story read from prose (RST, Markdown) must look like one: a title of its own, not the
     * template's placeholder "Title". Otherwise the file is skipped with the reason (the Product
     * WG repository holds a one-line note without a title and the template's unfilled copy).
     */
    private static Story prose(String path, Story s) throws NotAStoryException {
        if (s.title().equals(s.id())) {
            // No title line in the file: Story took the slug as its title.
            throw new NotAStoryException(path + ": skipped: no title (a story starts with its title)");
        }
        if (s.title().equalsIgnoreCase("title") || s.title().equalsIgnoreCase("user story title")) {
            throw new NotAStoryException(path + ": skipped: the template's placeholder title \"" + s.title() + "\"");
        }
        return s;
    }

    /**
     * The stories as people mean them: stories with the same title (letters and digits, any case)
     * or the same slug but for its separators ({@code rolling-upgrades}, {@code rollingupgrades},
     * {@code rolling_upgrades}) are one story. Its slug is the most advanced one's (then the one
     * with the most words, then the first in order); the others stay as aliases that still
     * resolve. The result does not depend on the order the stories come in.
     */
    public static List<Story> consolidate(java.util.Collection<Story> read) {
        List<Story> all = new ArrayList<>(read);
        all.sort(java.util.Comparator.comparing(Story::id).thenComparing(x -> x.origin() == null ? "" : x.origin()));
        int[] parent = new int[all.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstByKey = new java.util.HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            for (String key : List.of("t:" + titleKey(all.get(i).title()), "s:" + all.get(i).id().replaceAll("[-_.]", ""))) {
                Integer j = firstByKey.putIfAbsent(key, i);
                if (j != null) {
                    parent[find(parent, i)] = find(parent, j);
                }
            }
        }
        Map<Integer, List<Story>> groups = new java.util.TreeMap<>();
        for (int i = 0; i < all.size(); i++) {
            groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(all.get(i));
        }
        List<Story> out = new ArrayList<>();
        for (List<Story> group : groups.values()) {
            group.sort(LEADS.reversed());
            // The slug: the leading story's, unless another non-proposal of the same state has one
            // with more words ("rolling-upgrades" over "rollingupgrades").
            Story first = group.get(0);
            String slug = group.stream().filter(x -> x.state().equals(first.state()) && !isProposal(x))
                    .map(Story::id).min(java.util.Comparator.<String>comparingInt(id -> -id.split("[-_.]").length)
                            .thenComparing(java.util.Comparator.naturalOrder())).orElse(first.id());
            Story lead = first;
            for (Story other : group.subList(1, group.size())) {
                lead = merge(lead, other);
            }
            java.util.TreeSet<String> aliases = new java.util.TreeSet<>();
            for (String a : lead.aliases()) {
                if (!a.equalsIgnoreCase(lead.title()) && !a.equals(slug)) {
                    aliases.add(a);
                }
            }
            group.stream().map(Story::id).filter(id -> !id.equals(slug)).forEach(aliases::add);
            out.add(new Story(slug, lead.title(), lead.text(), lead.state(), lead.projects(), lead.tags(), new ArrayList<>(aliases),
                    lead.owners(), lead.backers(), lead.origin()));
        }
        out.sort(java.util.Comparator.comparing(Story::id));
        return out;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** A title as compared: letters and digits, lower case, single spaces. */
    static String titleKey(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** True when an alias is a slug the story was also known by (not a name people write in text). */
    public static boolean isSlugAlias(String alias) {
        return alias.matches("[a-z0-9][a-z0-9._-]*") && !alias.contains(" ");
    }

    private static final List<String> STATE_ORDER = List.of(Story.DRAFT, Story.PARKED, Story.PROPOSED, Story.TRACKED);

    /**
     * Which of two versions of a story leads a merge: the most advanced state; between equals, the
     * story over its development proposal, then the longer text, then the first origin.
     */
    private static final java.util.Comparator<Story> LEADS = java.util.Comparator.<Story>comparingInt(x -> STATE_ORDER.indexOf(x.state()))
            .thenComparing(x -> !isProposal(x)).thenComparingInt(x -> x.text().length())
            .thenComparing(x -> x.origin() == null ? "" : x.origin(), java.util.Comparator.reverseOrder());

    /** Adds parsed stories to those read so far; the same slug twice is one story ({@link #merge}). */
    public static void collect(Map<String, Story> into, List<Story> parsed) {
        for (Story s : parsed) {
            Story before = into.get(s.id());
            into.put(s.id(), before == null ? s : merge(before, s));
        }
    }

    /**
     * The same slug in two files (a story moved from draft to proposed, or spelled with '_' and
     * '-'): one story with the most advanced state's text and title; the other title becomes an
     * alias; projects, tags, owners and backers are united. A development proposal (a file under
     * {@code development-proposals/}) is the developers' breakdown of the story, not an older
     * version of it: its text is kept after the story's (it names the pieces of work, and the
     * specs they cite become the story's declared links).
     */
    public static Story merge(Story a, Story b) {
        Story lead = LEADS.compare(b, a) > 0 ? b : a;
        Story other = lead == a ? b : a;
        List<String> aliases = new ArrayList<>(lead.aliases());
        aliases.addAll(other.aliases());
        if (!other.title().equalsIgnoreCase(lead.title())) {
            aliases.add(other.title());
        }
        List<String> projects = new ArrayList<>(lead.projects());
        projects.addAll(other.projects());
        List<String> tags = new ArrayList<>(lead.tags());
        tags.addAll(other.tags());
        List<String> owners = new ArrayList<>(lead.owners());
        owners.addAll(other.owners());
        List<Backer> backers = new ArrayList<>(lead.backers());
        other.backers().stream().filter(x -> backers.stream().noneMatch(y -> y.organisation().equalsIgnoreCase(x.organisation())))
                .forEach(backers::add);
        String text = lead.text();
        if (isProposal(other) != isProposal(lead) && !other.text().isBlank() && !text.contains(other.text().strip())) {
            Story story = isProposal(lead) ? other : lead;
            Story proposal = isProposal(lead) ? lead : other;
            text = story.text().strip() + "\n\nDevelopment proposal\n====================\n\n" + proposal.text().strip() + "\n";
        }
        return new Story(lead.id(), lead.title(), text, lead.state(), projects, tags, aliases, owners, backers, lead.origin());
    }

    private static boolean isProposal(Story s) {
        return s.origin() != null && s.origin().replace('\\', '/').contains("development-proposals/");
    }

    /** UTF-8 when valid (BOM dropped); otherwise Windows-1252, which decodes any byte. */
    static String decode(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    private static Story rst(String path, String name, String text) {
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        String title = null;
        Fields f = new Fields();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("..") && !line.startsWith(".. _")) {
                // A comment (the template's guidance) and its indented continuation lines.
                while (i + 1 < lines.length && (lines[i + 1].startsWith("   ") || lines[i + 1].startsWith("\t"))) {
                    i++;
                }
                continue;
            }
            if (title == null && !line.isBlank() && !RST_UNDERLINE.matcher(line).matches()
                    && i + 1 < lines.length && RST_UNDERLINE.matcher(lines[i + 1]).matches()) {
                title = line.strip();
                i++;
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (m.matches() && f.set(m.group(1), m.group(2))) {
                continue;
            }
            body.append(line).append('\n');
        }
        return f.story(path, name, title, body.toString().strip());
    }

    private static Story markdown(String path, String name, String text) throws JsonProcessingException {
        String t = text.replace("\r\n", "\n").replace('\r', '\n');
        Fields f = new Fields();
        if (t.startsWith("---\n")) {
            int end = t.indexOf("\n---", 4);
            if (end < 0) {
                throw new IllegalArgumentException("front matter opened with --- is never closed");
            }
            JsonNode front = YAML.readTree(t.substring(4, end));
            if (front != null && front.isObject()) {
                f.read(front);
            } else if (front != null && !front.isNull() && !front.isMissingNode()) {
                throw new IllegalArgumentException("front matter must be a YAML mapping");
            }
            t = t.substring(Math.min(t.length(), t.indexOf('\n', end + 1) < 0 ? t.length() : t.indexOf('\n', end + 1) + 1));
        }
        String title = f.title;
        StringBuilder body = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            if (title == null && line.startsWith("# ")) {
                title = line.substring(2).strip();
                continue;
            }
            body.append(line).append('\n');
        }
        return f.story(path, name, title, body.toString().strip());
    }

    private static List<Story> structured(String path, String name, JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException("the document is empty");
        }
        List<Story> out = new ArrayList<>();
        if (root.isArray()) {
            int n = 0;
            for (JsonNode node : root) {
                n++;
                if (!node.isObject()) {
                    throw new IllegalArgumentException("entry " + n + " is not a mapping");
                }
                Fields f = new Fields();
                f.read(node);
                if (f.id == null) {
                    throw new IllegalArgumentException("entry " + n + " has no id (a list of stories needs one per story)");
                }
                out.add(f.story(path, name, f.title, f.text));
            }
        } else if (root.isObject()) {
            Fields f = new Fields();
            f.read(root);
            out.add(f.story(path, name, f.title, f.text));
        } else {
            throw new IllegalArgumentException("expected a mapping (one story) or a list of stories");
        }
        return out;
    }

    /** The explicit fields a story file may give; what is missing is derived. */
    private static final class Fields {
        String id, title, text, state;
        List<String> projects = new ArrayList<>(), tags = new ArrayList<>(), aliases = new ArrayList<>(), owners = new ArrayList<>();
        List<Backer> backers = new ArrayList<>();

        /** A field line of an RST story; false when the name is not one of ours (then it stays text). */
        boolean set(String key, String value) {
            switch (key.toLowerCase(Locale.ROOT).replace(' ', '-').replace('_', '-')) {
                case "id", "slug" -> id = value.strip();
                case "state", "status" -> state = value;
                case "projects", "project" -> projects.addAll(split(value));
                case "tags" -> tags.addAll(split(value));
                case "aliases", "also-known-as" -> aliases.addAll(split(value));
                case "owners", "owner" -> owners.addAll(split(value));
                case "backers", "organisations", "organizations" -> {
                    for (String s : split(value)) {
                        backers.add(backerFromText(s));
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        void read(JsonNode node) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey().toLowerCase(Locale.ROOT).replace('_', '-');
                JsonNode v = e.getValue();
                switch (key) {
                    case "title", "name" -> title = scalar(key, v);
                    case "text", "description", "body" -> text = scalar(key, v);
                    case "backers", "organisations", "organizations" -> readBackers(v);
                    default -> {
                        if (v.isArray()) {
                            List<String> values = new ArrayList<>();
                            v.forEach(x -> values.add(scalar(key, x)));
                            set(key, String.join(",", values));
                        } else if (v.isValueNode()) {
                            set(key, v.asText());
                        }
                    }
                }
            }
        }

        private void readBackers(JsonNode v) {
            if (v.isObject()) {
                v.fields().forEachRemaining(e -> backers.add(new Backer(e.getKey(), rank(e.getKey(), e.getValue()))));
            } else if (v.isArray()) {
                for (JsonNode b : v) {
                    if (b.isObject()) {
                        JsonNode org = b.has("organisation") ? b.get("organisation") : b.has("organization") ? b.get("organization") : b.get("name");
                        if (org == null) {
                            throw new IllegalArgumentException("a backer needs an organisation");
                        }
                        backers.add(new Backer(org.asText(), rank(org.asText(), b.get("rank"))));
                    } else {
                        backers.add(backerFromText(b.asText()));
                    }
                }
            } else if (v.isTextual()) {
                set("backers", v.asText());
            } else {
                throw new IllegalArgumentException("backers must be a list or a mapping of organisation to rank");
            }
        }

        private static int rank(String org, JsonNode v) {
            if (v == null || v.isNull()) {
                return 0;
            }
            if (!v.canConvertToInt() && !v.asText().strip().matches("\\d")) {
                throw new IllegalArgumentException("the rank of " + org + " must be a number 1..5, not '" + v.asText() + "'");
            }
            return v.canConvertToInt() ? v.asInt() : Integer.parseInt(v.asText().strip());
        }

        private static String scalar(String key, JsonNode v) {
            if (!v.isValueNode()) {
                throw new IllegalArgumentException("'" + key + "' must be text, not a " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
            return v.asText();
        }

        Story story(String path, String fileName, String foundTitle, String body) {
            String slug = id != null && !id.isBlank() ? Story.slug(id) : Story.slug(fileName);
            if (slug.isEmpty()) {
                throw new IllegalArgumentException("no story id: give 'id' or name the file after the story");
            }
            List<String> allProjects = new ArrayList<>(projects);
            if (allProjects.isEmpty()) {
                Set<String> derived = new LinkedHashSet<>();
                for (Ref r : ReferenceExtractor.extract(body, null)) {
                    if (Ref.SPEC.equals(r.type()) || Ref.BLUEPRINT.equals(r.type())) {
                        derived.add(r.target().substring(r.target().indexOf(':') + 1, r.target().indexOf('/')));
                    }
                }
                allProjects.addAll(derived);
            }
            return new Story(slug, title != null ? title : foundTitle, body, state != null ? state : stateFromPath(path),
                    allProjects, tags, aliases, owners, backers, path);
        }
    }

    private static Backer backerFromText(String s) {
        Matcher m = BACKER_TEXT.matcher(s.strip());
        if (!m.matches()) {
            return new Backer(s, 0);
        }
        String rank = m.group(2) != null ? m.group(2) : m.group(3);
        return new Backer(m.group(1), rank == null ? 0 : Integer.parseInt(rank));
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split("[,;]")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** draft / proposed / tracked / parked from the directory the file sits in (the Product WG layout). */
    static String stateFromPath(String path) {
        String p = "/" + path.toLowerCase(Locale.ROOT);
        if (p.contains("/tracked/")) {
            return Story.TRACKED;
        }
        if (p.contains("/parking/") || p.contains("/parked/")) {
            return Story.PARKED;
        }
        if (p.contains("/proposed/")) {
            return Story.PROPOSED;
        }
        return Story.DRAFT;
    }
}
