package dev.liaison.sources.hyperkitty;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.sources.mail.ThreadQueries;
import dev.liaison.testkit.LiaisonHome;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hyperkitty kind end to end against a loopback HyperKitty API. */
class HyperkittySourceTest {

    static final Path FIX = Path.of("src/test/resources/fixtures/hyperkitty");
    static final String LIST = "/archives/list/openstack-discuss@lists.openstack.org/";
    static final String API = "/archives/api/list/openstack-discuss@lists.openstack.org/";
    static final String PTG1 = "DB334CATSU33Y7JZPYIO7SHFNMEH43WN", PTG2 = "B52QBRZL3VH7POM5HYQSKDX4CVKABASL",
            STORY = "XZ7U6L6YWWHJXOS4QBPYC23CNDUSONMI", GONE = "MVLP4XDJIS5UUDESWM4SGCOEWNL5523T",
            PTG3 = "JDPJ4SVXR6G23BNNRLSYUHQ44LWZBIQH";

    @TempDir Path dir;
    WireMockServer server;
    LiaisonHome home;

    @BeforeEach
    void start() throws Exception {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        stubApi();
        home = new LiaisonHome(dir).sources("""
                sources:
                  - id: discuss
                    kind: hyperkitty
                    url: http://127.0.0.1:%d%s
                    schedule: 1h
                    project: nova
                    page-size: 3
                """.formatted(server.port(), LIST));
    }

    /** As HyperKitty 1.3.7 answers: no ETag, no Last-Modified, so never a 304. */
    void stubApi() throws Exception {
        server.stubFor(page(0).atPriority(5).willReturn(ok("emails-page1.json")));
        server.stubFor(page(3).atPriority(5).willReturn(ok("emails-page2.json")));
        for (String h : List.of(PTG1, PTG2, STORY, PTG3)) {
            server.stubFor(get(urlEqualTo(API + "email/" + h + "/")).atPriority(5).willReturn(ok("email-" + h + ".json")));
        }
        server.stubFor(get(urlEqualTo(API + "email/" + GONE + "/")).willReturn(aResponse().withStatus(404)));
    }

    static com.github.tomakehurst.wiremock.client.MappingBuilder page(int offset) {
        return get(urlPathEqualTo(API + "emails/")).withQueryParam("offset", equalTo(String.valueOf(offset)));
    }

    com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String file) throws Exception {
        return ok(file, "http://127.0.0.1:" + server.port());
    }

    /** A fixture with its links written for {@code base}, as HyperKitty writes them from the request's Host. */
    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String file, String base) throws Exception {
        String body = Files.readString(FIX.resolve(file)).replace("{{base}}", base);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withHeader("Vary", "Accept, Cookie")
                .withHeader("Allow", "GET, HEAD, OPTIONS").withBody(body);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void pollsTheApiThreadedThenAnIdlePollIsOneRequest() throws Exception {
        LiaisonHome.Run first = home.cli("poll", "discuss", "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("items new=4 ", "errors=1 ");
        assertThat(first.err()).contains(GONE).contains("404");
        try (LiaisonRuntime rt = home.open()) {
            Item reply = rt.store().items().find("mail:openstack-discuss/" + PTG3).orElseThrow();
            assertThat(reply.kind()).isEqualTo("mail");
            assertThat(reply.title()).isEqualTo("Re: [nova][ptg] Caracal PTG topics");
            assertThat(reply.author()).isEqualTo("Sylvain Bauza");
            assertThat(reply.created()).isEqualTo(Instant.parse("2023-09-06T06:00:00Z"));
            assertThat(reply.url()).endsWith(LIST + "message/" + PTG3 + "/");
            assertThat(reply.attributes()).containsEntry("list", "openstack-discuss")
                    .containsEntry("thread", "thread:openstack-discuss/" + PTG1)
                    .containsEntry("parent", "mail:openstack-discuss/" + PTG2)
                    .containsEntry("tags", List.of("nova", "ptg"))
                    .containsEntry("address", "sbauza@example.org")
                    .containsEntry("quotedOnlyRefs", List.of("bug:2034035"))
                    .as("the API gives dates in the server's zone, not the sender's").doesNotContainKey("dateZone");
            assertThat(reply.text()).as("addresses as the mbox export writes them").contains("ask sbauza(a)example.org for a slot.\nSee you there.")
                    .doesNotEndWith("\n");
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG1).orElseThrow().refs())
                    .extracting(Ref::target).containsExactly("spec:nova/2023.2/vtpm-live-migration");
            assertThat(rt.store().items().find("mail:openstack-discuss/" + STORY).orElseThrow().refs())
                    .extracting(Ref::target).containsExactly("review:889123");

            ThreadQueries.Thread t = new ThreadQueries(rt.store()).thread("thread:openstack-discuss/" + PTG1).orElseThrow();
            assertThat(t.root().id()).isEqualTo("mail:openstack-discuss/" + PTG1);
            assertThat(t.messages()).hasSize(3);
            assertThat(t.participants()).extracting(ThreadQueries.Participant::name).containsExactly("Sylvain Bauza", "Dan Smith");
            assertThat(t.lastActivity()).isEqualTo(Instant.parse("2023-09-06T06:00:00Z"));
            assertThat(new ThreadQueries(rt.store()).recent("discuss", 10)).extracting(ThreadQueries.Thread::id)
                    .startsWith("thread:openstack-discuss/" + PTG1);
        }
        server.resetRequests();
        LiaisonHome.Run second = home.cli("poll", "discuss", "--once");
        assertThat(second.out()).contains("items new=0 ", "changed=0 ", "requests=1 ", "errors=0 ");
        assertThat(server.findAll(getRequestedFor(urlMatching(API + "email/.*")))).isEmpty();
    }

    @Test
    void theScheduledRouteStoresTheList() throws Exception {
        try (LiaisonRuntime rt = home.open(); dev.liaison.app.Daemon daemon = new dev.liaison.app.Daemon(rt)) {
            daemon.start();
            org.apache.camel.builder.NotifyBuilder polled = new org.apache.camel.builder.NotifyBuilder(daemon.camelContext())
                    .fromRoute("discuss").whenDone(1).create();
            assertThat(polled.matches(20, java.util.concurrent.TimeUnit.SECONDS)).as("first scheduled poll ran").isTrue();
            assertThat(rt.store().items().countBySource("discuss")).isEqualTo(4);
        }
    }

    @Test
    void aPollCutShortByMaxPagesResumesWhereItStopped() throws Exception {
        home.sources("""
                sources:
                  - id: discuss
                    kind: hyperkitty
                    url: http://127.0.0.1:%d%s
                    schedule: 1h
                    project: nova
                    page-size: 3
                    max-pages: 1
                """.formatted(server.port(), LIST));
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=2 ", "errors=1 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().sourceState().cursor("discuss").getList("gaps", org.bson.Document.class))
                    .singleElement().satisfies(g -> assertThat(g.get("offset", Number.class).longValue()).isEqualTo(3));
        }
        LiaisonHome.Run second = home.cli("poll", "discuss", "--once");
        assertThat(second.out()).as(second.err()).contains("items new=2 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG1)).isPresent();
            assertThat(rt.store().items().countBySource("discuss")).isEqualTo(4);
            assertThat(rt.store().sourceState().cursor("discuss").getList("gaps", org.bson.Document.class)).isEmpty();
        }
    }

    @Test
    void anEmailThatFailedOnAnOlderPageIsFetchedDirectlyNextTime() throws Exception {
        server.stubFor(get(urlEqualTo(API + "email/" + PTG1 + "/")).atPriority(0).willReturn(aResponse().withStatus(503)));
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=3 ");
        server.resetAll();
        stubApi();
        LiaisonHome.Run second = home.cli("poll", "discuss", "--once");
        assertThat(second.out()).as(second.err()).contains("items new=1 ");
        assertThat(server.findAll(getRequestedFor(urlMatching(API + "emails/.*offset=3.*")))).as("page 2 not walked again").isEmpty();
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG1)).isPresent();
            assertThat(rt.store().sourceState().cursor("discuss").getList("retry", String.class)).isEmpty();
        }
    }

    @Test
    void aBrokenFirstPageFailsThePollAndSaysWhere() throws Exception {
        server.stubFor(page(0).atPriority(0)
                .willReturn(aResponse().withStatus(200).withBody("{\"count\": 5, \"results\": [")));
        LiaisonHome.Run run = home.cli("poll", "discuss", "--once");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("items new=0 ", "FAILED");
        assertThat(run.err()).contains("the list's emails at ", "could not be read");
    }

    @Test
    void backfillReadsTheMonthlyMboxExportWithoutDoublingWhatTheApiStored() throws Exception {
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(empty)) {
            gz.write(new byte[0]);
        }
        server.stubFor(get(urlPathMatching(LIST + "export/.*")).atPriority(9)
                .willReturn(aResponse().withStatus(200).withBody(empty.toByteArray())));
        server.stubFor(get(urlEqualTo(LIST + "export/openstack-discuss-2023-09.mbox.gz?start=2023-09-01&end=2023-10-01"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withBody(Files.readAllBytes(FIX.resolve("export-2023-09.mbox.gz")))));
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        LiaisonHome.Run run = home.cli("poll", "discuss", "--once", "--since", "2023-09");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=1 ");
        assertThat(run.err()).contains("no Message-ID header: the HyperKitty id cannot be derived");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().countBySource("discuss")).isEqualTo(5);
            Item gone = rt.store().items().find("mail:openstack-discuss/" + GONE).orElseThrow();
            assertThat(gone.attributes()).containsEntry("thread", "thread:openstack-discuss/" + GONE);
            assertThat(rt.store().sourceState().cursor("discuss").getList("exported", String.class)).contains("2023-09");
        }
        server.resetRequests();
        home.cli("poll", "discuss", "--once", "--since", "2023-09");
        assertThat(server.findAll(getRequestedFor(urlMatching(LIST + "export/openstack-discuss-2023-09.*"))))
                .as("a completed month is not exported again").isEmpty();
    }

    @Test
    void messageIdHashIsHyperkittys() {
        assertThat(HyperkittyApi.messageIdHash("<ptg-1@example.org>")).isEqualTo(PTG1);
        assertThat(HyperkittyApi.of(java.net.URI.create("https://lists.openstack.org/pipermail/x/"))).isNull();
    }
}
