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
        return HyperkittyOptions.specs();
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
