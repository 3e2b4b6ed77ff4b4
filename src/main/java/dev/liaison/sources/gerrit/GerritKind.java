package dev.liaison.sources.gerrit;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;

/** {@code gerrit}: the changes a Gerrit query finds, incrementally, one review:<number> item each (docs/kinds/gerrit.md). */
public final class GerritKind implements SourceKind {

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
        return GerritOptions.specs();
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
