package dev.liaison;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read and poll commands, as a person runs them. */
class CommandLineTest {

    @TempDir Path dir;
    WireMockServer server;
    LiaisonHome home;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true));
        server.start();
        home = new LiaisonHome(dir).sources("""
                sources:
                  - id: feed
                    kind: test-lines
                    url: http://127.0.0.1:%d/feed
                    schedule: 1h
                    project: nova
                  - id: broken
                    kind: test-lines
                    url: http://127.0.0.1:%d/broken
                    schedule: 1h
                  - id: specs
                    kind: test-lines
                    url: https://specs.openstack.org/openstack/nova-specs/
                    schedule: 1h
                    enabled: false
                """.formatted(server.port(), server.port()));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static final Pattern SUMMARY = Pattern.compile(
            "poll (\\S+): items new=(\\d+) changed=(\\d+) unchanged=(\\d+) requests=(\\d+) not-modified=(\\d+) errors=(\\d+) events=(\\d+) bytes=(\\d+) duration-ms=(\\d+)");

    @Test
    void pollOnceEndsWithOneSummaryLineAndTheSecondPollIsConditional() throws Exception {
        server.stubFor(get(urlEqualTo("/feed")).willReturn(aResponse().withHeader("ETag", "\"1\"")
                .withBody("a|Fixes bug #1521928|open\nb|Implements blueprint online-schema-changes|fixed\nnot a line\n")));
        LiaisonHome.Run first = home.cli("poll", "feed", "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        String last = first.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        Matcher m = SUMMARY.matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        assertThat(m.group(2)).isEqualTo("2");
        assertThat(m.group(5)).isEqualTo("1");
        assertThat(m.group(7)).as("the malformed line is an error").isEqualTo("1");
        assertThat(m.group(8)).isEqualTo("2");
        assertThat(first.err()).contains("not id|title|status");

        server.stubFor(get(urlEqualTo("/feed")).willReturn(aResponse().withStatus(304)));
        LiaisonHome.Run second = home.cli("poll", "feed", "--once");
        Matcher m2 = SUMMARY.matcher(second.out().strip());
        assertThat(m2.matches()).as(second.out()).isTrue();
        assertThat(m2.group(2)).isEqualTo("0");
        assertThat(m2.group(6)).as("not-modified").isEqualTo("1");
        assertThat(m2.group(8)).as("no events").isEqualTo("0");

        LiaisonHome.Run items = home.cli("items", "--json");
        assertThat(items.exitCode()).isZero();
        JsonNode list = new ObjectMapper().readTree(items.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("id").asText()).isEqualTo("line:a");
        assertThat(list.get(0).get("refs").get(0).get("target").asText()).isEqualTo("bug:1521928");
        assertThat(list.get(1).get("refs").get(0).get("target").asText()).isEqualTo("bp:nova/online-schema-changes");
        assertThat(list.get(1).get("refs").get(0).get("relation").asText()).isEqualTo("implements");

        LiaisonHome.Run text = home.cli("items", "--kind", "line", "--source", "feed");
        assertThat(text.out()).contains("line:a  [line, open]  Fixes bug #1521928").contains("refs: bug:1521928").contains("2 item(s)");
        assertThat(home.cli("items", "--kind", "spec").out()).contains("0 item(s)");

        LiaisonHome.Run events = home.cli("events", "--type", "item.new");
        assertThat(events.out()).contains("item.new  line:a").contains("2 event(s)");
        assertThat(home.cli("events", "--since", "2999-01-01T00:00:00Z").out()).contains("0 event(s)");
        assertThat(home.cli("events", "--since", "yesterday").exitCode()).isEqualTo(2);
    }

    @Test
    void aFailedPollExitsOneIsRecordedAndShownByStatus() throws Exception {
        server.stubFor(get(urlEqualTo("/broken")).willReturn(aResponse().withStatus(500)));
        server.stubFor(get(urlEqualTo("/feed")).willReturn(aResponse().withBody("a|A|open\n")));
        LiaisonHome.Run run = home.cli("poll", "broken", "--once");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("poll broken: items new=0").contains("errors=1").contains("FAILED");
        assertThat(run.err()).contains("HTTP 500");
        assertThat(home.cli("poll", "broken", "--once").exitCode()).isEqualTo(1);
        assertThat(home.cli("poll", "feed", "--once").exitCode()).as("one failing source does not stop another").isZero();

        LiaisonHome.Run status = home.cli("status", "--json");
        JsonNode rows = new ObjectMapper().readTree(status.out());
        assertThat(rows.get(0).get("id").asText()).isEqualTo("feed");
        assertThat(rows.get(0).get("items").asLong()).isEqualTo(1);
        assertThat(rows.get(0).get("lastSuccess").isNull()).isFalse();
        assertThat(rows.get(1).get("consecutiveFailures").asInt()).isEqualTo(2);
        assertThat(rows.get(1).get("lastErrorMessage").asText()).contains("HTTP 500");
        assertThat(rows.get(0).get("state").asText()).isEqualTo("UP");
        assertThat(rows.get(1).get("state").asText()).as("never succeeded and failing: DOWN, as /health says").isEqualTo("DOWN");
        assertThat(rows.get(2).get("state").asText()).isEqualTo("DISABLED");

        LiaisonHome.Run table = home.cli("status");
        assertThat(table.out()).contains("SOURCE").contains("DISABLED").contains("DOWN").contains("last error:");
    }

    @Test
    void everyCommandHasHelpAndUnknownNamesAreUsageErrorsAndCutListsSaySo() throws Exception {
        for (String[] cmd : List.of(new String[] {"stories", "--help"}, new String[] {"stories", "import", "--help"},
                new String[] {"digest", "send", "--help"}, new String[] {"links", "confirm", "--help"},
                new String[] {"poll", "--help"}, new String[] {"items", "-h"}, new String[] {"trackers", "export", "--help"})) {
            LiaisonHome.Run help = home.cli(cmd);
            assertThat(help.exitCode()).as(String.join(" ", cmd) + ": " + help.err()).isZero();
            assertThat(help.out()).as(String.join(" ", cmd)).contains("Usage: liaison ");
        }
        LiaisonHome.Run noStory = home.cli("links", "confirm", "no-such-story", "spec:nova/nope");
        assertThat(noStory.exitCode()).isEqualTo(2);
        assertThat(noStory.err()).contains("no story 'no-such-story'");
        assertThat(noStory.out()).doesNotContain("confirmed");
        LiaisonHome.Run kind = home.cli("items", "--kind", "nonsense");
        assertThat(kind.exitCode()).isEqualTo(2);
        assertThat(kind.err()).contains("unknown kind 'nonsense'");
        assertThat(home.cli("items", "--source", "no-such-source").exitCode()).isEqualTo(2);
        assertThat(home.cli("events", "--type", "no.such.type").exitCode()).isEqualTo(2);

        server.stubFor(get(urlEqualTo("/feed")).willReturn(aResponse().withBody("a|A|open\nb|B|open\nc|C|open\n")));
        assertThat(home.cli("poll", "feed", "--once").exitCode()).isZero();
        LiaisonHome.Run cut = home.cli("events", "--limit", "2");
        assertThat(cut.out()).contains("2 event(s); cut at --limit 2, there are more: next with --since ");
        assertThat(home.cli("events").out()).containsPattern("\\n3 event\\(s\\)\\s*$");
        assertThat(home.cli("items", "--limit", "1").out()).contains("1 item(s); cut at --limit 1, there are more");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(home.cli("poll", "feed").exitCode()).as("--once is required").isEqualTo(2);
        assertThat(home.cli("poll", "nope", "--once").exitCode()).isEqualTo(2);
        assertThat(home.cli("poll", "feed", "--once", "--since", "June").exitCode()).isEqualTo(2);
        assertThat(home.cli("frobnicate").exitCode()).isEqualTo(2);
        LiaisonHome.Run version = home.cli("version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("liaison ");
    }
}
