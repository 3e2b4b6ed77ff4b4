package dev.liaison.sources;

import dev.liaison.config.SourceConfig;
import java.util.List;

/**
 * One kind of source (pipermail, hyperkitty, sphinx-specs, ...). A kind registers itself with a
 * line in {@code META-INF/services/dev.liaison.sources.SourceKind}, ships its route template as
 * {@code routes/templates/<name>-source.camel.yaml}, and makes a {@link Poller} per configured
 * source.
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

    /** Makes the poller of one configured source. Called once per source at start-up. */
    Poller poller(SourceConfig source, PollContext context);

    /** A problem with one key of a source. */
    record Problem(String key, String message) {}
}
