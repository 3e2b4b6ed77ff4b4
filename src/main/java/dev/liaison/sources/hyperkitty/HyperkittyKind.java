package dev.liaison.sources.hyperkitty;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** GNU Mailman 3 archives (HyperKitty): the REST API for polling, the mbox export for backfills. */
public final class HyperkittyKind implements SourceKind {

    @Override
    public String name() {
        return "hyperkitty";
    }

    @Override
    public String description() {
        return "Mailman 3 (HyperKitty) list archive: REST API polling, mbox export backfills, threaded";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("page-size", "Emails asked for per API page (limit)", 50, 1, 500),
                OptionSpec.integer("max-pages", "API pages read at most per poll (the rest next poll)", 40, 1, 10_000),
                OptionSpec.integer("full-check-hours", "Hours between two reads of the whole list (deleted, re-threaded and late mail); "
                        + "read sooner when HyperKitty's count does not match", 24, 0, 100_000),
                OptionSpec.integer("check-page-size", "Emails asked for per API page when the whole list is read", 500, 10, 5_000),
                OptionSpec.integer("concurrency", "Email details fetched in parallel (the fetcher's per-host limit still applies)", 4, 1, 32),
                OptionSpec.string("subject-prefix", "A subject prefix to remove besides [<list>] (without brackets)", null));
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> problems = new ArrayList<>();
        if (HyperkittyApi.of(source.url()) == null) {
            problems.add(new Problem("url", "a hyperkitty URL is the list's archive page, e.g. "
                    + "https://lists.openstack.org/archives/list/openstack-discuss@lists.openstack.org/"));
        }
        return problems;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new HyperkittyPoller(source, context, Clock.systemUTC());
    }
}
