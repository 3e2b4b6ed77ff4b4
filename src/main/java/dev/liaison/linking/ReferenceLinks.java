package dev.liaison.linking;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.apache.lucene.search.Query;

/**
 * The links that follow from what texts name, one rule per kind and the same from either side:
 * <ul>
 * <li>{@code declared}: the story's text names the item;
 * <li>{@code mentioned}: the item names the story (its URL, {@code User-Story: slug}), or a story's
 *     title or alias as a phrase that is not generic among the items;
 * <li>{@code via}: one hop in the item graph from an item strongly linked to the story (never from
 *     a phrase mention: too weak to build on).
 * </ul>
 */
final class ReferenceLinks {

    private final StoryIndex stories;
    private final StoryNames names;
    private final ItemIndex items;
    private final ItemGraph graph;
    private final Decisions decisions;
    private final DoubleSupplier phraseConfidence;
    private final DoubleSupplier viaConfidence;
    /** Whether title-phrase mentions are proposed (only when such mentions were judged right often enough). */
    private boolean phraseMentions = true;

    ReferenceLinks(StoryIndex stories, StoryNames names, ItemIndex items, ItemGraph graph, Decisions decisions,
            DoubleSupplier phraseConfidence, DoubleSupplier viaConfidence) {
        this.stories = stories;
        this.names = names;
        this.items = items;
        this.graph = graph;
        this.decisions = decisions;
        this.phraseConfidence = phraseConfidence;
        this.viaConfidence = viaConfidence;
    }

    /** Proposes title-phrase mentions, or not (see {@link Linker#calibration}). */
    void phraseMentions(boolean on) {
        this.phraseMentions = on;
    }

    /** An item's declared, mentioned and via links (of its own, and one hop from it). */
    void ofItem(Item item, String kind, List<Ref> refs, List<String> tokens, List<Link> out) {
        ofItem(item, kind, refs, phraseMentions ? names.matches(tokens) : Set.of(), out);
    }

    /** The same, with the story names found among the item's tokens already ({@link StoryNames#matches}). */
    void ofItem(Item item, String kind, List<Ref> refs, Set<String> phrases, List<Link> out) {
        Map<String, Link> strong = new HashMap<>(decisions.strongOf(item.id()));
        for (Map.Entry<String, Ref> e : names.declaring(item.id()).entrySet()) {
            Link l = Linker.link(e.getKey(), item.id(), Link.DECLARED, Linker.DECLARED_CONFIDENCE, item.project(), kind,
                    new Evidence(Link.DECLARED, e.getValue().evidence(), "story:" + e.getKey(), null));
            out.add(l);
            strong.putIfAbsent(l.story(), l);
        }
        for (Ref r : refs) {
            if (Ref.STORY.equals(r.type())) {
                String slug = r.target().substring("story:".length());
                if (stories.contains(slug)) {
                    Link l = Linker.link(slug, item.id(), Link.MENTIONED, Linker.MENTIONED_REF_CONFIDENCE, item.project(), kind,
                            new Evidence(Link.MENTIONED, r.evidence(), item.id(), null));
                    out.add(l);
                    strong.putIfAbsent(slug, l);
                }
            }
        }
        for (String key : phraseMentions ? phrases : Set.<String>of()) {
            if (names.generic(key)) {
                continue;
            }
            for (String slug : names.naming(key)) {
                // A mention by phrase is too weak to build one-hop links on.
                out.add(Linker.link(slug, item.id(), Link.MENTIONED, phraseConfidence.getAsDouble(), item.project(), kind,
                        new Evidence(Link.MENTIONED, "names \"" + key + "\"", item.id(), null)));
            }
        }
        for (String n : graph.neighbours(item.id())) {
            for (Link via : decisions.strongOf(n).values()) {
                out.add(Linker.link(via.story(), item.id(), Link.VIA, viaConfidence.getAsDouble(), item.project(), kind,
                        new Evidence(Link.VIA, graph.hop(item.id(), n), item.id(), n)));
            }
            for (Link s : strong.values()) {
                out.add(Linker.link(s.story(), n, Link.VIA, viaConfidence.getAsDouble(), items.project(n), Linker.kindOf(n, null),
                        new Evidence(Link.VIA, graph.hop(n, item.id()), n, item.id())));
            }
        }
    }

    /** A story's declared, mentioned and via links. The items must be searchable ({@link ItemIndex#fresh}). */
    void ofStory(Story s, List<Link> out) {
        Set<String> strongItems = new LinkedHashSet<>();
        for (Ref r : ReferenceExtractor.extract(s.text(), s.mainProject())) {
            if (Ref.STORY.equals(r.type())) {
                continue;
            }
            String project = items.contains(r.target()) ? items.project(r.target()) : Linker.projectOf(r.target());
            out.add(Linker.link(s.id(), r.target(), Link.DECLARED, Linker.DECLARED_CONFIDENCE, project, Linker.kindOf(r.target(), null),
                    new Evidence(Link.DECLARED, r.evidence(), "story:" + s.id(), null)));
            strongItems.add(r.target());
        }
        for (String item : graph.citing("story:" + s.id())) {
            out.add(Linker.link(s.id(), item, Link.MENTIONED, Linker.MENTIONED_REF_CONFIDENCE, items.project(item),
                    Linker.kindOf(item, null), new Evidence(Link.MENTIONED, "cites the story " + s.id(), item, null)));
            strongItems.add(item);
        }
        for (String key : phraseMentions ? names.phrasesOf(s.id()) : List.<String>of()) {
            Query q = items.phrase(key);
            if (q == null || names.generic(key)) {
                continue;
            }
            for (String item : items.run(q, 200)) {
                // A mention by phrase is too weak to build one-hop links on (the same rule as for a new item).
                out.add(Linker.link(s.id(), item, Link.MENTIONED, phraseConfidence.getAsDouble(), items.project(item),
                        Linker.kindOf(item, null), new Evidence(Link.MENTIONED, "names \"" + key + "\"", item, null)));
            }
        }
        strongItems.addAll(decisions.strongItemsOf(s.id()));
        for (String item : strongItems) {
            for (String n : graph.neighbours(item)) {
                out.add(Linker.link(s.id(), n, Link.VIA, viaConfidence.getAsDouble(), items.project(n), Linker.kindOf(n, null),
                        new Evidence(Link.VIA, graph.hop(n, item), n, item)));
            }
        }
    }
}
