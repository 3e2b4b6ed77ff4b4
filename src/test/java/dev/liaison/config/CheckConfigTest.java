package dev.liaison.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code liaison check-config}: bad configuration exits 2 with one line naming file, source and key. */
class CheckConfigTest {

    @TempDir Path dir;

    static final String GOOD = """
            sources:
              - id: nova-bugs
                kind: launchpad-bugs
                url: https://api.launchpad.net/devel/nova
                schedule: 30m
                project: nova
              - id: lines
                kind: test-lines
                url: http://127.0.0.1:9/lines
                schedule: "0 */2 * * *"
                max-lines: 10
            """;

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("duplicate id", GOOD + """
                          - id: nova-bugs
                            kind: launchpad-bugs
                            url: https://api.launchpad.net/devel/nova
                            schedule: 1h
                        """, "source 'nova-bugs': key 'id': duplicate id"),
                Arguments.of("unknown kind", """
                        sources:
                          - id: x
                            kind: rss
                            url: https://example.org/feed
                            schedule: 1h
                        """, "source 'x': key 'kind': unknown kind 'rss'"),
                Arguments.of("unknown key", """
                        sources:
                          - id: lines
                            kind: test-lines
                            url: http://127.0.0.1:9/lines
                            schedule: 1h
                            max-line: 5
                        """, "source 'lines': key 'max-line': unknown key for kind test-lines"),
                Arguments.of("bad option value", """
                        sources:
                          - id: lines
                            kind: test-lines
                            url: http://127.0.0.1:9/lines
                            schedule: 1h
                            max-lines: lots
                        """, "source 'lines': key 'max-lines': 'lots' is not a whole number"),
                Arguments.of("bad cron", """
                        sources:
                          - id: x
                            kind: pipermail
                            url: https://lists.openstack.org/pipermail/x/
                            schedule: "61 * * * *"
                        """, "source 'x': key 'schedule': '61 * * * *' is not a valid cron expression"),
                Arguments.of("bad schedule", """
                        sources:
                          - id: x
                            kind: pipermail
                            url: https://lists.openstack.org/pipermail/x/
                            schedule: sometimes
                        """, "source 'x': key 'schedule': 'sometimes' is neither an interval"),
                Arguments.of("bad URL", """
                        sources:
                          - id: x
                            kind: pipermail
                            url: "ftp://lists.openstack.org/pipermail/x/"
                            schedule: 1h
                        """, "source 'x': key 'url': 'ftp://lists.openstack.org/pipermail/x/' must be an absolute http or https URL"),
                Arguments.of("unparseable URL", """
                        sources:
                          - id: x
                            kind: pipermail
                            url: "https://lists openstack/"
                            schedule: 1h
                        """, "source 'x': key 'url': 'https://lists openstack/' is not a URL"),
                Arguments.of("missing key", """
                        sources:
                          - id: x
                            kind: pipermail
                            schedule: 1h
                        """, "source 'x': key 'url': missing key"),
                Arguments.of("missing id", """
                        sources:
                          - kind: pipermail
                            url: https://lists.openstack.org/pipermail/x/
                            schedule: 1h
                        """, "source '#1': key 'id': missing key"),
                Arguments.of("not YAML", "sources: [\n  - id: x\n", "not valid YAML"),
                Arguments.of("unknown top-level key", "source:\n  - id: x\n", "key 'source': unknown key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigurationExitsTwoWithOneClearLine(String name, String yaml, String expected) {
        LiaisonHome home = new LiaisonHome(dir).sources(yaml);
        LiaisonHome.Run run = home.cli("check-config");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        List<String> lines = run.err().lines().toList();
        assertThat(lines).as("one line, no stack trace").hasSize(1);
        assertThat(lines.get(0)).startsWith(home.config().resolve("sources.yaml").toString()).contains(expected);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void theDaemonRefusesBadConfigurationTheSameWay() {
        LiaisonHome home = new LiaisonHome(dir).sources("""
                sources:
                  - id: x
                    kind: rss
                    url: https://example.org/
                    schedule: 1h
                """);
        LiaisonHome.Run run = home.cli("run");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).singleElement().asString().contains("unknown kind 'rss'");
    }

    @Test
    void aGoodConfigurationListsEverySourceWithItsAvailability() {
        LiaisonHome home = new LiaisonHome(dir).sources(GOOD);
        LiaisonHome.Run run = home.cli("check-config");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("OK (2 sources)")
                .containsPattern("nova-bugs .*launchpad-bugs|nova-bugs\\s+launchpad-bugs")
                .contains("lines  test-lines")
                .containsPattern("allowed hosts: http://127\\.0\\.0\\.1:\\d+, https://api\\.launchpad\\.net:443");
    }

    @Test
    void theShippedConfigurationIsValid() {
        LiaisonHome home = new LiaisonHome(dir);
        LiaisonHome.Run run = dev.liaison.testkit.LiaisonHome.cliIn(Path.of("config"), home, "check-config");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("openstack-discuss", "product-wg", "nova-specs", "nova-bugs", "nova-blueprints",
                "lists.openstack.org", "specs.openstack.org", "api.launchpad.net", "indri-schedule", "indri-deadlines",
                "releases.openstack.org", "opendev.org");
        // every spec site a product working group follows, not only nova's
        assertThat(run.out()).contains("cinder-specs  sphinx-specs", "glance-specs  sphinx-specs", "keystone-specs  sphinx-specs",
                "neutron-specs  sphinx-specs", "heat-specs  sphinx-specs", "ironic-specs  sphinx-specs");
    }

    @Test
    void settingsAreValidatedAndEnvironmentOverridesThem() {
        LiaisonHome home = new LiaisonHome(dir).properties("liaison.fetch.max-body=huge\n");
        LiaisonHome.Run run = home.cli("check-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("key 'liaison.fetch.max-body': 'HUGE' is not a size");

        home.env().put("LIAISON_FETCH_MAX_BODY", "2MB");
        assertThat(home.cli("check-config").exitCode()).isZero();

        home.properties("liaison.fetch.max-bodies=1MB\n");
        LiaisonHome.Run unknown = home.cli("check-config");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("key 'liaison.fetch.max-bodies': unknown setting");

        home.properties("liaison.link.min-confidence=1.5\n");
        LiaisonHome.Run share = home.cli("check-config");
        assertThat(share.exitCode()).isEqualTo(2);
        assertThat(share.err()).contains("key 'liaison.link.min-confidence': '1.5' is not a number from 0 to 1");
    }

    @Test
    void settingsEnvironmentNames() {
        assertThat(Settings.envName("liaison.fetch.max-body")).isEqualTo("LIAISON_FETCH_MAX_BODY");
        assertThat(Settings.envName("liaison.mongo.uri")).isEqualTo("LIAISON_MONGO_URI");
    }
}
