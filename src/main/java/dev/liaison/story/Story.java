package dev.liaison.story;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A user story: slug id, title, text, state, the projects it touches, tags, aliases (other names
 * people use for it), owners, and the organisations that back it with their rank. {@code origin}
 * says where it was imported from (a path or URL); it is not part of the story's identity.
 */
public record Story(String id, String title, String text, String state, List<String> projects, List<String> tags,
                    List<String> aliases, List<String> owners, List<Backer> backers, String origin) {

    public static final String DRAFT = "draft";
    public static final String PROPOSED = "proposed";
    public static final String TRACKED = "tracked";
    public static final String PARKED = "parked";
    public static final Set<String> STATES = Set.of(DRAFT, PROPOSED, TRACKED, PARKED);
    public static final int MAX_TEXT_CHARS = 200_000;

    public Story {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[a-z0-9][a-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("a story id is a slug (a-z, 0-9, '.', '_', '-', at most 128), not '" + id + "'");
        }
        title = title == null || title.isBlank() ? id : title.strip();
        text = text == null ? "" : text;
        if (text.length() > MAX_TEXT_CHARS) {
            text = text.substring(0, MAX_TEXT_CHARS);
        }
        state = state == null || state.isBlank() ? DRAFT : state.strip().toLowerCase(Locale.ROOT);
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException("story " + id + ": state must be one of draft, proposed, tracked, parked, not '" + state + "'");
        }
        projects = clean(projects, true);
        tags = clean(tags, true);
        aliases = clean(aliases, false);
        owners = clean(owners, false);
        backers = backers == null ? List.of() : List.copyOf(backers);
    }

    private static List<String> clean(List<String> in, boolean lower) {
        if (in == null) {
            return List.of();
        }
        return in.stream().filter(Objects::nonNull).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> lower ? s.toLowerCase(Locale.ROOT) : s).distinct().toList();
    }

    /** A slug from a file name or a title: lower case, '_' and spaces become '-'. */
    public static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("\\.(rst|md|markdown|ya?ml|json|txt)$", "")
                .replaceAll("[^a-z0-9.]+", "-").replaceAll("^[-.]+|[-.]+$", "");
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    /** The first project, used to resolve bare blueprint names in the text; null when none. */
    public String mainProject() {
        return projects.isEmpty() ? null : projects.get(0);
    }

    /** SHA-256 over every field but the origin: the same story imported from two places hashes the same. */
    public String contentHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object f : new Object[] {id, title, text, state, projects, tags, aliases, owners, backers}) {
                sha.update(String.valueOf(f).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0x1f);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
