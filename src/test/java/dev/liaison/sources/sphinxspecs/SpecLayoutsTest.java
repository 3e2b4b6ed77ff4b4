package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.testkit.LiaisonHome;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every spec layout the OpenStack {@code *-specs} repositories publish, as real built pages
 * (fixtures/sphinx-specs/layouts, see its README), each served over loopback as its own site and
 * polled through the sphinx-specs kind: every spec found with its release, state, title,
 * blueprint(s) and project; templates, READMEs and priorities pages never stored. And a site
 * whose layout nobody foresaw: the daemon records a zero-yield error every view shows, and stays up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpecLayoutsTest {

    static final List<String> LAYOUTS = List.of("cinder", "keystone", "glance", "neutron", "heat", "ironic");

    @TempDir static Path dir;
    final Map<String, StaticSite> sites = new LinkedHashMap<>();
    final Map<String, LiaisonHome.Run> runs = new LinkedHashMap<>();
    final Map<String, Map<String, Item>> specs = new LinkedHashMap<>();
    LiaisonHome home;

    @BeforeAll
    void pollEverySite() throws Exception {
        StringBuilder yaml = new StringBuilder("sources:\n");
        for (String layout : LAYOUTS) {
            StaticSite site = new StaticSite(copy("/fixtures/sphinx-specs/layouts/" + layout, dir.resolve(layout)),
                    "/openstack/" + layout + "-specs/");
            sites.put(layout, site);
            // The project comes from the URL (<project>-specs/) here; keystone's deliverable folders must not change it.
            yaml.append("  - id: ").append(layout).append("-specs\n    kind: sphinx-specs\n    url: ").append(site.root())
                    .append("\n    schedule: 6h\n");
        }
        home = new LiaisonHome(dir.resolve("home")).sources(yaml.toString());
        for (String layout : LAYOUTS) {
            runs.put(layout, home.cli("poll", layout + "-specs", "--once"));
        }
        try (LiaisonRuntime runtime = home.open()) {
            for (String layout : LAYOUTS) {
                specs.put(layout, runtime.store().items().list("spec", layout + "-specs", 1000).stream()
                        .collect(Collectors.toMap(i -> (String) i.attributes().get("name"), i -> i)));
            }
        }
    }

    @AfterAll
    void stop() {
        sites.values().forEach(StaticSite::close);
    }

    static Path copy(String resource, Path into) throws IOException, URISyntaxException {
        Path from = Path.of(SpecLayoutsTest.class.getResource(resource).toURI());
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path to = into.resolve(from.relativize(p).toString());
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
        return into;
    }

    /** One expected spec: name, release (null: none), state, title, blueprints, deliverable folder. */
    record Expected(String name, String release, String state, String title, List<String> blueprints, String deliverable) {}

    void assertSpecs(String layout, Expected... expected) {
        LiaisonHome.Run run = runs.get(layout);
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).as(layout).contains("items new=" + expected.length + " ").contains("errors=0");
        Map<String, Item> found = specs.get(layout);
        assertThat(found.keySet()).as(layout).containsExactlyInAnyOrder(
                Stream.of(expected).map(Expected::name).toArray(String[]::new));
        for (Expected e : expected) {
            Item item = found.get(e.name());
            assertThat(item.project()).as(e.name()).isEqualTo(layout);
            assertThat(item.release()).as(e.name()).isEqualTo(e.release());
            assertThat(item.status()).as(e.name()).isEqualTo(e.state());
            assertThat(item.title()).as(e.name()).isEqualTo(e.title());
            assertThat(item.attributes().get("blueprints")).as(e.name()).isEqualTo(e.blueprints());
            assertThat(item.attributes().get("deliverable")).as(e.name()).isEqualTo(e.deliverable());
            assertThat(item.url()).as(e.name()).startsWith(sites.get(layout).root() + "specs/").endsWith("/" + e.name() + ".html");
            assertThat(item.text()).as(e.name()).contains(e.title()).hasSizeGreaterThan(300);
        }
    }

    @Test
    void cinderReleaseFoldersOnTheRootPageAndUntargetedSpecs() {
        assertSpecs("cinder",
                new Expected("quota-system", "2024.1", "approved", "New Quota System",
                        List.of("bp:cinder/count-resource-to-check-quota"), null),
                new Expected("add-capacity-factors-to-get-pools", "zed", "approved",
                        "Add Capacity Factors to scheduler get pools API", List.of("bp:cinder/add-capacity-factors-to-pool"), null),
                new Expected("image-encryption", "zed", "approved", "Image Encryption and Decryption", List.of(), null),
                new Expected("rbd-snapshot-mirroring", null, "approved", "rbd: Add snapshot mirroring support",
                        List.of("bp:cinder/rbd-snapshot-mirroring"), null));
    }

    @Test
    void keystoneDeliverableFoldersKeepTheSitesProjectAndImplementedComesFromTheIndexHeading() {
        assertSpecs("keystone",
                new Expected("domain-manager-persona", "2024.1", "approved",
                        "Domain Manager Persona for domain-scoped self-service administration", List.of(), "keystone"),
                new Expected("alembic", "backlog", "backlog", "Alembic Migrations", List.of("bp:keystone/alembic"), "keystone"),
                // Listed under "Implemented Identity Program Specifications"; the blueprint is keystonemiddleware's own.
                new Expected("service-tokens", "juno", "implemented", "Service Token Composite Authorization",
                        List.of("bp:keystonemiddleware/service-tokens"), "keystonemiddleware"));
        assertThat(specs.get("keystone")).as("the template and the backlog README are no specs")
                .doesNotContainKeys("template", "README");
    }

    @Test
    void glanceReleaseStateAndDeliverableFoldersFoundThroughNestedIndexes() {
        assertSpecs("glance",
                new Expected("download-from-suggested-stores", "2026.1", "approved", "Download Image from Suggested Stores",
                        List.of("bp:glance/download-from-specific-store"), "glance"),
                new Expected("rbd-erasure-coded-pools", "2026.1", "approved", "RBD Erasure-Coded Pools Support",
                        List.of("bp:glance/rbd-erasure-coded-pools"), "glance_store"),
                new Expected("add-bash-completion", "juno", "approved", "Add bash completion for command line",
                        List.of("bp:python-glanceclient/add-bash-completion"), null),
                new Expected("deprecate-v3-api", "mitaka", "implemented", "Deprecate Glance v3 API",
                        List.of("bp:glance/move-v3-to-glare"), null),
                new Expected("no-schema-validation", null, "approved", "Spec Lite: Switch to Turn Off Schema Validation",
                        List.of("bp:python-glanceclient/no-schema-validation"), "python-glanceclient"));
    }

    @Test
    void neutronReleaseIndexesAndReleaseFoldersInsideTheBacklog() {
        assertSpecs("neutron",
                new Expected("active-active-l3-gateway-with-multihoming", "2024.1", "approved",
                        "Active-active L3 Gateway with Multihoming", List.of(), null),
                new Expected("diagnostics", "pike", "backlog", "Neutron Resource Diagnostics", List.of(), null),
                new Expected("add-ipset-to-security", "juno", "approved", "Add ipset to security group",
                        List.of("bp:neutron/add-ipset-to-security"), null));
    }

    @Test
    void heatReleaseAndBacklogFoldersOnTheRootPage() {
        assertSpecs("heat",
                new Expected("barbican-as-secret-backend", "kilo", "approved", "Using Barbican as secret backend",
                        List.of("bp:heat/barbican-as-secret-backend"), null),
                new Expected("cinder-volume-type", "kilo", "approved", "support cinder volume type manage",
                        List.of("bp:heat/cinder-volume-type"), null),
                new Expected("lock-stack", "backlog", "backlog", "Add lock and unlock stack actions",
                        List.of("bp:heat/lock-stack"), null));
    }

    @Test
    void ironicStateFoldersWithoutReleaseAndVersionFoldersUnderASeriesHeading() {
        assertSpecs("ironic",
                // specs/29.0/ listed under "Implemented specifications" > "2025.1 (Epoxy)" > "29.0".
                new Expected("bootable-container", "2025.1", "implemented", "Deployment of Bootable Containers (bootc)",
                        List.of(), null),
                new Expected("oci-url", "2025.1", "implemented", "OCI (Container Registry) URL Support", List.of(), null),
                new Expected("async-metrics", null, "approved", "Collect sensor data asynchronously", List.of(), null),
                new Expected("obtaining-steps", "backlog", "backlog", "Obtaining Steps", List.of(), null),
                new Expected("ipxe-boot", "juno", "implemented", "iPXE boot", List.of("bp:ironic/ipxe-boot"), null));
    }

    @Test
    void aSecondPollOfTheUnchangedSitesIsAllConditionalAndWritesNothing() {
        for (String layout : LAYOUTS) {
            sites.get(layout).resetCounts();
            LiaisonHome.Run again = home.cli("poll", layout + "-specs", "--once");
            assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).as(layout).contains("items new=0 changed=0 unchanged=0").contains("errors=0 events=0");
            assertThat(sites.get(layout).notModified()).as(layout).isEqualTo(sites.get(layout).requests());
        }
    }

    /**
     * A site whose indexes list pages in folders no known layout has (here: neutron's pages moved
     * to proposals/): the scheduled route's poll fails with the reason, status, /health, /sources and
     * the source.unhealthy event (what the digest's failing-sources section reads) show it, and the
     * daemon keeps running and serving.
     */
    @Test
    void anUnknownLayoutIsAZeroYieldErrorEveryViewShowsAndTheDaemonStaysUp(@TempDir Path other) throws Exception {
        Path site = other.resolve("site");
        Files.createDirectories(site.resolve("proposals"));
        List<String> names = new ArrayList<>();
        StringBuilder index = new StringBuilder("<html><body><div class=\"docs-body\"><section id=\"s\"><h1>Proposals</h1>"
                + "<div class=\"toctree-wrapper compound\"><ul>");
        Path specsDir = Path.of(getClass().getResource("/fixtures/sphinx-specs/layouts/neutron/specs").toURI());
        try (Stream<Path> files = Files.walk(specsDir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".html") && !f.getFileName().toString().equals("index.html")).toList()) {
                String name = p.getFileName().toString();
                Files.copy(p, site.resolve("proposals").resolve(name));
                names.add(name);
                index.append("<li class=\"toctree-l1\"><a class=\"reference internal\" href=\"proposals/").append(name)
                        .append("\">").append(name).append("</a></li>");
            }
        }
        Files.writeString(site.resolve("index.html"), index.append("</ul></div></section></div></body></html>"));
        try (StaticSite server = new StaticSite(site, "/openstack/mystery-specs/")) {
            LiaisonHome h = new LiaisonHome(other.resolve("home"))
                    .properties("liaison.poll.failure-alert-after=1\n")
                    .sources("""
                            sources:
                              - id: mystery-specs
                                kind: sphinx-specs
                                url: %s
                                schedule: 1h
                            """.formatted(server.root()));
            String reason = "index lists " + names.size() + " pages; none matched a known spec layout";
            try (LiaisonRuntime runtime = h.open(); Daemon daemon = new Daemon(runtime)) {
                daemon.start();
                NotifyBuilder polled = new NotifyBuilder(daemon.camelContext()).fromRoute("mystery-specs").whenDone(1).create();
                assertThat(polled.matches(30, TimeUnit.SECONDS)).as("the scheduled poll ran").isTrue();
                assertThat(runtime.store().items().count()).isZero();
                assertThat(runtime.store().sourceState().health("mystery-specs").orElseThrow().lastErrorMessage()).contains(reason);

                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + h.httpPort();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).contains(reason);
                JsonNode source = new ObjectMapper().readTree(health.body()).get("sources").get(0);
                assertThat(source.get("id").asText()).isEqualTo("mystery-specs");
                assertThat(source.get("status").asText()).as(health.body()).isNotEqualTo("UP");
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/sources"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains(reason);
                assertThat(runtime.store().events().since(Instant.EPOCH, Event.SOURCE_UNHEALTHY, 10)).singleElement()
                        .satisfies(e -> assertThat(String.valueOf(e.data().get("error"))).contains(reason));
                assertThat(daemon.camelContext().getRoute("mystery-specs")).as("the route is still there").isNotNull();
                assertThat(daemon.camelContext().getStatus().isStarted()).as("the daemon is still up").isTrue();
            }
            LiaisonHome.Run status = h.cli("status");
            assertThat(status.out()).contains("mystery-specs").contains(reason);
        }
    }
}
