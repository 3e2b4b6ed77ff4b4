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
                    .extracting(Ref::target).containsExactly("spec:nova/vtpm-live-migration");
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

    /** A list fixture with these entries left out and the count lowered to match, as HyperKitty answers after a deletion. */
    com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder without(String file, int count, String... hashes) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode page = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                Files.readString(FIX.resolve(file)).replace("{{base}}", "http://127.0.0.1:" + server.port()));
        com.fasterxml.jackson.databind.node.ArrayNode kept = json.createArrayNode();
        page.get("results").forEach(e -> {
            if (!List.of(hashes).contains(e.get("message_id_hash").asText())) {
                kept.add(e);
            }
        });
        page.set("results", kept);
        page.put("count", count);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json.writeValueAsString(page));
    }

    @Test
    void aCountThatDoesNotMatchMakesThePollReadTheWholeListAndADeletedEmailIsMarked() throws Exception {
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        // PTG2 deleted on the server: page 1 is unchanged but for the count, which is one lower
        server.stubFor(page(0).atPriority(1).willReturn(without("emails-page1.json", 4)));
        server.stubFor(page(3).atPriority(1).willReturn(without("emails-page2.json", 4, PTG2)));
        server.resetRequests();
        LiaisonHome.Run check = home.cli("poll", "discuss", "--once");
        assertThat(check.out()).as(check.err()).contains("items new=0 ", " changed=1 ", "errors=0 ");
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo(API + "emails/")).withQueryParam("limit", equalTo("500"))))
                .as("the whole list, in pages of check-page-size").hasSize(2);
        try (LiaisonRuntime rt = home.open()) {
            Item deleted = rt.store().items().find("mail:openstack-discuss/" + PTG2).orElseThrow();
            assertThat(deleted.status()).isEqualTo("deleted");
            assertThat(deleted.statusRaw()).contains("no longer lists it");
            assertThat(deleted.title()).as("the text stays").isEqualTo("Re: [nova][ptg] Caracal PTG topics");
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG1).orElseThrow().status()).isNull();
        }
        server.resetRequests();
        LiaisonHome.Run idle = home.cli("poll", "discuss", "--once");
        assertThat(idle.out()).as("in step again").contains("items new=0 ", " changed=0 ", "requests=1 ");

        // listed again (restored on the server): fetched again, the mark goes
        server.stubFor(page(0).atPriority(1).willReturn(without("emails-page1.json", 5)));
        server.stubFor(page(3).atPriority(1).willReturn(ok("emails-page2.json")));
        LiaisonHome.Run back = home.cli("poll", "discuss", "--once");
        assertThat(back.out()).as(back.err()).contains(" changed=1 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG2).orElseThrow().status()).isNull();
        }
    }

    @Test
    void whenMostStoredMailIsNotListedNothingIsMarkedAndThePollSaysWhy() throws Exception {
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        server.stubFor(page(0).atPriority(1).willReturn(without("emails-page1.json", 1, PTG3, STORY).withBody(
                "{\"count\":1,\"next\":null,\"previous\":null,\"results\":[]}")));
        LiaisonHome.Run check = home.cli("poll", "discuss", "--once");
        assertThat(check.err()).as(check.out()).contains("not marked deleted");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG1).orElseThrow().status()).isNull();
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

    static final List<String> SAME_ON_BOTH_PATHS = List.of("list", "thread", "parent", "messageId", "tags", "subjectKey",
            "address", "quoted", "quotedOnlyRefs", "dateZone", "hash", "inReplyTo", "references");

    void stubMonth(String month, byte[] body) {
        server.stubFor(get(urlPathEqualTo(LIST + "export/openstack-discuss-" + month + ".mbox.gz")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody(body)));
    }

    byte[] emptyGzip() throws Exception {
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(empty)) {
            gz.write(new byte[0]);
        }
        return empty.toByteArray();
    }

    @Test
    void theExportAndTheApiStoreTheSameMailWithHyperkittysThreads() throws Exception {
        // path 1: the mbox export alone (the API's list answers 404, so nothing comes from it)
        server.stubFor(get(urlPathMatching(LIST + "export/.*")).atPriority(9).willReturn(aResponse().withStatus(200).withBody(emptyGzip())));
        stubMonth("2023-09", Files.readAllBytes(FIX.resolve("export-2023-09.mbox.gz")));
        server.stubFor(page(0).atPriority(0).willReturn(aResponse().withStatus(404)));
        LiaisonHome.Run backfill = home.cli("poll", "discuss", "--once", "--since", "2023-09");
        assertThat(backfill.exitCode()).as(backfill.err()).isZero();
        assertThat(backfill.out()).contains("items new=5 ");
        assertThat(server.findAll(getRequestedFor(urlMatching(API + "email/.*")))).as("every parent was in the export").isEmpty();
        // path 2: the API alone, in another home
        server.resetAll();
        stubApi();
        LiaisonHome api = new LiaisonHome(dir.resolve("api")).sources(Files.readString(home.config().resolve("sources.yaml")));
        assertThat(api.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        try (LiaisonRuntime fromExport = home.open(); LiaisonRuntime fromApi = api.open()) {
            for (String hash : List.of(PTG1, PTG2, PTG3, STORY)) {
                Item a = fromExport.store().items().find("mail:openstack-discuss/" + hash).orElseThrow();
                Item b = fromApi.store().items().find("mail:openstack-discuss/" + hash).orElseThrow();
                assertThat(a.title()).isEqualTo(b.title());
                assertThat(a.text()).as(hash).isEqualTo(b.text());
                assertThat(a.author()).isEqualTo(b.author());
                assertThat(a.created()).isEqualTo(b.created());
                assertThat(a.url()).isEqualTo(b.url());
                assertThat(a.refs()).isEqualTo(b.refs());
                for (String key : SAME_ON_BOTH_PATHS) {
                    assertThat(a.attributes().get(key)).as(hash + " " + key).isEqualTo(b.attributes().get(key));
                }
            }
            Item deep = fromExport.store().items().find("mail:openstack-discuss/" + PTG3).orElseThrow();
            assertThat(deep.attributes()).as("a reply two levels down, In-Reply-To only")
                    .containsEntry("thread", "thread:openstack-discuss/" + PTG1)
                    .containsEntry("parent", "mail:openstack-discuss/" + PTG2);
            assertThat(deep.text()).contains("\nFrom the etherpad: ask sbauza(a)example.org");
            assertThat(deep.attributes().get("quoted")).isEqualTo(fromApi.store().items().find(deep.id()).orElseThrow().attributes().get("quoted"));
        }
    }

    @Test
    void aReplyWhoseParentIsOnlyInAnEarlierMonthGetsItsThreadFromTheStoreOrTheApi() throws Exception {
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        // ptg-4 (October) answers ptg-3, stored by the API poll; ptg-5 answers a mail only the API knows
        String oct = """
                From sbauza@example.org Mon Oct  2 09:00:00 2023
                From: Sylvain Bauza <sbauza@example.org>
                Subject: Re: [openstack-discuss] [nova][ptg] Caracal PTG topics
                Date: Mon, 02 Oct 2023 09:00:00 +0200
                Message-ID: <ptg-4@example.org>
                In-Reply-To: <ptg-3@example.org>

                Late answer.

                From dms@example.net Mon Oct  2 10:00:00 2023
                From: Dan Smith <dms@example.net>
                Subject: Re: [openstack-discuss] something older
                Date: Mon, 02 Oct 2023 10:00:00 +0000
                Message-ID: <ptg-5@example.org>
                In-Reply-To: <not-stored@example.org>

                An answer to a mail from before the backfill.

                """;
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(oct.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        server.stubFor(get(urlPathMatching(LIST + "export/.*")).atPriority(9).willReturn(aResponse().withStatus(200).withBody(emptyGzip())));
        stubMonth("2023-10", gz.toByteArray());
        String ptg5 = HyperkittyApi.messageIdHash("ptg-5@example.org");
        String older = HyperkittyApi.messageIdHash("not-stored@example.org");
        String base = "http://127.0.0.1:" + server.port();
        server.stubFor(get(urlEqualTo(API + "email/" + ptg5 + "/")).willReturn(aResponse().withStatus(200).withBody("""
                {"message_id_hash": "%s", "thread": "%s%sthread/OLDTHREADOLDTHREADOLDTHREADOLDT/", "parent": "%s%semail/%s/", "children": []}
                """.formatted(ptg5, base, API, base, API, older))));
        LiaisonHome.Run run = home.cli("poll", "discuss", "--once", "--since", "2023-10");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=2 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + HyperkittyApi.messageIdHash("ptg-4@example.org")).orElseThrow()
                    .attributes()).containsEntry("thread", "thread:openstack-discuss/" + PTG1)
                    .containsEntry("parent", "mail:openstack-discuss/" + PTG3);
            assertThat(rt.store().items().find("mail:openstack-discuss/" + ptg5).orElseThrow().attributes())
                    .containsEntry("thread", "thread:openstack-discuss/OLDTHREADOLDTHREADOLDTHREADOLDT")
                    .containsEntry("parent", "mail:openstack-discuss/" + older);
        }
    }

    @Test
    void aTransientFailureOnPage2LeavesAGapThatStatusShowsUntilALaterPollFillsIt() throws Exception {
        server.stubFor(page(3).atPriority(0).willReturn(aResponse().withStatus(503)));
        LiaisonHome.Run first = home.cli("poll", "discuss", "--once");
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("items new=2 ");
        assertThat(first.err()).contains("gap", "emails from offset 3 (of 5) not read yet");
        assertThat(home.cli("status").out()).as("status shows the gap").contains("last error: gap: emails from offset 3 (of 5) not read yet");
        // still failing: the gap stays and is shown again
        LiaisonHome.Run again = home.cli("poll", "discuss", "--once");
        assertThat(again.err()).contains("not read yet");
        LiaisonHome.Run status = home.cli("status");
        assertThat(status.out()).as("status shows the gap").contains("last error: gap: emails from offset 3 (of 5) not read yet");
        server.resetAll();
        stubApi();
        LiaisonHome.Run filled = home.cli("poll", "discuss", "--once");
        assertThat(filled.out()).as(filled.err()).contains("items new=2 ", "errors=0 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().countBySource("discuss")).isEqualTo(4);
            assertThat(rt.store().sourceState().cursor("discuss").getList("gaps", org.bson.Document.class)).isEmpty();
        }
        assertThat(home.cli("poll", "discuss", "--once").err()).doesNotContain("gap");
    }

    @Test
    void aGapIsMovedByTheMailArchivedSince() throws Exception {
        home.sources(Files.readString(home.config().resolve("sources.yaml")).replace("page-size: 3", "page-size: 2"));
        // pages of 2: [PTG3, GONE] [STORY, PTG2] [PTG1]; page 2 fails
        String base = "http://127.0.0.1:" + server.port();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> all = new java.util.ArrayList<>();
        for (String f : List.of("emails-page1.json", "emails-page2.json")) {
            json.readTree(Files.readString(FIX.resolve(f)).replace("{{base}}", base)).get("results").forEach(all::add);
        }
        java.util.function.BiFunction<List<com.fasterxml.jackson.databind.JsonNode>, Integer, String> pageOf = (list, offset) -> {
            var node = json.createObjectNode().put("count", list.size());
            node.put("next", offset + 2 < list.size() ? base + API + "emails/?limit=2&offset=" + (offset + 2) + "&ordering=-archived_date" : null);
            node.putNull("previous");
            node.putArray("results").addAll(list.subList(offset, Math.min(list.size(), offset + 2)));
            return node.toString();
        };
        for (int o = 0; o < 5; o += 2) {
            server.stubFor(page(o).atPriority(4).willReturn(aResponse().withStatus(200).withBody(pageOf.apply(all, o))));
        }
        server.stubFor(page(2).atPriority(0).willReturn(aResponse().withStatus(503)));
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=1 ");
        // two new emails archived on top (copies of STORY's entry under other hashes would not be real: reuse
        // two stored shapes is enough to shift offsets): the list now holds 7, the gap at 2 becomes 4
        List<com.fasterxml.jackson.databind.JsonNode> shifted = new java.util.ArrayList<>(all);
        shifted.add(0, all.get(0));
        shifted.add(0, all.get(0));
        server.resetAll();
        stubApi();
        for (int o = 0; o < 7; o += 2) {
            server.stubFor(page(o).atPriority(4).willReturn(aResponse().withStatus(200).withBody(pageOf.apply(shifted, o))));
        }
        LiaisonHome.Run second = home.cli("poll", "discuss", "--once");
        assertThat(second.out()).as(second.err()).contains("items new=3 ");
        assertThat(server.findAll(getRequestedFor(urlMatching(API + "emails/.*limit=2&offset=4.*")))).hasSize(1);
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().countBySource("discuss")).isEqualTo(4);
        }
    }

    @Test
    void anUnpaginatedDeploymentIsReadWholeEveryPoll() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var array = json.createArrayNode();
        for (String f : List.of("emails-page1.json", "emails-page2.json")) {
            json.readTree(Files.readString(FIX.resolve(f)).replace("{{base}}", base)).get("results").forEach(array::add);
        }
        server.stubFor(get(urlPathEqualTo(API + "emails/")).atPriority(0).willReturn(aResponse().withStatus(200).withBody(array.toString())));
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        server.resetRequests();
        LiaisonHome.Run idle = home.cli("poll", "discuss", "--once");
        assertThat(idle.out()).contains("items new=0 ", "requests=1 ", "errors=0 ");
        // a cut array: what was read is stored, the cut is reported
        server.stubFor(get(urlPathEqualTo(API + "emails/")).atPriority(0).willReturn(aResponse().withStatus(200)
                .withBody(array.toString().substring(0, array.toString().length() / 2))));
        LiaisonHome.Run cut = home.cli("poll", "discuss", "--once");
        assertThat(cut.exitCode()).isZero();
        assertThat(cut.err()).contains("the unpaginated list could not be read whole");
    }

    @Test
    void linksWrittenForAnotherHostAreReadOnTheConfiguredBase() throws Exception {
        server.resetAll();
        String proxied = "https://hyperkitty.internal:8443";
        server.stubFor(page(0).willReturn(ok("emails-page1.json", proxied)));
        server.stubFor(page(3).willReturn(ok("emails-page2.json", proxied)));
        for (String h : List.of(PTG1, PTG2, STORY, PTG3)) {
            server.stubFor(get(urlEqualTo(API + "email/" + h + "/")).willReturn(ok("email-" + h + ".json", proxied)));
        }
        LiaisonHome.Run run = home.cli("poll", "discuss", "--once");
        assertThat(run.out()).as(run.err()).contains("items new=4 ");
        assertThat(run.err()).doesNotContain("allow-list");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG3).orElseThrow().attributes())
                    .containsEntry("thread", "thread:openstack-discuss/" + PTG1);
        }
    }

    @Test
    void aThreadHyperkittyChangedIsFetchedAgain() throws Exception {
        // first HyperKitty held ptg-3 as an orphan (archived before its parent): its own thread, no parent
        String orphanDetail = Files.readString(FIX.resolve("email-" + PTG3 + ".json"))
                .replace("thread/" + PTG1, "thread/" + PTG3)
                .replaceAll("\"parent\": \"[^\"]+\"", "\"parent\": null");
        String orphanPage = Files.readString(FIX.resolve("emails-page1.json"))
                .replace("thread/" + PTG1 + "/\",\n   \"sender\": {\n    \"address\": \"sbauza", "thread/" + PTG3 + "/\",\n   \"sender\": {\n    \"address\": \"sbauza")
                .replace("\"parent\": \"{{base}}/archives/api/list/openstack-discuss@lists.openstack.org/email/" + PTG2 + "/\"", "\"parent\": null");
        assertThat(orphanPage).contains("thread/" + PTG3);
        String base = "http://127.0.0.1:" + server.port();
        server.stubFor(page(0).atPriority(0).willReturn(aResponse().withStatus(200).withBody(orphanPage.replace("{{base}}", base))));
        server.stubFor(get(urlEqualTo(API + "email/" + PTG3 + "/")).atPriority(0)
                .willReturn(aResponse().withStatus(200).withBody(orphanDetail.replace("{{base}}", base))));
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("items new=4 ");
        // then HyperKitty re-attached it: the next poll's page shows it and it is read again
        server.resetAll();
        stubApi();
        LiaisonHome.Run second = home.cli("poll", "discuss", "--once");
        assertThat(second.out()).as(second.err()).contains("items new=0 ", "changed=1 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + PTG3).orElseThrow().attributes())
                    .containsEntry("thread", "thread:openstack-discuss/" + PTG1)
                    .containsEntry("parent", "mail:openstack-discuss/" + PTG2);
        }
        server.resetRequests();
        assertThat(home.cli("poll", "discuss", "--once").out()).contains("changed=0 ", "requests=1 ");
    }

    @Test
    void aMonthWhoseExportBreaksIsReadDayByDayAndTheBrokenDayIsKept() throws Exception {
        server.stubFor(get(urlPathMatching(LIST + "export/.*")).atPriority(9).willReturn(aResponse().withStatus(200).withBody(emptyGzip())));
        byte[] whole = Files.readAllBytes(FIX.resolve("export-2023-09.mbox.gz"));
        // the month's stream is cut part-way (HyperKitty failed on one message while streaming)
        stubMonth("2023-09", java.util.Arrays.copyOf(whole, whole.length / 3));
        // the days: the 4th holds the whole month's mail (what the fixture has), the 6th still fails
        server.stubFor(get(urlPathEqualTo(LIST + "export/openstack-discuss-2023-09-04.mbox.gz")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody(whole)));
        server.stubFor(get(urlPathEqualTo(LIST + "export/openstack-discuss-2023-09-06.mbox.gz")).atPriority(1)
                .willReturn(aResponse().withStatus(500)));
        server.stubFor(page(0).atPriority(0).willReturn(aResponse().withStatus(404)));
        LiaisonHome.Run run = home.cli("poll", "discuss", "--once", "--since", "2023-09");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=5 ");
        assertThat(run.err()).contains("cut short");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().sourceState().cursor("discuss").getList("brokenDays", String.class)).containsExactly("2023-09-06");
        }
        server.resetAll();
        stubApi();
        LiaisonHome.Run poll = home.cli("poll", "discuss", "--once");
        assertThat(poll.err()).as("every poll shows the hole").contains("the mbox export of 2023-09-06 could not be read whole");
        server.stubFor(get(urlPathMatching(LIST + "export/.*")).atPriority(9).willReturn(aResponse().withStatus(200).withBody(emptyGzip())));
        server.resetRequests();
        LiaisonHome.Run again = home.cli("poll", "discuss", "--once", "--since", "2023-09");
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo(LIST + "export/openstack-discuss-2023-09-06.mbox.gz")))).hasSize(1);
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo(LIST + "export/openstack-discuss-2023-09.mbox.gz"))))
                .as("a month read day by day is not asked again").isEmpty();
        assertThat(again.err()).doesNotContain("2023-09-06 could not");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().sourceState().cursor("discuss").getList("brokenDays", String.class)).isEmpty();
        }
    }

    @Test
    void anUnknownListAndAPrivateArchiveAreClearErrors() throws Exception {
        server.stubFor(page(0).atPriority(0).willReturn(aResponse().withStatus(404)));
        LiaisonHome.Run unknown = home.cli("poll", "discuss", "--once");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("openstack-discuss@lists.openstack.org", "HyperKitty answers this for a list it does not have");
        server.stubFor(get(urlPathMatching(LIST + "export/.*")).atPriority(0).willReturn(aResponse().withStatus(403)));
        LiaisonHome.Run priv = home.cli("poll", "discuss", "--once", "--since", "2023-09");
        assertThat(priv.exitCode()).isEqualTo(1);
        assertThat(priv.err()).contains("is private");
        LiaisonHome.Run status = home.cli("status");
        assertThat(status.out()).contains("is private");
    }

    @Test
    void aMailWithoutSubjectIsTitledAsHyperkittyShowsIt() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        server.stubFor(get(urlEqualTo(API + "email/" + STORY + "/")).atPriority(0).willReturn(aResponse().withStatus(200)
                .withBody(Files.readString(FIX.resolve("email-" + STORY + ".json")).replace("{{base}}", base)
                        .replace("[openstack-discuss] [product] user story tracker refresh", "None"))));
        home.cli("poll", "discuss", "--once");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:openstack-discuss/" + STORY).orElseThrow().title()).isEqualTo("(no subject)");
        }
    }

    @Test
    void messageIdHashIsHyperkittys() {
        assertThat(HyperkittyApi.messageIdHash("<ptg-1@example.org>")).isEqualTo(PTG1);
        assertThat(HyperkittyApi.of(java.net.URI.create("https://lists.openstack.org/pipermail/x/"))).isNull();
    }
}
