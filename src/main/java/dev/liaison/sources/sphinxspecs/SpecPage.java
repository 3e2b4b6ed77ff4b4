package dev.liaison.sources.sphinxspecs;

import java.net.URI;
import java.util.List;

/** What reading one fetched spec URL gave: a spec, a redirect stub to follow, or a clear failure. */
sealed interface SpecPage {

    /** A spec page. {@code warnings} are problems that did not stop parsing (e.g. bad UTF-8). */
    record Spec(dev.liaison.item.Item item, List<String> warnings) implements SpecPage {}

    /** A Sphinx redirect stub ({@code <meta http-equiv="refresh" content="0; url=...">}). */
    record Redirect(URI target) implements SpecPage {}

    /** A page that could not be read as a spec, with the reason a person can act on. */
    record Failure(String message, boolean notASpec) implements SpecPage {

        /** A page that may read fine next time (truncated, empty). */
        Failure(String message) {
            this(message, false);
        }
    }
}
