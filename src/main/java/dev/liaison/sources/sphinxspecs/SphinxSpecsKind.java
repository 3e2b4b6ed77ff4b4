package dev.liaison.sources.sphinxspecs;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kind {@code sphinx-specs}: a Sphinx specs site (specs.openstack.org/openstack/&lt;project&gt;-specs/),
 * every spec found from its indexes stored as one {@code spec} item {@code spec:<project>/<name>}. See docs/kinds/sphinx-specs.md.
 */
public final class SphinxSpecsKind implements SourceKind {

    public static final String NAME = "sphinx-specs";
    private static final Pattern PROJECT_IN_URL = Pattern.compile("/([A-Za-z0-9_.-]+)-specs/?");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Design specs of a Sphinx specs site (specs.openstack.org/openstack/<project>-specs/), one item per spec";
    }

    @Override
    public List<OptionSpec> options() {
        return SphinxSpecsOptions.specs();
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> problems = new ArrayList<>();
        if (project(source) == null) {
            problems.add(new Problem("project", "set the project (spec ids are spec:<project>/<name>); "
                    + "it cannot be read from a URL without '<project>-specs/'"));
        }
        String path = source.url().getPath();
        if (path != null && !path.isEmpty() && !path.endsWith("/") && !path.endsWith(".html")) {
            problems.add(new Problem("url", "give the site root, ending with '/' (e.g. https://specs.openstack.org/openstack/nova-specs/)"));
        }
        return problems;
    }

    /** The source's project, or the one its URL names ({@code .../nova-specs/} gives nova). */
    static String project(SourceConfig source) {
        if (source.project() != null && !source.project().isBlank()) {
            return source.project().trim().toLowerCase(Locale.ROOT);
        }
        Matcher m = PROJECT_IN_URL.matcher(source.url().getPath() == null ? "" : source.url().getPath());
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        String project = project(source);
        if (project == null) {
            throw new IllegalArgumentException("source " + source.id() + ": no project");
        }
        SphinxSpecsOptions options = SphinxSpecsOptions.of(source);
        return new SphinxSpecsPoller(source, context, new SiteLayout(source.url(), project), options.batchSize(), options.maxPages());
    }
}
