package dev.liaison.sources.launchpad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Launchpad parsers on the real shapes, and on broken, truncated, mis-encoded and oversized input. */
class LaunchpadParsersTest {

    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = LaunchpadParsersTest.class.getResourceAsStream("/fixtures/launchpad/" + name)) {
            return FakeLaunchpad.JSON.readTree(in);
        }
    }

    static byte[] page(JsonNode... entries) throws IOException {
        ObjectNode p = FakeLaunchpad.JSON.createObjectNode();
        p.put("start", 0);
        p.put("total_size", entries.length);
        p.putArray("entries").addAll(List.of(entries));
        return FakeLaunchpad.JSON.writeValueAsBytes(p);
    }

    @Test
    void realBugTaskBecomesABugItemWithCleanTitleNormalisedStatusAndTasks() throws Exception {
        JsonNode entries = fixture("stackalytics-bug-task-entries.json").get("entries");
        CollectionPage page = CollectionPage.parse(page(entries.get("BUG"), entries.get("ANOTHER_MILESTONE_BUG")));
        BugItems.Task project = BugItems.task(page.entries().get(0));
        BugItems.Task series = BugItems.task(page.entries().get(1));
        assertThat(project.bug()).isEqualTo(1458945);
        assertThat(project.target()).isEqualTo("sahara");
        assertThat(series.target()).isEqualTo("sahara/kilo");
        Item item = BugItems.merge(null, List.of(series, project), "sahara", "sahara-bugs");
        assertThat(item.id()).isEqualTo("bug:1458945");
        assertThat(item.title()).isEqualTo("Use graduated oslo.policy");
        assertThat(item.status()).isEqualTo("fixed");
        assertThat(item.statusRaw()).isEqualTo("Fix Released");
        assertThat(item.url()).isEqualTo("https://bugs.launchpad.net/sahara/+bug/1458945");
        assertThat(item.author()).isEqualTo("samueldmq");
        assertThat(item.created()).isEqualTo("2015-06-02T13:35:54.101Z");
        assertThat(item.attributes()).containsEntry("importance", "medium").containsEntry("importanceRaw", "Medium")
                .containsEntry("assignee", "slukjanov").containsEntry("target", "sahara");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) item.attributes().get("tasks");
        assertThat(tasks).extracting(t -> t.get("target")).containsExactly("sahara", "sahara/kilo");
    }

    @Test
    void projectTaskKeepsTheStatusWhenOnlyASeriesTaskIsReadLater() throws Exception {
        JsonNode entries = fixture("stackalytics-bug-task-entries.json").get("entries");
        ObjectNode projectTask = entries.get("BUG").deepCopy();
        projectTask.put("status", "In Progress");
        Item first = BugItems.merge(null, List.of(BugItems.task(projectTask)), "sahara", "s");
        ObjectNode seriesTask = entries.get("ANOTHER_MILESTONE_BUG").deepCopy();
        seriesTask.put("status", "Won't Fix");
        Item second = BugItems.merge(first, List.of(BugItems.task(seriesTask)), "sahara", "s");
        assertThat(second.statusRaw()).isEqualTo("In Progress");
        assertThat(second.status()).isEqualTo("in-progress");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) second.attributes().get("tasks");
        assertThat(tasks).extracting(t -> t.get("status")).containsExactly("In Progress", "Won't Fix");
    }

    @Test
    void detailsAreKeptWhenATaskIsReadAgainAndTheHashIsStable() throws Exception {
        JsonNode bug = fixture("stackalytics-bug-task-entries.json").get("entries").get("LINKED_BUG");
        Item read = BugItems.merge(null, List.of(BugItems.task(bug)), "barbican", "b");
        BugItems.Detail detail = BugItems.detail(("{\"id\": 1458945, \"description\": \"Closes-Bug: #1234567 and see "
                + "https://blueprints.launchpad.net/barbican/+spec/policy-in-code\", \"tags\": [\"Policy\", \"low-hanging-fruit\"],"
                + " \"date_last_updated\": \"2015-06-24T20:59:57.982386+00:00\", \"duplicate_of_link\": null}").getBytes(StandardCharsets.UTF_8));
        Item detailed = BugItems.applyDetail(read, detail);
        assertThat(detailed.refs()).extracting(Ref::target).containsExactly("bug:1234567", "bp:barbican/policy-in-code");
        assertThat(detailed.attributes().get("tags")).isEqualTo(List.of("policy", "low-hanging-fruit"));
        assertThat(detailed.attributes().get("milestone")).isNull();
        assertThat(detailed.milestone()).isEqualTo("liberty-1");
        Item again = BugItems.merge(detailed, List.of(BugItems.task(bug)), "barbican", "b");
        assertThat(again.contentHash()).isEqualTo(detailed.contentHash());
        assertThat(again.text()).contains("Closes-Bug");
    }

    @Test
    void brokenTruncatedAndWrongShapePagesAreClearErrors() {
        assertThatThrownBy(() -> CollectionPage.parse("{\"entries\": [{\"bug_link\": \"x\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CollectionPage.parse("<html>Launchpad is down</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CollectionPage.parse("{\"total_size\": 3}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("no 'entries'");
        assertThatThrownBy(() -> CollectionPage.parse(new byte[0]))
                .isInstanceOf(LaunchpadFormatException.class);
        assertThatThrownBy(() -> CollectionPage.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> CollectionPage.parse("{\"entries\": [], \"next_collection_link\": \"http://a b\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("next_collection_link");
    }

    @Test
    void misEncodedTextIsReadWithReplacementCharactersNotACrash() throws Exception {
        byte[] latin1 = "{\"entries\": [{\"bug_link\": \"https://api.launchpad.net/devel/bugs/7\", \"bug_target_name\": \"nova\", \"title\": \"Bug #7 in Nova: \\\"caf\u00e9 \u00e9chou\u00e9\\\"\"}]}"
                .getBytes(StandardCharsets.ISO_8859_1);
        CollectionPage page = CollectionPage.parse(latin1);
        BugItems.Task t = BugItems.task(page.entries().get(0));
        assertThat(t.bug()).isEqualTo(7);
        assertThat(t.title()).contains("caf");
    }

    @Test
    void entriesWithMissingFieldsAreRejectedOrReadWithWhatTheyHave() throws Exception {
        assertThatThrownBy(() -> BugItems.task(FakeLaunchpad.JSON.readTree("{\"title\": \"no links\"}")))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("without a bug number");
        assertThatThrownBy(() -> BugItems.task(FakeLaunchpad.JSON.readTree("\"text\"")))
                .isInstanceOf(LaunchpadFormatException.class);
        BugItems.Task bare = BugItems.task(FakeLaunchpad.JSON.readTree(
                "{\"self_link\": \"https://api.launchpad.net/devel/nova/+bug/42\", \"status\": 17, \"date_created\": \"yesterday\"}"));
        Item item = BugItems.merge(null, List.of(bare), "nova", "s");
        assertThat(item.id()).isEqualTo("bug:42");
        assertThat(item.statusRaw()).isEqualTo("17");
        assertThat(item.status()).isNull();
        assertThat(item.created()).isNull();
        assertThat(item.url()).isEqualTo("https://bugs.launchpad.net/bugs/42");
        assertThatThrownBy(() -> BlueprintItems.read(FakeLaunchpad.JSON.readTree("{\"title\": \"x\"}"), "nova", "s"))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("without a valid name");
    }

    @Test
    void oversizedFieldsAreBounded() throws Exception {
        String huge = "x".repeat(500_000);
        ObjectNode e = FakeLaunchpad.JSON.createObjectNode();
        e.put("bug_link", "https://api.launchpad.net/devel/bugs/9");
        e.put("bug_target_name", "nova");
        e.put("title", huge);
        Item item = BugItems.merge(null, List.of(BugItems.task(e)), "nova", "s");
        assertThat(item.title()).hasSize(LaunchpadJson.MAX_FIELD);
        BugItems.Detail d = BugItems.detail(("{\"id\": 9, \"description\": \"" + huge + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(BugItems.applyDetail(item, d).text()).hasSize(Item.MAX_TEXT_CHARS);
        assertThatThrownBy(() -> BugItems.detail("{\"id\": 9, \"descr".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void realBlueprintFieldsBecomeABlueprintItemWithSpecReference() throws Exception {
        ObjectNode e = (ObjectNode) fixture("specification-entry-fragment-solum-api.json");
        e.remove("_provenance");
        Item bp = BlueprintItems.read(e, "solum", "solum-bps").item();
        assertThat(bp.id()).isEqualTo("bp:solum/api");
        assertThat(bp.title()).isEqualTo("Solum API");
        assertThat(bp.statusRaw()).isEqualTo("Approved / - / Complete");
        assertThat(bp.status()).isEqualTo("fixed");
        assertThat(bp.milestone()).isEqualTo("milestone-1");
        assertThat(bp.attributes()).containsEntry("priority", "Essential").containsEntry("assignee", "aotto")
                .containsEntry("specificationUrl", "https://wiki.openstack.org/wiki/Solum/API");
        assertThat(bp.refs()).as("a wiki page is not a spec item").isEmpty();

        e.put("specification_url", "https://specs.openstack.org/openstack/nova-specs/specs/2023.1/approved/assisted-volume-extend.html");
        e.put("target_link", "https://api.launchpad.net/devel/nova");
        e.put("name", "assisted-volume-extend");
        e.put("whiteboard", "Gerrit topic: bp/assisted-volume-extend. Also fixes bug #1989071");
        Item nova = BlueprintItems.read(e, "solum", "s").item();
        assertThat(nova.id()).isEqualTo("bp:nova/assisted-volume-extend");
        assertThat(nova.refs()).extracting(Ref::target, Ref::relation).containsExactly(
                org.assertj.core.groups.Tuple.tuple("spec:nova/assisted-volume-extend", "specification"),
                org.assertj.core.groups.Tuple.tuple("bug:1989071", "cites"));
        Item linked = BlueprintItems.withLinkedBugs(nova, List.of(1989071L, 2000001L));
        assertThat(linked.refs()).extracting(Ref::target, Ref::relation).containsExactly(
                org.assertj.core.groups.Tuple.tuple("spec:nova/assisted-volume-extend", "specification"),
                org.assertj.core.groups.Tuple.tuple("bug:1989071", "linked"),
                org.assertj.core.groups.Tuple.tuple("bug:2000001", "linked"));
        Item reread = BlueprintItems.keepLinkedBugs(BlueprintItems.read(e, "solum", "s").item(), linked);
        assertThat(reread.contentHash()).isEqualTo(linked.contentHash());
        assertThat(BlueprintItems.withLinkedBugs(linked, List.of()).attributes()).doesNotContainKey("linkedBugs");
    }

    @Test
    void statusesNormalise() {
        assertThat(LaunchpadStatus.bug("New")).isEqualTo("open");
        assertThat(LaunchpadStatus.bug("In Progress")).isEqualTo("in-progress");
        assertThat(LaunchpadStatus.bug("Fix Committed")).isEqualTo("fixed");
        assertThat(LaunchpadStatus.bug("Won't Fix")).isEqualTo("closed");
        assertThat(LaunchpadStatus.bug("Something New")).isNull();
        assertThat(LaunchpadStatus.blueprint("Drafting", "Unknown", "Not started")).isEqualTo("open");
        assertThat(LaunchpadStatus.blueprint("Approved", "Good progress", "Started")).isEqualTo("in-progress");
        assertThat(LaunchpadStatus.blueprint("Approved", "Implemented", "Complete")).isEqualTo("fixed");
        assertThat(LaunchpadStatus.blueprint("Obsolete", "Unknown", "Not started")).isEqualTo("closed");
    }

    @Test
    void blueprintEntriesThatAreOversizedMisEncodedOrIncompleteAreBoundedOrRejected() throws Exception {
        ObjectNode e = FakeLaunchpad.JSON.createObjectNode();
        e.put("name", "huge-whiteboard");
        e.put("whiteboard", "w".repeat(300_000));
        e.put("title", "t".repeat(10_000));
        Item bp = BlueprintItems.read(e, "nova", "s").item();
        assertThat(bp.id()).as("project from the source when target_link is missing").isEqualTo("bp:nova/huge-whiteboard");
        assertThat(bp.title()).hasSize(LaunchpadJson.MAX_FIELD);
        assertThat(bp.text()).hasSize(Item.MAX_TEXT_CHARS);
        assertThat((String) bp.attributes().get("whiteboard")).hasSize(LaunchpadJson.MAX_FIELD);
        assertThat(bp.status()).isNull();
        assertThat(bp.statusRaw()).isNull();

        byte[] latin1 = "{\"entries\": [{\"name\": \"caf\u00e9-api\", \"title\": \"Caf\u00e9\"}, {\"name\": \"cafe-api\", \"title\": \"Caf\u00e9\"}]}"
                .getBytes(StandardCharsets.ISO_8859_1);
        CollectionPage page = CollectionPage.parse(latin1);
        assertThatThrownBy(() -> BlueprintItems.read(page.entries().get(0), "nova", "s"))
                .isInstanceOf(LaunchpadFormatException.class).hasMessageContaining("without a valid name");
        assertThat(BlueprintItems.read(page.entries().get(1), "nova", "s").item().title()).startsWith("Caf");
        assertThatThrownBy(() -> BlueprintItems.read(FakeLaunchpad.JSON.readTree("{\"name\": \"../../etc\"}"), "nova", "s"))
                .isInstanceOf(LaunchpadFormatException.class);
    }
}
