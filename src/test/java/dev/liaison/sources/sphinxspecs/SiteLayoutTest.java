package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which URLs are spec pages and release indexes, and what a release index links to. */
class SiteLayoutTest {

    static final String ROOT = "https://specs.openstack.org/openstack/nova-specs/";
    static final SiteLayout LAYOUT = new SiteLayout(URI.create(ROOT), "nova");

    static Optional<SiteLayout.SpecLocation> spec(String url) {
        return LAYOUT.spec(URI.create(url));
    }

    @Test
    void specPagesAndTheirIds() {
        assertThat(spec(ROOT + "specs/liberty/implemented/online-schema-changes.html")).hasValueSatisfying(l -> {
            assertThat(l).isEqualTo(new SiteLayout.SpecLocation("liberty", "implemented", "online-schema-changes"));
            assertThat(l.id("nova")).isEqualTo("spec:nova/online-schema-changes");
        });
        assertThat(spec(ROOT + "specs/2024.1/approved/x.html")).contains(new SiteLayout.SpecLocation("2024.1", "approved", "x"));
        assertThat(spec(ROOT + "specs/backlog/approved/robustify-compute-hostnames.html"))
                .contains(new SiteLayout.SpecLocation("backlog", "backlog", "robustify-compute-hostnames"));
        assertThat(spec(ROOT + "specs/abandoned/flavor-class.html"))
                .contains(new SiteLayout.SpecLocation("abandoned", "abandoned", "flavor-class"));
    }

    @Test
    void everyPublishedLayoutGivesReleaseStateAndDeliverable() {
        record Case(String path, SiteLayout.SpecLocation expected) {}
        for (Case c : List.of(
                new Case("specs/2024.1/quota-system.html", new SiteLayout.SpecLocation("2024.1", "approved", "quota-system")),
                new Case("specs/zed/image-encryption.html", new SiteLayout.SpecLocation("zed", "approved", "image-encryption")),
                new Case("specs/untargeted/rbd-snapshot-mirroring.html",
                        new SiteLayout.SpecLocation(null, "approved", "rbd-snapshot-mirroring")),
                new Case("specs/keystone/2024.1/domain-manager-persona.html",
                        new SiteLayout.SpecLocation("2024.1", "approved", "domain-manager-persona", "keystone")),
                new Case("specs/keystonemiddleware/juno/service-tokens.html",
                        new SiteLayout.SpecLocation("juno", "approved", "service-tokens", "keystonemiddleware")),
                new Case("specs/2026.1/approved/glance_store/rbd-erasure-coded-pools.html",
                        new SiteLayout.SpecLocation("2026.1", "approved", "rbd-erasure-coded-pools", "glance_store")),
                new Case("specs/ocata/implemented/glance/x.html", new SiteLayout.SpecLocation("ocata", "implemented", "x", "glance")),
                new Case("specs/backlog/pike/diagnostics.html", new SiteLayout.SpecLocation("pike", "backlog", "diagnostics")),
                new Case("specs/archive/kilo/x.html", new SiteLayout.SpecLocation("kilo", "abandoned", "x")),
                new Case("specs/not-implemented/async-metrics.html", new SiteLayout.SpecLocation(null, "approved", "async-metrics")),
                new Case("specs/29.0/oci-url.html", new SiteLayout.SpecLocation("29.0", "approved", "oci-url")),
                new Case("specs/juno-implemented/ipxe-boot.html", new SiteLayout.SpecLocation("juno", "implemented", "ipxe-boot")),
                new Case("specs/retired/x.html", new SiteLayout.SpecLocation("abandoned", "abandoned", "x")),
                new Case("specs/approved/x.html", new SiteLayout.SpecLocation(null, "approved", "x")),
                new Case("specs/stadium/ocata/networking-odl.html",
                        new SiteLayout.SpecLocation("ocata", "approved", "networking-odl", "stadium")),
                new Case("proposals/2024.1/x.html", new SiteLayout.SpecLocation("2024.1", "approved", "x", "proposals")))) {
            assertThat(SiteLayout.specPath(c.path())).as(c.path()).contains(c.expected());
        }
        assertThat(SiteLayout.specPath("proposals/x.html")).as("outside specs/ without a release or state folder").isEmpty();
        assertThat(SiteLayout.releaseOrder("2024.1")).isGreaterThan(SiteLayout.releaseOrder("zed"));
        assertThat(SiteLayout.releaseOrder("zed")).isGreaterThan(SiteLayout.releaseOrder("kilo"));
        assertThat(SiteLayout.releaseOrder("2024.2")).isGreaterThan(SiteLayout.releaseOrder("2024.1"));
        assertThat(SiteLayout.releaseOrder("kilo")).isGreaterThan(SiteLayout.releaseOrder(null));
    }

    @Test
    void anIndexHeadingGivesStateAndSeriesWhereThePathSaysNothing() {
        SiteLayout.SpecLocation version = SiteLayout.specPath("specs/29.0/oci-url.html").orElseThrow();
        assertThat(version.refine(new IndexPageParser.Hint("implemented", "2025.1"), false))
                .isEqualTo(new SiteLayout.SpecLocation("2025.1", "implemented", "oci-url"));
        SiteLayout.SpecLocation named = SiteLayout.specPath("specs/kilo/approved/x.html").orElseThrow();
        assertThat(named.refine(new IndexPageParser.Hint("implemented", "2025.1"), true)).as("the path names both").isEqualTo(named);
        SiteLayout.SpecLocation untargeted = SiteLayout.specPath("specs/untargeted/x.html").orElseThrow();
        assertThat(untargeted.refine(new IndexPageParser.Hint(null, "2026.1"), true)).as("no release is made up").isEqualTo(untargeted);
        assertThat(IndexPageParser.stateIn("implemented specifications")).isEqualTo("implemented");
        assertThat(IndexPageParser.stateIn("approved specifications (not implemented)")).isEqualTo("approved");
        assertThat(IndexPageParser.stateIn("back-log of ideas")).isEqualTo("backlog");
        assertThat(IndexPageParser.seriesIn("2025.1 (epoxy)")).isEqualTo("2025.1");
        assertThat(IndexPageParser.seriesIn("xena")).isEqualTo("xena");
        assertThat(IndexPageParser.seriesIn("29.0")).isNull();
    }

    @Test
    void theStateIsNotPartOfTheId() {
        assertThat(spec(ROOT + "specs/kilo/approved/a.html").orElseThrow().id("nova"))
                .isEqualTo(spec(ROOT + "specs/kilo/implemented/a.html").orElseThrow().id("nova"));
        assertThat(spec(ROOT + "specs/kilo/implemented/a.html").orElseThrow().rank())
                .isGreaterThan(spec(ROOT + "specs/kilo/approved/a.html").orElseThrow().rank());
    }

    @Test
    void templatesIndexesOtherSitesAndTraversalAreNotSpecs() {
        assertThat(spec(ROOT + "specs/kilo/template.html")).isEmpty();
        assertThat(spec(ROOT + "specs/2026.2/approved/2026.2-template.html")).isEmpty();
        assertThat(spec(ROOT + "specs/kilo/index.html")).isEmpty();
        assertThat(spec(ROOT + "specs/abandoned/index.html")).isEmpty();
        assertThat(spec(ROOT + "specs/juno/add-ironic-driver.html")).as("old layout (a stub on nova's site): read, and the stub followed")
                .contains(new SiteLayout.SpecLocation("juno", "approved", "add-ironic-driver"));
        assertThat(spec(ROOT + "specs/README.html")).isEmpty();
        assertThat(spec(ROOT + "specs/keystone/backlog/README.html")).isEmpty();
        assertThat(spec(ROOT + "specs/template.html")).isEmpty();
        assertThat(spec(ROOT + "specs/search.html")).isEmpty();
        assertThat(spec(ROOT + "priorities/2025-1-workitems.html")).as("a priorities page, outside specs/").isEmpty();
        assertThat(spec(ROOT + "previous-priorities.html")).isEmpty();
        assertThat(spec(ROOT + "specs/_images/x.html")).isEmpty();
        assertThat(spec("https://specs.openstack.org/openstack/neutron-specs/specs/kilo/approved/a.html")).isEmpty();
        assertThat(spec("https://evil.example/openstack/nova-specs/specs/kilo/approved/a.html")).isEmpty();
        assertThat(spec("http://specs.openstack.org/openstack/nova-specs/specs/kilo/approved/a.html")).as("other scheme").isEmpty();
        assertThat(spec(ROOT + "specs/kilo/approved/../../../../etc/passwd.html")).isEmpty();
        assertThat(LAYOUT.isIndex(URI.create(ROOT + "specs/kilo/index.html"))).isTrue();
        assertThat(LAYOUT.isIndex(URI.create(ROOT + "specs/kilo/"))).isTrue();
        assertThat(LAYOUT.isIndex(URI.create(ROOT + "priorities/kilo-priorities.html"))).isFalse();
    }

    @Test
    void aReleaseIndexGivesItsSpecPagesInBothThemes() throws IOException {
        for (String theme : new String[] {"openstackdocstheme-1.20", "sphinx5.3-alabaster"}) {
            byte[] body = SpecPageParserTest.sample(theme, "specs/liberty/index.html");
            IndexPageParser.Links links = IndexPageParser.parse(body, Optional.empty(), URI.create(ROOT + "specs/liberty/index.html"), LAYOUT);
            assertThat(links.specs()).as(theme)
                    .contains(URI.create(ROOT + "specs/liberty/implemented/online-schema-changes.html"),
                            URI.create(ROOT + "specs/liberty/approved/wrap-neutronclient.html"))
                    .noneMatch(u -> u.getPath().endsWith("template.html"))
                    .allMatch(u -> LAYOUT.spec(u).isPresent());
            assertThat(links.specs()).as(theme).hasSizeGreaterThan(60).doesNotHaveDuplicates();
        }
    }

    @Test
    void aRealIndexTruncatedMisEncodedOrOversizedGivesWhatItHoldsWithItsHints() throws IOException {
        URI root = URI.create("http://127.0.0.1/openstack/ironic-specs/");
        SiteLayout ironic = new SiteLayout(root, "ironic");
        byte[] whole = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
                "src/test/resources/fixtures/sphinx-specs/layouts/ironic/index.html"));
        IndexPageParser.Links all = IndexPageParser.parse(whole, Optional.empty(), root, ironic);
        assertThat(all.specHints()).containsEntry(root.resolve("specs/29.0/oci-url.html"), new IndexPageParser.Hint("implemented", "2025.1"))
                .containsEntry(root.resolve("specs/not-implemented/async-metrics.html"), new IndexPageParser.Hint("approved", null))
                .hasSize(5);
        // Cut in the middle: the links before the cut, with their hints.
        String text = new String(whole, StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.indexOf("specs/29.0/oci-url.html") + 10).getBytes(StandardCharsets.UTF_8);
        assertThat(IndexPageParser.parse(cut, Optional.empty(), root, ironic).specHints())
                .containsEntry(root.resolve("specs/29.0/bootable-container.html"), new IndexPageParser.Hint("implemented", "2025.1"))
                .doesNotContainKey(root.resolve("specs/juno-implemented/ipxe-boot.html"));
        // Latin-1 bytes where UTF-8 is expected, and a page padded far beyond any real index.
        byte[] latin = text.replace("Back-log of ideas", "Back-log of idées").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(IndexPageParser.parse(latin, Optional.empty(), root, ironic).specs()).hasSize(5);
        byte[] huge = text.replace("</body>", "<p>" + "x ".repeat(2_000_000) + "</p></body>").getBytes(StandardCharsets.UTF_8);
        assertThat(IndexPageParser.parse(huge, Optional.empty(), root, ironic).specs()).hasSize(5);
    }

    @Test
    void aBrokenIndexGivesWhatLinksItHas() {
        byte[] broken = "<html><body><a href=\"specs/kilo/index.html\">kilo</a><a href=\"specs/kilo/approved/x.html\">x</a><a href=\"http://[bad"
                .getBytes(StandardCharsets.UTF_8);
        IndexPageParser.Links links = IndexPageParser.parse(broken, Optional.empty(), URI.create(ROOT), LAYOUT);
        assertThat(links.indexes()).containsExactly(URI.create(ROOT + "specs/kilo/index.html"));
        assertThat(links.specs()).containsExactly(URI.create(ROOT + "specs/kilo/approved/x.html"));
    }
}
