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
        return PipermailOptions.specs();
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
        String configured = PipermailOptions.of(source).list();
        if (configured != null) {
            return configured;
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
