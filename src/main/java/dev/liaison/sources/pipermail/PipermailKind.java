package dev.liaison.sources.pipermail;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** GNU Mailman 2 archives ("pipermail"): table of contents, month indexes, message pages, .txt.gz months. */
public final class PipermailKind implements SourceKind {

    @Override
    public String name() {
        return "pipermail";
    }

    @Override
    public String description() {
        return "Mailman 2 (pipermail) list archive: month indexes and message pages, threaded, incremental";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("boundary-days", "Days into a new month during which the previous month's index is also checked", 7, 0, 31),
                OptionSpec.integer("initial-months", "Months read by the first incremental poll (older ones need --since)", 1, 1, 24),
                OptionSpec.integer("concurrency", "Message pages fetched in parallel (the fetcher's per-host limit still applies)", 4, 1, 32),
                OptionSpec.bool("txt-archives", "Backfills read a month's YYYY-Month.txt.gz (one request) instead of its message pages", false),
                OptionSpec.string("subject-prefix", "A subject prefix to remove besides [<list>] (without brackets)", null),
                OptionSpec.string("list", "The list name (default: the last path segment of the URL)", null));
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> problems = new ArrayList<>();
        String path = source.url().getPath();
        if (path == null || !path.endsWith("/")) {
            problems.add(new Problem("url", "a pipermail URL is the list's archive folder and ends with '/', e.g. https://lists.openstack.org/pipermail/product-wg/"));
        }
        return problems;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new PipermailPoller(source, context, Clock.systemUTC());
    }

    /** The list name of a source: the option, else the URL's last path segment. */
    static String listName(SourceConfig source) {
        String configured = source.option("list", null);
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String[] parts = source.url().getPath().split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isBlank()) {
                return parts[i];
            }
        }
        return source.id();
    }
}
