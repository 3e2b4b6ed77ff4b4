package dev.liaison.sources.releaseschedule;

import dev.liaison.release.ReleaseEntry;
import java.util.List;

/** What one feed said: its entries, and the events it held that could not be read (with why). */
public record Schedule(List<ReleaseEntry> entries, List<String> problems) {

    public Schedule {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }
}
