package dev.liaison.review;

import dev.liaison.item.ReferenceExtractor;
import dev.liaison.item.ItemId;
import dev.liaison.item.Ref;
import dev.liaison.store.LinkStore;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Link;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A person's decisions about links, the one way the command line, the HTTP API and the pages
 * make them: confirm, reject, confirm every declared link of a story, add a link. Each decision
 * is one write of the link with who made it and when ({@code reviewedBy}, {@code reviewedAt}),
 * which later evidence does not erase. A story is named by its slug or any of its aliases.
 */
public final class LinkReview {

    /** What a person asked about does not exist (a story, a link). */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** What a person asked is not understood (not an item id, not a URL Liaison knows). */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** A decision's result: the story (its stored slug), the item, the link's state and kind, whether it changed. */
    public record Decision(String story, String item, String state, String how, boolean changed, String by) {}


    private final LinkStore links;
    private final StoryStore stories;
    private final Clock clock;

    public LinkReview(Store store, Clock clock) {
        this.links = new LinkStore(store);
        this.stories = new StoryStore(store);
        this.clock = clock;
    }

    /** Confirms a link Liaison holds. */
    public Decision confirm(String story, String item, String by) {
        String s = story(story);
        existing(s, item);
        return decided(s, item, links.confirm(s, item, by, clock.instant()), by);
    }

    /** Rejects a link Liaison holds: it is kept as rejected and no machine suggests it again. */
    public Decision reject(String story, String item, String by) {
        String s = story(story);
        existing(s, item);
        return decided(s, item, links.reject(s, item, by, clock.instant()), by);
    }

    /**
     * Rejects a link whether or not Liaison holds it: one it does not hold is recorded as a
     * rejected manual link, so that no machine ever suggests it.
     */
    public Decision forbid(String story, String item, String by) {
        String s = story(story);
        return decided(s, itemId(item), links.reject(s, itemId(item), by, clock.instant()), by);
    }

    /** Confirms a link, creating it as a manual link when Liaison had none; {@code itemOrUrl} is an item id or its URL. */
    public Decision add(String story, String itemOrUrl, String by) {
        String s = story(story);
        String item = itemId(itemOrUrl);
        return decided(s, item, links.confirm(s, item, by, clock.instant()), by);
    }

    /** Confirms every suggested declared link of a story (what its own text or tracker names); returns their items. */
    public List<String> confirmDeclared(String story, String by) {
        String s = story(story);
        List<String> items = links.forStory(s).stream()
                .filter(l -> Link.SUGGESTED.equals(l.state()) && Link.DECLARED.equals(l.how())).map(Link::item).toList();
        for (String item : items) {
            links.confirm(s, item, by, clock.instant());
        }
        return items;
    }

    private Decision decided(String story, String item, boolean changed, String by) {
        Optional<Link> l = links.find(story, item);
        return new Decision(story, l.map(Link::item).orElse(item), l.map(Link::state).orElse(null),
                l.map(Link::how).orElse(null), changed, by);
    }

    private String story(String story) {
        if (story == null || story.isBlank()) {
            throw new Invalid("a story is required");
        }
        return stories.find(story.trim()).orElseThrow(() -> new NotFound("no story '" + story + "'")).id();
    }

    private void existing(String story, String item) {
        if (item == null || item.isBlank() || links.find(story, item.trim()).isEmpty()) {
            throw new NotFound("no link between '" + story + "' and '" + item + "'");
        }
    }

    /** An item id as given, or the item a URL names. */
    static String itemId(String itemOrUrl) {
        if (itemOrUrl == null || itemOrUrl.isBlank()) {
            throw new Invalid("an item (an item id or its URL) is required");
        }
        String s = itemOrUrl.trim();
        if (ItemId.isItemId(s)) {
            return s;
        }
        List<Ref> refs = ReferenceExtractor.extract(s, null);
        if (refs.isEmpty()) {
            throw new Invalid("'" + s + "' is not an item id (spec:..., bp:..., bug:N, review:N, mail:...) nor a spec, "
                    + "blueprint, bug, review or archive URL Liaison knows");
        }
        return refs.get(0).target();
    }
}
