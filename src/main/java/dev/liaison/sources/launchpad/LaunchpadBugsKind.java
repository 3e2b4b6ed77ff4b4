package dev.liaison.sources.launchpad;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;

/** {@code launchpad-bugs}: the bug tasks of one Launchpad project, incrementally (see docs/kinds/launchpad-bugs.md). */
public final class LaunchpadBugsKind implements SourceKind {

    @Override
    public String name() {
        return "launchpad-bugs";
    }

    @Override
    public String description() {
        return "Launchpad bug tasks of a project (searchTasks, modified_since), one bug:<N> item per bug";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> out = new ArrayList<>(LaunchpadOptions.common("each new or changed bug's description and tags"));
        out.add(LaunchpadOptions.overlapSpec());
        return out;
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        return LaunchpadBlueprintsKind.validateUrl(source);
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new BugsPoller(source, context);
    }
}
