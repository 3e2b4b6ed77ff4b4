package dev.liaison.sources.gerrit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.liaison.sources.gerrit.GerritFixtures.body;
import static dev.liaison.sources.gerrit.GerritFixtures.change;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.liaison.linking.NovaSpecFixtures;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Product WG stories cite reviews by their old review.openstack.org addresses; once a gerrit
 * source has read those changes, the stories' links name review items with titles and statuses.
 */
class GerritStoryCitationsTest {

    @TempDir Path dir;
    WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        // The four fixture changes (two real, two reconstructed: see fixtures/gerrit/README.md), newest first.
        server.stubFor(get(urlPathEqualTo("/changes/")).willReturn(aResponse().withStatus(200)
                .withBody(body(List.of(change(184637), change(184645), change(188528), change(137669)), false))));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void storyReviewCitationsResolveToReviewItemsWithTitlesAndStatuses() throws Exception {
        LiaisonHome home = new LiaisonHome(dir).sources("""
                sources:
                  - id: specs-reviews
                    kind: gerrit
                    url: http://127.0.0.1:%d/
                    schedule: 1h
                    query: project:openstack/nova-specs OR project:openstack/ironic-specs
                """.formatted(server.port()));
        LiaisonHome.Run imported = home.cli("stories", "import", NovaSpecFixtures.STORIES.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();

        // Before the poll the citations are links to items Liaison has not fetched.
        LiaisonHome.Run before = home.cli("links", "db-hygiene");
        assertThat(before.out()).contains("review:184645").doesNotContain("No more soft delete");

        LiaisonHome.Run poll = home.cli("poll", "specs-reviews", "--once");
        assertThat(poll.exitCode()).as(poll.err()).isZero();
        assertThat(poll.out()).contains("items new=4 ");
        try (dev.liaison.app.LiaisonRuntime runtime = home.open()) {
            // The published spec, as the sphinx-specs kind stores it (specs/mitaka/implemented/no-more-soft-delete).
            runtime.store().items().upsert(List.of(dev.liaison.item.Item.builder("spec:nova/no-more-soft-delete", "spec")
                    .source("nova-specs").project("nova").title("No more soft delete").status("implemented", "implemented")
                    .release("mitaka").url("https://specs.openstack.org/openstack/nova-specs/specs/mitaka/implemented/no-more-soft-delete.html")
                    .text("There was widespread agreement at the YVR summit not to soft-delete any more things.").build()));
        }
        LiaisonHome.Run link = home.cli("link");
        assertThat(link.exitCode()).as(link.err()).isZero();

        // db-hygiene cites https://review.openstack.org/#/c/184645/, .../184637/ and .../137669/.
        LiaisonHome.Run links = home.cli("links", "db-hygiene");
        assertThat(links.exitCode()).as(links.err()).isZero();
        assertThat(links.out())
                .containsPattern("review:184645 +declared .*status merged").contains("No more soft delete")
                .containsPattern("review:184637 +declared .*status abandoned").contains("Purge soft deleted rows")
                .containsPattern("review:137669 +declared .*status abandoned").contains("DB archival")
                .containsPattern("nova\\n  review\\n"); // under the project the change's repository names
        // The merged change joins the item graph: the spec it proposed is linked to the story through it.
        assertThat(links.out()).containsPattern("spec:nova/no-more-soft-delete +via suggested 0\\.\\d+")
                .contains("(via review:184645)");
        // The story's tracker matrix: the reviews fill the review column of the nova row, fetched, with live statuses.
        try (dev.liaison.app.LiaisonRuntime runtime = home.open()) {
            var matrix = new dev.liaison.web.WebData(runtime.store(), List.of(), java.time.Clock.systemUTC()).matrix("db-hygiene");
            assertThat(matrix.get("nova").get("review"))
                    .extracting(l -> l.item(), l -> l.title(), l -> l.status(), l -> l.fetched())
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("review:184645", "No more soft delete", "MERGED", true),
                            org.assertj.core.groups.Tuple.tuple("review:184637", "Purge soft deleted rows", "ABANDONED", true),
                            org.assertj.core.groups.Tuple.tuple("review:137669", "DB archival", "ABANDONED", true));
        }
        // baremetal-service cites https://review.openstack.org/#/c/188528/ (an ironic spec).
        LiaisonHome.Run ironic = home.cli("links", "baremetal-service");
        assertThat(ironic.out()).containsPattern("review:188528 +declared .*status merged")
                .contains("Update of the Ironic Neutron Integration spec");
    }

    @Test
    void aCitedReviewThatIsMergedAppearsInTheDigestOfTheStorysFollowers() throws Exception {
        server.resetAll();
        com.fasterxml.jackson.databind.node.ObjectNode open = change(184645);
        open.put("status", "NEW");
        open.put("updated", "2015-10-20 12:46:25.000000000");
        server.stubFor(get(urlPathEqualTo("/changes/")).willReturn(aResponse().withStatus(200)
                .withBody(body(List.of(open, change(184637)), false))));
        LiaisonHome home = new LiaisonHome(dir).properties("liaison.digest.settle=0s\n").sources("""
                sources:
                  - id: nova-specs-reviews
                    kind: gerrit
                    url: http://127.0.0.1:%d/
                    schedule: 1h
                    query: project:openstack/nova-specs
                """.formatted(server.port()));
        java.nio.file.Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: pwg@example.org
                    stories: [db-hygiene]
                """);
        try (dev.liaison.app.LiaisonRuntime runtime = home.open()) {
            runtime.mail().syncSubscribers();
        }
        assertThat(home.cli("stories", "import", NovaSpecFixtures.STORIES.toString()).exitCode()).isZero();
        assertThat(home.cli("poll", "nova-specs-reviews", "--once").out()).contains("items new=2 ");
        assertThat(home.cli("link").exitCode()).isZero();

        // The spec is merged: the next poll sees one change with a new status.
        server.resetAll();
        server.stubFor(get(urlPathEqualTo("/changes/")).willReturn(aResponse().withStatus(200)
                .withBody(body(List.of(change(184645)), false))));
        LiaisonHome.Run poll = home.cli("poll", "nova-specs-reviews", "--once");
        assertThat(poll.out()).contains("items new=0 changed=1 ").contains("events=2 "); // item.changed and item.status

        LiaisonHome.Run preview = home.cli("digest", "preview", "pwg@example.org");
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("WHAT MOVED FOR YOUR STORIES")
                .contains("* [review] No more soft delete: NEW -> MERGED")
                .doesNotContain("Purge soft deleted rows: ");
    }
}
