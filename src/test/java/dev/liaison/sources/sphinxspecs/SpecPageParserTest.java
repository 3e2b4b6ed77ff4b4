package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The spec page parser on real pages in two themes and both section markups, and on bad input. */
class SpecPageParserTest {

    static final String ROOT = "https://specs.openstack.org/openstack/nova-specs/";
    static final SiteLayout LAYOUT = new SiteLayout(URI.create(ROOT), "nova");
    static final String ABORT = "specs/mitaka/implemented/abort-live-migration.html";

    static byte[] sample(String theme, String path) throws IOException {
        try (InputStream in = SpecPageParserTest.class.getResourceAsStream("/fixtures/sphinx-specs/sample-pages/" + theme + "/" + path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    static SpecPage parse(byte[] body, String path) {
        return parse(body, Optional.empty(), path);
    }

    static SpecPage parse(byte[] body, Optional<Charset> charset, String path) {
        URI url = URI.create(ROOT + path);
        return SpecPageParser.parse(body, charset, url, LAYOUT.spec(url).orElseThrow(), LAYOUT, "nova-specs");
    }

    static Item spec(SpecPage page) {
        assertThat(page).isInstanceOf(SpecPage.Spec.class);
        return ((SpecPage.Spec) page).item();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> sections(Item item) {
        return (List<Map<String, Object>>) item.attributes().get("sections");
    }

    @Test
    void readsASpecPageOfOpenstackdocstheme() throws IOException {
        Item item = spec(parse(sample("openstackdocstheme-1.20", ABORT), ABORT));
        assertThat(item.id()).isEqualTo("spec:nova/abort-live-migration");
        assertThat(item.kind()).isEqualTo("spec");
        assertThat(item.source()).isEqualTo("nova-specs");
        assertThat(item.project()).isEqualTo("nova");
        assertThat(item.release()).isEqualTo("mitaka");
        assertThat(item.status()).isEqualTo("implemented");
        assertThat(item.url()).isEqualTo(ROOT + ABORT);
        assertThat(item.title()).isEqualTo("Provide a way to abort an ongoing live migration");
        assertThat(item.attributes()).containsEntry("name", "abort-live-migration").containsEntry("state", "implemented")
                .containsEntry("blueprints", List.of("bp:nova/abort-live-migration"));
        assertThat(sections(item)).extracting(s -> s.get("heading")).startsWith(
                "Provide a way to abort an ongoing live migration", "Problem description", "Use Cases", "Proposed change");
        assertThat(item.text()).startsWith("Provide a way to abort an ongoing live migration\nBlueprint:")
                .contains("\nProblem description\n")
                .doesNotContain("¶", "updated:", "Report a Bug", "Creative Commons", "Nova Specs documentation");
        assertThat(item.refs()).extracting(Ref::target).contains("bp:nova/abort-live-migration")
                .doesNotContain(item.id());
    }

    @Test
    void referencesAreThoseTheExtractorFindsInTheWholeText() throws IOException {
        for (String path : List.of(ABORT, "specs/liberty/implemented/add-locking-information-in-server-get-response.html")) {
            Item item = spec(parse(sample("openstackdocstheme-1.20", path), path));
            List<String> hrefs = new java.util.ArrayList<>();
            org.jsoup.Jsoup.parse(new String(sample("openstackdocstheme-1.20", path), StandardCharsets.UTF_8), ROOT + path)
                    .select("div.docs-body a[href]").forEach(a -> hrefs.add(a.absUrl("href")));
            List<String> direct = dev.liaison.item.ReferenceExtractor.extract(item.text() + "\n" + String.join("\n", hrefs), "nova")
                    .stream().filter(r -> !r.target().equals(item.id())).map(r -> r.target() + " " + r.relation()).toList();
            assertThat(direct).as(path).isNotEmpty();
            assertThat(item.refs()).extracting(r -> r.target() + " " + r.relation()).as(path).containsExactlyInAnyOrderElementsOf(direct);
        }
        String text = "Intro\nSee bug #1521928 here\nnothing\nCloses-Bug: #42\nhttps://review.opendev.org/c/openstack/nova/+/12345";
        assertThat(SpecPageParser.candidateLines(text)).isEqualTo(
                "See bug #1521928 here\nCloses-Bug: #42\nhttps://review.opendev.org/c/openstack/nova/+/12345\n");
    }

    @Test
    void storyReferencesAreAmongTheItemsRefsSoNoOneExtractsAgain() throws IOException {
        String html = new String(sample("openstackdocstheme-1.20", ABORT), StandardCharsets.UTF_8);
        String cited = html.replaceFirst("(<h2>Problem description)",
                "<p>User-Story: ha-vm-recovery</p><p>This is the user story live-migration-abort of the product WG, see "
                        + "<a href=\"https://opendev.org/openstack/openstack-user-stories/src/branch/master/user-stories/proposed/"
                        + "capacity_management.rst\">capacity management</a> and story/rolling-upgrades.</p>$1");
        assertThat(cited).contains("User-Story: ha-vm-recovery");
        Item item = spec(parse(cited.getBytes(StandardCharsets.UTF_8), ABORT));
        assertThat(item.refs()).filteredOn(r -> r.type().equals(Ref.STORY))
                .extracting(r -> r.target() + " " + r.relation())
                .containsExactlyInAnyOrder("story:ha-vm-recovery declares", "story:live-migration-abort cites",
                        "story:capacity-management cites", "story:rolling-upgrades cites");
        // what a second extraction over the whole text would add: nothing
        List<String> again = dev.liaison.item.ReferenceExtractor.extractStories(item.title() + "\n" + item.text()).stream()
                .map(Ref::target).toList();
        assertThat(item.refs()).extracting(Ref::target).containsAll(again);
        assertThat(SpecPageParser.candidateLines("a\nUser-Story: x-y\nno\nsee STORY/a-b\nopenstack-user-stories/x.rst\n"))
                .isEqualTo("User-Story: x-y\nsee STORY/a-b\nopenstack-user-stories/x.rst\n");
    }

    @Test
    void theContentIsTheMostSpecificThemeElementWhereverItIs() {
        String page = "<html><head><title>t</title></head><body><div class=\"document\"><div class=\"body\">"
                + "<p>sidebar text</p></div><article><div class=\"Body\" role=\" MAIN \"><section id=\"s\"><h1>The spec</h1>"
                + "<p>Its words.</p></section></div></article></div></body></html>";
        Item item = spec(parse(page.getBytes(StandardCharsets.UTF_8), ABORT));
        assertThat(item.title()).isEqualTo("The spec");
        assertThat(item.text()).isEqualTo("The spec\nIts words.");
        String stub = "<html><head><meta http-equiv=\"Refresh\" content=\"0; url=../../newton/approved/x.html\"></head>"
                + "<body><div class=\"docs-body\"><h1>Moved</h1></div></body></html>";
        assertThat(parse(stub.getBytes(StandardCharsets.UTF_8), ABORT)).isInstanceOf(SpecPage.Redirect.class);
    }

    @Test
    void anotherThemeGivesTheSameItem() throws IOException {
        Item docs = spec(parse(sample("openstackdocstheme-1.20", ABORT), ABORT));
        Item alabaster = spec(parse(sample("sphinx5.3-alabaster", ABORT), ABORT));
        assertThat(alabaster.text()).isEqualTo(docs.text());
        assertThat(alabaster.refs()).isEqualTo(docs.refs());
        assertThat(alabaster.contentHash()).as("same content, another theme: no change").isEqualTo(docs.contentHash());
    }

    @Test
    void olderDivSectionMarkupGivesTheSameItem() throws IOException {
        String html = new String(sample("sphinx5.3-alabaster", ABORT), StandardCharsets.UTF_8);
        String old = html.replaceAll("<section id=", "<div class=\"section\" id=").replace("</section>", "</div>");
        assertThat(old).doesNotContain("<section").contains("<div class=\"section\"");
        Item modern = spec(parse(html.getBytes(StandardCharsets.UTF_8), ABORT));
        Item legacy = spec(parse(old.getBytes(StandardCharsets.UTF_8), ABORT));
        assertThat(legacy.text()).isEqualTo(modern.text());
        assertThat(sections(legacy)).isEqualTo(sections(modern));
    }

    @Test
    void sectionsPointIntoTheText() throws IOException {
        Item item = spec(parse(sample("openstackdocstheme-1.20", ABORT), ABORT));
        Map<String, Object> useCases = sections(item).stream().filter(s -> "use-cases".equals(s.get("anchor"))).findFirst().orElseThrow();
        assertThat(useCases.get("level")).isEqualTo(3);
        assertThat(item.text().substring((Integer) useCases.get("start"), (Integer) useCases.get("textStart"))).isEqualTo("Use Cases\n");
        String body = item.text().substring((Integer) useCases.get("textStart"), (Integer) useCases.get("end"));
        assertThat(body).startsWith("As an operator of an OpenStack cloud").contains(".\n- The migration may be failing").doesNotContain("Proposed change");
    }

    @Test
    void aRedirectStubIsARedirect() throws IOException {
        String stub = "specs/liberty/approved/add-locking-information-in-server-get-response.html";
        SpecPage page = parse(sample("openstackdocstheme-1.20", stub), stub);
        assertThat(page).isEqualTo(new SpecPage.Redirect(URI.create(
                ROOT + "specs/liberty/implemented/add-locking-information-in-server-get-response.html")));
    }

    @Test
    void aTruncatedPageIsRefusedWithAClearReason() throws IOException {
        byte[] whole = sample("openstackdocstheme-1.20", ABORT);
        SpecPage page = parse(Arrays.copyOf(whole, whole.length / 2), ABORT);
        assertThat(page).isInstanceOf(SpecPage.Failure.class);
        assertThat(((SpecPage.Failure) page).message()).contains("truncated");
    }

    @Test
    void misEncodedBytesAreReplacedAndReported() throws IOException {
        String html = new String(sample("openstackdocstheme-1.20", ABORT), StandardCharsets.UTF_8)
                .replace("Problem description", "Problème description");
        byte[] latin1 = html.getBytes(StandardCharsets.ISO_8859_1); // the page still says charset=utf-8
        SpecPage page = parse(latin1, ABORT);
        assertThat(page).isInstanceOf(SpecPage.Spec.class);
        assertThat(((SpecPage.Spec) page).warnings()).singleElement().asString().contains("not valid UTF-8");
        assertThat(((SpecPage.Spec) page).item().text()).contains("Probl\uFFFD");
    }

    @Test
    void aReplacementCharacterWrittenInThePageIsNoWarning() throws IOException {
        String html = new String(sample("openstackdocstheme-1.20", ABORT), StandardCharsets.UTF_8)
                .replace("Problem description", "Problem \uFFFD description");
        SpecPage page = parse(html.getBytes(StandardCharsets.UTF_8), ABORT);
        assertThat(((SpecPage.Spec) page).warnings()).isEmpty();
        assertThat(((SpecPage.Spec) page).item().text()).contains("Problem \uFFFD description");
    }

    @Test
    void aDeclaredCharsetIsHonoured() throws IOException {
        String html = new String(sample("openstackdocstheme-1.20", ABORT), StandardCharsets.UTF_8)
                .replace("Problem description", "Problème description").replace("charset=\"utf-8\"", "");
        SpecPage page = parse(html.getBytes(Charset.forName("windows-1252")), Optional.of(Charset.forName("windows-1252")), ABORT);
        assertThat(((SpecPage.Spec) page).warnings()).isEmpty();
        assertThat(((SpecPage.Spec) page).item().text()).contains("Problème description");
    }

    @Test
    void anOversizedSpecKeepsTheItemLimitAndSectionsWithinIt() {
        StringBuilder body = new StringBuilder("<html><body><div class=\"body\" role=\"main\"><section id=\"big\"><h1>Big spec</h1>");
        for (int i = 0; i < 400; i++) {
            body.append("<section id=\"s").append(i).append("\"><h2>Part ").append(i).append("</h2><p>")
                    .append("word ".repeat(200)).append("</p></section>");
        }
        body.append("</section></div></body></html>");
        Item item = spec(parse(body.toString().getBytes(StandardCharsets.UTF_8), "specs/newton/approved/big.html"));
        assertThat(item.text().length()).isEqualTo(Item.MAX_TEXT_CHARS);
        assertThat(sections(item)).isNotEmpty().allMatch(s -> (Integer) s.get("end") <= Item.MAX_TEXT_CHARS);
    }

    @Test
    void brokenInputIsAFailureNotACrash() {
        assertThat(parse(new byte[0], ABORT)).isEqualTo(new SpecPage.Failure("empty page"));
        byte[] garbage = new byte[5000];
        new java.util.Random(4).nextBytes(garbage);
        SpecPage noise = parse(garbage, ABORT);
        assertThat(noise).isInstanceOf(SpecPage.Failure.class);
        SpecPage noHeading = parse("<html><body><div class=\"body\" role=\"main\"><p>just text</p></div></body></html>"
                .getBytes(StandardCharsets.UTF_8), ABORT);
        assertThat(noHeading).as("fetched whole, and no spec: counts against the site's yield")
                .isEqualTo(new SpecPage.Failure("no heading in the page content: not a spec page", true));
        assertThat(parse("<html><body><p>cut".getBytes(StandardCharsets.UTF_8), ABORT))
                .as("truncated: may read fine next time, no verdict on the layout")
                .isInstanceOfSatisfying(SpecPage.Failure.class, f -> assertThat(f.notASpec()).isFalse());
        SpecPage badStub = parse("<html><head><meta http-equiv=\"refresh\" content=\"soon\"></head></html>"
                .getBytes(StandardCharsets.UTF_8), ABORT);
        assertThat(badStub).isInstanceOf(SpecPage.Failure.class);
        assertThat(((SpecPage.Failure) badStub).message()).startsWith("redirect stub without a usable url");
    }

    @Test
    void deeplyNestedMarkupDoesNotOverflowTheStack() {
        String html = "<html><body><main><h1>Deep</h1>" + "<div>".repeat(20_000) + "x" + "</div>".repeat(20_000)
                + "</main></body></html>";
        Item item = spec(parse(html.getBytes(StandardCharsets.UTF_8), ABORT));
        assertThat(item.title()).isEqualTo("Deep");
    }

    @Test
    void aThemeWithoutSectionElementsStillGivesSections() {
        String html = "<html><body><nav>Home | Specs</nav><main><h1>Plain theme spec</h1>"
                + "<p>See https://blueprints.launchpad.net/nova/+spec/plain-one and bug #1521928.</p>"
                + "<h2>Problem description</h2><p>It hurts.</p><h2>Proposed change</h2><ul><li>Fix it</li></ul>"
                + "<p>Like <a href=\"../../liberty/approved/other-spec.html\">the other spec</a>.</p></main>"
                + "<footer>© someone</footer><script>var x = 1;</script></body></html>";
        Item item = spec(parse(html.getBytes(StandardCharsets.UTF_8), "specs/mitaka/approved/plain.html"));
        assertThat(item.title()).isEqualTo("Plain theme spec");
        assertThat(sections(item)).extracting(s -> s.get("heading"))
                .containsExactly("Plain theme spec", "Problem description", "Proposed change");
        assertThat(item.text()).isEqualTo("Plain theme spec\nSee https://blueprints.launchpad.net/nova/+spec/plain-one and bug #1521928."
                + "\n\nProblem description\nIt hurts.\n\nProposed change\n- Fix it\nLike the other spec.");
        assertThat(item.attributes().get("blueprints")).isEqualTo(List.of("bp:nova/plain-one"));
        assertThat(item.refs()).extracting(Ref::target)
                .containsExactlyInAnyOrder("bp:nova/plain-one", "bug:1521928", "spec:nova/other-spec");
    }
}
