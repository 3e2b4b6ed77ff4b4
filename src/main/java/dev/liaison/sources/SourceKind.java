package dev.liaison.sources;

import dev.liaison.config.SourceConfig;
import java.util.List;

/**
 * One kind of source (pipermail, hyperkitty, sphinx-specs, ...). A kind registers itself with a
 * line in {@code META-INF/services/dev.liaison.sources.SourceKind} and makes a {@link Poller} per
 * configured source. Its sources are scheduled by the shared route template {@code source}
 * (routes/templates/source.camel.yaml) unless it names one of its own.
 */
public interface SourceKind {

    /** The value of {@code kind:} in sources.yaml. */
    String name();

    /** One line saying what this kind reads. */
    String description();

    /** The kind-specific keys a source of this kind may set. */
    List<OptionSpec> options();

    /**
     * Checks what the common checks cannot (e.g. that the URL has the shape this kind reads).
     * Returns problems as (key, message) pairs; empty when the source is fine.
     */
    default List<Problem> validate(SourceConfig source) {
        return List.of();
    }

    /** The id of the route template that schedules this kind's sources: the shared one unless a kind needs steps of its own. */
    default String routeTemplate() {
        return SHARED_ROUTE_TEMPLATE;
    }

    /** The route template every kind uses unless it names its own. */
    String SHARED_ROUTE_TEMPLATE = "source";

    /** Makes the poller of one configured source. Called once per source at start-up. */
    Poller poller(SourceConfig source, PollContext context);

    /** A problem with one key of a source. */
    record Problem(String key, String message) {}
}
