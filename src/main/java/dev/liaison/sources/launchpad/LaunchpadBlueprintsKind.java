package dev.liaison.sources.launchpad;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;

/** {@code launchpad-blueprints}: all blueprints of one Launchpad project (see docs/kinds/launchpad-blueprints.md). */
public final class LaunchpadBlueprintsKind implements SourceKind {

    @Override
    public String name() {
        return "launchpad-blueprints";
    }

    @Override
    public String description() {
        return "Launchpad blueprints of a project (devel all_specifications), one bp:<project>/<name> item each";
    }

    @Override
    public List<OptionSpec> options() {
        return List.copyOf(new ArrayList<>(LaunchpadOptions.common("the bugs linked to each new or changed blueprint")));
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        return validateUrl(source);
    }

    /** The URL must be an API project URL: {@code https://api.launchpad.net/devel/<project>}. */
    static List<Problem> validateUrl(SourceConfig source) {
        String path = source.url().getPath() == null ? "" : source.url().getPath().replaceAll("/+$", "");
        if (source.url().getQuery() != null || path.split("/").length < 3) {
            return List.of(new Problem("url", "must be a Launchpad API project URL such as "
                    + "https://api.launchpad.net/devel/nova (version, then project; no query)"));
        }
        return List.of();
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new BlueprintsPoller(source, context);
    }
}
