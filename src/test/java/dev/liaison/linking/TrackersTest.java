package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.story.StoryFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackersTest {

    static final Path DIR = Path.of("src/test/resources/fixtures/linker/trackers");

    static Trackers.Tracker read(String name) throws Exception {
        return Trackers.read(name, Files.readAllBytes(DIR.resolve(name)));
    }

    @Test
    void categorizedConfigsDeclaresItsNovaSpecAsConfirmedAndComplete() throws Exception {
        Trackers.Tracker t = read("categorized-configs@d6e8516ba5.json");
        assertThat(t.story()).isEqualTo("categorized-configs");
        assertThat(t.date()).isEqualTo(LocalDate.of(2017, 1, 10));
        assertThat(t.status()).isEqualTo("in-progress");
        assertThat(t.links()).singleElement().satisfies(l -> {
            assertThat(l.item()).isEqualTo("spec:nova/centralize-config-options");
            assertThat(l.how()).isEqualTo(Link.DECLARED);
            assertThat(l.state()).isEqualTo(Link.CONFIRMED);
            assertThat(l.trackerStatus()).isEqualTo("complete");
            assertThat(l.project()).isEqualTo("nova");
            assertThat(l.evidence().get(0).snippet()).contains("task projectAdoption, project nova");
        });
    }

    @Test
    void rollingUpgradesTrackerNamesSpecsAndBlueprintsOfSeveralProjects() throws Exception {
        Trackers.Tracker t = read("sample-tracker@fe57619e9f.json");
        assertThat(t.story()).isEqualTo("rolling-upgrades");
        assertThat(t.date()).isEqualTo(LocalDate.of(2016, 3, 23));
        assertThat(t.links()).extracting(Link::item).contains(
                "spec:nova/service-version-number", "bp:nova/service-version-number",
                "spec:nova/online-schema-changes", "bp:nova/online-schema-changes",
                "bp:cinder/cinder-object-fields", "spec:cinder/cinder-objects", "bp:keystone/online-schema-migration");
        assertThat(t.links()).filteredOn(l -> l.item().equals("bp:keystone/online-schema-migration"))
                .extracting(Link::trackerStatus).containsExactly("pending");
    }

    @Test
    void olderShapesImport_singleBlueprint_statusSpellings_taskNestedAsProject() throws Exception {
        Trackers.Tracker t = read("sample-tracker@4684cfac18.json");
        assertThat(t.story()).isEqualTo("rolling-upgrades");
        assertThat(t.links()).extracting(Link::item).containsExactlyInAnyOrder(
                "spec:openstack/cross-project/eventlet-best-practices", "bp:cinder/backup-snapshots",
                "spec:cinder/backup-snapshots", "spec:nova/cells-db-connection-switching", "bp:tacker/multi-site-vim");
        assertThat(t.links()).filteredOn(l -> l.item().equals("bp:cinder/backup-snapshots"))
                .extracting(Link::trackerStatus).containsExactly("in-progress");
        assertThat(t.links()).filteredOn(l -> l.item().equals("bp:tacker/multi-site-vim"))
                .extracting(Link::trackerStatus).containsExactly("pending");
        Trackers.Tracker v = read("sample-tracker@764fc013dd.json");
        assertThat(v.links()).extracting(Link::item).contains("bp:cinder/nfs-snapshots").doesNotContain("bp:nova/na", "bp:ceilometer/none");
    }

    @Test
    void dayFirstDatesAreReadAsDays() throws Exception {
        assertThat(read("refstack@57d30be242.json").date()).isEqualTo(LocalDate.of(2017, 2, 27));
        assertThat(read("refstack@57d30be242.json").story()).isEqualTo("refstack-config-info");
        assertThat(read("refstack@57d30be242.json").links()).isEmpty();
    }

    @Test
    void everyRealFileImportsOrFailsWithAClearError() throws Exception {
        try (var files = Files.list(DIR)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                switch (name) {
                    case "user-story-tracker@e69de29bb2.json" ->
                            assertThatThrownBy(() -> read(name)).isInstanceOf(StoryFormatException.class).hasMessageContaining("the file is empty");
                    case "user-story-tracker@50addd07a5.json" ->
                            assertThatThrownBy(() -> read(name)).isInstanceOf(StoryFormatException.class).hasMessageContaining("not valid JSON");
                    case "user-story-tracker@dd89839d43.json" ->
                            assertThatThrownBy(() -> read(name)).isInstanceOf(StoryFormatException.class).hasMessageContaining("names no story");
                    default -> assertThat(read(name).story()).as(name).isNotBlank();
                }
            }
        }
    }

    @Test
    void brokenShapesAreErrorsOrWarnings() throws Exception {
        assertThatThrownBy(() -> Trackers.read("a.json", "[1,2]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("a tracker is a JSON object");
        assertThatThrownBy(() -> Trackers.read("a.json", "{\"source\": \"x\", \"tasks_status\": {".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid JSON");
        Trackers.Tracker t = Trackers.read("odd.json", """
                {"source": "odd-story", "date": "31-31-2017", "tasks_status": {"t": {"project_status": {"nova": {
                  "spec": "not a url", "blueprints": {"$bp_name": "$bp_status", "good-one": "Good Progress"}}}}}}
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(t.date()).isNull();
        assertThat(t.warnings()).anyMatch(w -> w.contains("31-31-2017")).anyMatch(w -> w.contains("'not a url' is not a spec"));
        assertThat(t.links()).extracting(Link::item, Link::trackerStatus).containsExactly(org.assertj.core.groups.Tuple.tuple("bp:nova/good-one", "in-progress"));
    }

    @Test
    void statusesInAllTheirSpellings() {
        assertThat(Trackers.normaliseStatus("In Progress")).isEqualTo("in-progress");
        assertThat(Trackers.normaliseStatus("work in progress")).isEqualTo("in-progress");
        assertThat(Trackers.normaliseStatus("Complete")).isEqualTo("complete");
        assertThat(Trackers.normaliseStatus("completed")).isEqualTo("complete");
        assertThat(Trackers.normaliseStatus("not started")).isEqualTo("pending");
        assertThat(Trackers.normaliseStatus("na")).isEqualTo("none");
        assertThat(Trackers.normaliseStatus("TODO")).isEqualTo("pending");
        assertThat(Trackers.normaliseStatus("$bp_status")).isNull();
        assertThat(Trackers.normaliseStatus("Implemented")).isEqualTo("complete");
    }

    @Test
    void exportThenImportGivesBackTheSameLinks() throws Exception {
        Trackers.Tracker t = read("sample-tracker@fe57619e9f.json");
        List<Link> links = new java.util.ArrayList<>(t.links());
        links.add(new Link("rolling-upgrades", "bug:1521928", Link.VIA, 0.6, Link.SUGGESTED, "nova", "bug", null, List.of()));
        links.add(new Link("rolling-upgrades", "review:295543", Link.MENTIONED, 0.85, Link.SUGGESTED, null, "review", null, List.of()));
        links.add(new Link("rolling-upgrades", "mail:openstack-dev/2015-December/082765", Link.MENTIONED, 0.85, Link.SUGGESTED, null, "mail", null, List.of()));
        links.add(new Link("rolling-upgrades", "spec:nova/other", Link.SIMILAR, 0.3, Link.SUGGESTED, "nova", "spec", null, List.of()));
        links.add(new Link("rolling-upgrades", "bp:nova/rejected-one", Link.DECLARED, 0.95, Link.REJECTED, "nova", "bp", null, List.of()));
        Story story = new Story("rolling-upgrades", "Rolling upgrades", "", "tracked", List.of(), List.of(), List.of(), List.of(), List.of(), null);
        String json = Trackers.write(story, links, Map.of("spec:nova/online-schema-changes",
                new Trackers.ItemInfo("https://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/online-schema-changes.html", "implemented")),
                LocalDate.of(2026, 11, 24));
        Trackers.Tracker back = Trackers.read("export.json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(back.story()).isEqualTo("rolling-upgrades");
        assertThat(back.date()).isEqualTo(LocalDate.of(2026, 11, 24));
        List<String> expected = links.stream().filter(Trackers::exported).map(Link::item).toList();
        assertThat(back.links()).extracting(Link::item).containsExactlyInAnyOrderElementsOf(expected)
                .doesNotContain("spec:nova/other", "bp:nova/rejected-one");
        assertThat(back.links()).filteredOn(l -> l.item().equals("spec:nova/online-schema-changes"))
                .extracting(Link::trackerStatus).containsExactly("complete");
    }
}
