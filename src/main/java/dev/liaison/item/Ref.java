package dev.liaison.item;

import java.util.Objects;

/**
 * A typed reference found in an item's text: what kind of thing it points at, the stable id of
 * that thing (an item id such as {@code bug:1521928}), how the text relates to it
 * ({@code closes}, {@code partial}, {@code related}, {@code implements}, or {@code cites}), and
 * the snippet it was found in (for evidence).
 */
public record Ref(String type, String target, String relation, String evidence) {

    public static final String CITES = "cites";

    public static final String BUG = "bug";
    public static final String BLUEPRINT = "blueprint";
    public static final String SPEC = "spec";
    public static final String REVIEW = "review";
    public static final String MAIL = "mail";
    public static final String STORY = "story";

    public Ref(String type, String target, String evidence) {
        this(type, target, CITES, evidence);
    }

    public Ref {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        if (type.isBlank() || target.isBlank()) {
            throw new IllegalArgumentException("a reference needs a type and a target");
        }
        relation = relation == null || relation.isBlank() ? CITES : relation;
        evidence = evidence == null ? "" : evidence;
    }
}
