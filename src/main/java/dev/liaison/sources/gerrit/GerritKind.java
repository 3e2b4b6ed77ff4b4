package dev.liaison.sources.gerrit;

import dev.liaison.config.Durations;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;

/** {@code gerrit}: the changes a Gerrit query finds, incrementally, one review:<number> item each (docs/kinds/gerrit.md). */
public final class GerritKind implements SourceKind {

    static final int PAGE_SIZE = 100;
    static final String OVERLAP = "10m";
    static final int MAX_PAGES = 100;
    static final int MAX_MESSAGE = 65_536;

    @Override
    public String name() {
        return "gerrit";
    }

    @Override
    public String description() {
        return "Gerrit code review (REST /changes/ query, after: a watermark), one review:<number> item per change";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> out = new ArrayList<>();
        out.add(new OptionSpec("query", "The Gerrit search, e.g. project:openstack/nova-specs (Liaison adds after:).",
                null, true, v -> v instanceof String s && !s.isBlank() && !s.contains("\n"), "a Gerrit search on one line"));
        out.add(OptionSpec.integer("page-size", "Changes per request (n=).", PAGE_SIZE, 1, 500));
        out.add(OptionSpec.integer("max-pages", "Requests per poll at most; a longer pass continues at the next poll.",
                MAX_PAGES, 1, 100_000));
        out.add(OptionSpec.integer("max-message", "Characters of a commit message kept as the item's text "
                + "(references are read from the whole message).", MAX_MESSAGE, 1_000, 200_000));
        out.add(new OptionSpec("overlap", "How far before the stored watermark after: starts (clock skew, changes "
                + "updated while the last poll paged).", OVERLAP, false,
                v -> Durations.parse(String.valueOf(v)).isPresent(), "a duration such as 10m"));
        return out;
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> out = new ArrayList<>();
        String path = source.url().getPath();
        if (path != null && (path.contains("/changes") || path.contains("#"))) {
            out.add(new Problem("url", "give the Gerrit site (e.g. https://review.opendev.org/), not a query or change URL"));
        }
        if (source.url().getRawQuery() != null || source.url().getRawFragment() != null) {
            out.add(new Problem("url", "give the Gerrit site without ?query or #fragment; the search goes in 'query'"));
        }
        return out;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new GerritPoller(source, context);
    }
}
