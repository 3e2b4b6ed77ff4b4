package dev.liaison.sources.releaseschedule;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code release-schedule} kind: an OpenStack release calendar, either the iCalendar feed
 * {@code https://releases.openstack.org/<series>/schedule.ics} (the weeks and the cycle-wide
 * deadlines) or the series' {@code schedule.yaml} of the openstack/releases repository (the
 * weeks and the project-specific deadlines). Its weeks and deadlines are kept in the store's
 * {@code release_schedule} collection and tell digests and pages where each project is in its
 * cycle.
 */
public final class ReleaseScheduleKind implements SourceKind {

    @Override
    public String name() {
        return "release-schedule";
    }

    @Override
    public String description() {
        return "an OpenStack release calendar (schedule.ics or schedule.yaml): weeks and deadlines of a series";
    }

    @Override
    public List<OptionSpec> options() {
        return ReleaseScheduleOptions.specs();
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> problems = new ArrayList<>();
        String scheme = source.url().getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            problems.add(new Problem("url", "a release schedule must be an http or https URL"));
        }
        String path = source.url().getPath() == null ? "" : source.url().getPath();
        if (!(path.endsWith(".ics") || path.endsWith(".yaml") || path.endsWith(".yml"))) {
            problems.add(new Problem("url", "must end in .ics (the iCalendar feed) or .yaml (schedule.yaml of openstack/releases)"));
        }
        return problems;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new ReleaseSchedulePoller(source, context);
    }
}
