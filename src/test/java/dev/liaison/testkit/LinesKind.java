package dev.liaison.testkit;

import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.Validators;
import dev.liaison.item.Item;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import dev.liaison.store.ValidatorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A source kind for tests of the foundation: the page at the URL holds one item per line,
 * {@code id|title|status}. It uses the shared fetcher (conditional GET) and the store the way a
 * real kind does, so tests can drive the whole path: route, poll service, fetcher, store.
 */
public final class LinesKind implements SourceKind {

    @Override
    public String name() {
        return "test-lines";
    }

    @Override
    public String description() {
        return "test kind: one item per line";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.integer("max-lines", "Lines read at most", 1000, 1, 100_000));
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return (PollRequest request, PollStats stats) -> {
            String url = source.url().toString();
            Map<String, ValidatorStore.Entry> stored = context.store().validators().load(source.id());
            ValidatorStore.Entry before = stored.get(url);
            FetchResult r;
            try {
                r = context.fetcher().get(source.url(), before == null ? Validators.NONE : before.validators(), stats);
            } catch (FetchException e) {
                throw e;
            }
            if (r.notModified()) {
                return;
            }
            List<Item> items = new ArrayList<>();
            int max = source.intOption("max-lines", 1000);
            for (String line : r.text().split("\n")) {
                if (line.isBlank() || items.size() >= max) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                if (f.length < 3) {
                    stats.error("line", "not id|title|status: " + line);
                    continue;
                }
                items.add(Item.builder("line:" + f[0].trim(), "line").source(source.id()).project(source.project())
                        .title(f[1].trim()).status(f[2].trim(), f[2].trim()).url(url)
                        .refs(ReferenceExtractor.extract(f[1], source.project())).build());
            }
            stats.stored(context.store().items().upsert(items));
            context.store().validators().save(source.id(), Map.of(url, new ValidatorStore.Entry(r.validators(), null)));
        };
    }
}
