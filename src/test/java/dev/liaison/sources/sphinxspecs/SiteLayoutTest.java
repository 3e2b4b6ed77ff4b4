package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
            assertThat(l.id("nova")).isEqualTo("spec:nova/liberty/online-schema-changes");
        });
        assertThat(spec(ROOT + "specs/2024.1/approved/x.html")).contains(new SiteLayout.SpecLocation("2024.1", "approved", "x"));
        assertThat(spec(ROOT + "specs/backlog/approved/robustify-compute-hostnames.html"))
                .contains(new SiteLayout.SpecLocation("backlog", "backlog", "robustify-compute-hostnames"));
        assertThat(spec(ROOT + "specs/abandoned/flavor-class.html"))
                .contains(new SiteLayout.SpecLocation("abandoned", "abandoned", "flavor-class"));
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
        assertThat(spec(ROOT + "specs/juno/add-ironic-driver.html")).as("old layout: a stub, not a spec page").isEmpty();
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
    void aBrokenIndexGivesWhatLinksItHas() {
        byte[] broken = "<html><body><a href=\"specs/kilo/index.html\">kilo</a><a href=\"specs/kilo/approved/x.html\">x</a><a href=\"http://[bad"
                .getBytes(StandardCharsets.UTF_8);
        IndexPageParser.Links links = IndexPageParser.parse(broken, Optional.empty(), URI.create(ROOT), LAYOUT);
        assertThat(links.indexes()).containsExactly(URI.create(ROOT + "specs/kilo/index.html"));
        assertThat(links.specs()).containsExactly(URI.create(ROOT + "specs/kilo/approved/x.html"));
    }
}
