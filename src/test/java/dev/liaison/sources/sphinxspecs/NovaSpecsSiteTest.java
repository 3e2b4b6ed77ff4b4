package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.testkit.LiaisonHome;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole real nova-specs site (1,369 spec pages, 500 of them redirect stubs) served over
 * loopback and crawled by {@code liaison poll nova-specs --once}; every spec of
 * nova-specs-index.json must be found with its release, state, title and blueprint; a second
 * crawl of the unchanged site is all 304s and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NovaSpecsSiteTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "items new=(\\d+) changed=(\\d+) unchanged=(\\d+) requests=(\\d+) not-modified=(\\d+) errors=(\\d+) events=(\\d+)");

    /** Specs on the site: 564 in the index, 4 abandoned ones it leaves out. */
    static final int SPECS = 568;

    @TempDir static Path dir;
    StaticSite site;
    LiaisonHome home;
    LiaisonHome.Run first;
    LiaisonHome.Run second;
    int secondRequests;
    int secondNotModified;

    @BeforeAll
    void crawlTwice() throws Exception {
        StaticSite.untar("/fixtures/sphinx-specs/nova-specs-site-html.tar.gz", dir.resolve("site"));
        site = new StaticSite(dir.resolve("site"), "/openstack/nova-specs/");
        home = new LiaisonHome(dir.resolve("home"))
                .properties("liaison.fetch.per-host-concurrency=8\n")
                .sources("""
                        sources:
                          - id: nova-specs
                            kind: sphinx-specs
                            url: %s
                            schedule: 6h
                            project: nova
                        """.formatted(site.root()));
        first = home.cli("poll", "nova-specs", "--once");
        site.resetCounts();
        second = home.cli("poll", "nova-specs", "--once");
        secondRequests = site.requests();
        secondNotModified = site.notModified();
    }

    @AfterAll
    void stop() {
        site.close();
    }

    private static long[] counts(String out) {
        Matcher m = SUMMARY.matcher(out);
        assertThat(m.find()).as("summary line in: " + out).isTrue();
        long[] c = new long[7];
        for (int i = 0; i < 7; i++) {
            c[i] = Long.parseLong(m.group(i + 1));
        }
        return c;
    }

    @Test
    void firstCrawlStoresEverySpecOnceAndNoTemplate() {
        assertThat(first.exitCode()).as(first.err()).isZero();
        long[] c = counts(first.out());
        // 564 specs of the index (809 files: one per release a spec was proposed for) + 4 abandoned
        // specs (not in the index); 2026.2/2027.1 templates are not specs.
        assertThat(c[0]).as("new items").isEqualTo(SPECS);
        assertThat(c[5]).as("errors: " + first.err()).isZero();
        assertThat(c[6]).as("one item.new event per spec").isEqualTo(SPECS);
    }

    @Test
    void everySpecOfTheIndexIsFoundWithReleaseStateTitleAndBlueprint() throws Exception {
        JsonNode index;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/sphinx-specs/nova-specs-index.json")) {
            index = new ObjectMapper().readTree(in).get("specs");
        }
        try (LiaisonRuntime runtime = home.open()) {
            List<Item> items = runtime.store().items().list("spec", "nova-specs", 10_000);
            Map<String, Item> byId = items.stream().collect(Collectors.toMap(Item::id, Function.identity()));
            // 809 spec files, 564 specs: a spec re-proposed for several releases is one item.
            assertThat(index).hasSize(809);
            assertThat(items).hasSize(SPECS);
            Map<String, List<JsonNode>> copies = new java.util.LinkedHashMap<>();
            for (JsonNode spec : index) {
                String path = spec.get("path").asText();
                copies.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1, path.length() - ".rst".length()),
                        k -> new java.util.ArrayList<>()).add(spec);
            }
            assertThat(copies).hasSize(564);
            assertThat(copies.values()).as("nova has specs with 5 copies").anyMatch(l -> l.size() >= 5);
            for (Map.Entry<String, List<JsonNode>> named : copies.entrySet()) {
                String name = named.getKey();
                // The current copy: the latest release, then the later state.
                JsonNode spec = named.getValue().stream().max(java.util.Comparator
                        .comparingDouble((JsonNode j) -> SiteLayout.releaseOrder(j.get("release").asText()))
                        .thenComparingInt(j -> SiteLayout.stateRank(j.get("state").asText()))).orElseThrow();
                String path = spec.get("path").asText();
                String release = spec.get("release").asText();
                Item item = byId.get("spec:nova/" + name);
                assertThat(item).as(path).isNotNull();
                assertThat(item.release()).as(path).isEqualTo(release);
                assertThat(item.attributes().get("releases")).as(path + ": every release it appeared in")
                        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                        .containsAll(named.getValue().stream().map(j -> j.get("release").asText()).distinct().toList());
                assertThat(item.status()).as(path).isEqualTo(release.equals("backlog") ? "backlog" : spec.get("state").asText());
                assertThat(typography(item.title())).as(path).isEqualTo(rendered(spec.get("title").asText()));
                assertThat(item.url()).endsWith(spec.get("published_url").asText().replace("https://specs.openstack.org/openstack/nova-specs/", ""));
                assertThat(item.project()).isEqualTo("nova");
                // The index was read from the RST source: a few of its URLs (in comments or unused
                // link targets) are not on the rendered page, so no reader of the site can see them.
                String html = java.nio.file.Files.readString(dir.resolve("site").resolve(
                        spec.get("published_url").asText().replace("https://specs.openstack.org/openstack/nova-specs/", "")));
                List<String> expected = new java.util.ArrayList<>();
                for (JsonNode u : spec.get("blueprint_urls")) {
                    String url = u.asText();
                    Matcher m = Pattern.compile("launchpad\\.net/([^/]+)/\\+spec/([^/#?\\s]+)").matcher(url);
                    if (m.find() && html.contains("+spec/" + m.group(2).replaceAll("[-._]+$", ""))) {
                        // a URL the spec wrapped across lines ends in '-' in the index: the link ends before it
                        expected.add("bp:" + m.group(1).toLowerCase() + "/" + m.group(2).replaceAll("[-._]+$", ""));
                    }
                }
                List<String> refTargets = item.refs().stream().filter(r -> r.type().equals(Ref.BLUEPRINT)).map(Ref::target).toList();
                // the index cut wrapped URLs short (add-all-in-list-, quobyte-usp-): the page's link is whole
                assertThat(expected).as(path + " blueprint references")
                        .allMatch(e -> refTargets.stream().anyMatch(r -> r.equals(e) || r.startsWith(e + "-")));
                @SuppressWarnings("unchecked")
                List<String> primary = (List<String>) item.attributes().get("blueprints");
                if (expected.isEmpty()) {
                    assertThat(primary).as(path).isEmpty();
                } else {
                    assertThat(primary).as(path + " primary blueprint").isNotEmpty();
                    List<String> cited = expected;
                    assertThat(primary).as(path + " primary blueprint is one the spec cites")
                            .allMatch(p -> cited.stream().anyMatch(e -> p.equals(e) || p.startsWith(e + "-")));
                }
                assertThat(item.attributes().get("name")).isEqualTo(name);
            }
            assertThat(byId).containsKeys("spec:nova/flavor-class", "spec:nova/instance-tasks",
                    "spec:nova/parallel-scheduler", "spec:nova/same-instances-scheduling");
            assertThat(byId.get("spec:nova/flavor-class").status()).isEqualTo("abandoned");
            assertThat(byId.keySet()).noneMatch(id -> id.endsWith("template"));
        }
    }

    /** The index gives titles as written in RST; the page shows them rendered (inline literals unquoted). */
    private static String rendered(String rstTitle) {
        return typography(rstTitle).replace("``", "").replace("`", "").replaceAll("(?<![\\w])\\*([^*]+)\\*(?![\\w])", "$1").replaceAll("\\s+", " ").trim();
    }

    /** Sphinx "smart quotes" and dashes back to the plain characters of the source. */
    private static String typography(String s) {
        return s.replaceAll("[\u201c\u201d\u201e]", "\"").replaceAll("[\u2018\u2019]", "'")
                .replace("\u2013", "--").replace("\u2014", "---").replace("\u2026", "...");
    }

    @Test
    void themeChromeNeverLeaksIntoItemText() throws Exception {
        try (LiaisonRuntime runtime = home.open()) {
            for (Item item : runtime.store().items().list("spec", "nova-specs", 10_000)) {
                assertThat(item.text()).as(item.id())
                        .doesNotContain("¶")
                        .doesNotContain("Except where otherwise noted, this document is licensed")
                        .doesNotContain("found an error? report a bug")
                        .doesNotContain("updated: 2026-")
                        .doesNotContain("var DOCUMENTATION_OPTIONS");
                assertThat(item.text()).as(item.id()).startsWith(item.title());
            }
        }
    }

    @Test
    void sectionsAreKeptAsText() throws Exception {
        try (LiaisonRuntime runtime = home.open()) {
            Item item = runtime.store().items().find("spec:nova/abort-live-migration").orElseThrow();
            assertThat(item.status()).isEqualTo("implemented");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> sections = (List<Map<String, Object>>) item.attributes().get("sections");
            assertThat(sections).extracting(s -> s.get("heading"))
                    .contains("Problem description", "Use Cases", "Proposed change", "Alternatives", "REST API impact");
            Map<String, Object> problem = sections.stream().filter(s -> "problem-description".equals(s.get("anchor"))).findFirst().orElseThrow();
            String problemText = item.text().substring((Integer) problem.get("textStart"), (Integer) problem.get("end"));
            assertThat(problemText).contains("requires intervention at the hypervisor level, which Nova recognises").doesNotContain("Use Cases");
            assertThat(item.text().substring((Integer) problem.get("start"))).startsWith("Problem description\n");
            assertThat(item.attributes().get("blueprints")).isEqualTo(List.of("bp:nova/abort-live-migration"));
        }
    }

    @Test
    void secondCrawlOfTheUnchangedSiteIsAllConditionalAndChangesNothing() throws Exception {
        assertThat(second.exitCode()).as(second.err()).isZero();
        long[] c = counts(second.out());
        assertThat(c[0] + c[1] + c[2]).as("items new + changed + unchanged (none parsed)").isZero();
        assertThat(c[3]).as("requests").isEqualTo(secondRequests).isGreaterThan(800);
        assertThat(c[4]).as("every request answered 304").isEqualTo(c[3]).isEqualTo(secondNotModified);
        assertThat(c[6]).as("events").isZero();
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().events().count(Event.ITEM_NEW)).isEqualTo(SPECS);
            assertThat(runtime.store().events().count()).isEqualTo(SPECS);
        }
    }
}
