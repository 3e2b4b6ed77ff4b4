package dev.liaison.sources.gerrit;

import static dev.liaison.sources.gerrit.GerritFixtures.body;
import static dev.liaison.sources.gerrit.GerritFixtures.bytes;
import static dev.liaison.sources.gerrit.GerritFixtures.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gerrit answer and ChangeInfo parsers on real-shaped, broken, truncated, mis-encoded and oversized input. */
class GerritParsersTest {

    static final String BASE = "https://review.opendev.org/";

    static Item item(ObjectNode c) throws GerritFormatException {
        return GerritChanges.item(c, BASE, "nova-specs-reviews", "nova", GerritOptions.MAX_MESSAGE).item();
    }

    @Test
    void aMergedNovaSpecChangeIsAReviewItemThatProposesItsSpec() throws Exception {
        Item i = item(change(184645));
        assertThat(i.id()).isEqualTo("review:184645");
        assertThat(i.kind()).isEqualTo("review");
        assertThat(i.title()).isEqualTo("No more soft delete");
        assertThat(i.project()).isEqualTo("nova");
        assertThat(i.url()).isEqualTo("https://review.opendev.org/c/openstack/nova-specs/+/184645");
        assertThat(i.status()).isEqualTo("merged");
        assertThat(i.statusRaw()).isEqualTo("MERGED");
        assertThat(i.author()).isEqualTo("Alexis Lee");
        assertThat(i.created()).isEqualTo(Instant.parse("2015-05-20T22:55:39Z"));
        assertThat(i.updated()).isEqualTo(Instant.parse("2015-10-29T07:26:23Z"));
        assertThat(i.release()).isEqualTo("mitaka");
        assertThat(i.text()).contains("remove the SoftDeleteMixin").contains("Change-Id: If9200823");
        assertThat(i.refs()).extracting(Ref::target, Ref::relation).containsExactly(
                tuple("spec:nova/no-more-soft-delete", "proposes"),
                tuple("bp:nova/no-more-soft-delete", "implements"));
        assertThat(i.attributes()).containsEntry("branch", "master").containsEntry("gerritProject", "openstack/nova-specs")
                .containsEntry("topic", "bp/no-more-soft-delete").containsEntry("changeId", "If9200823f472fd3e9c32a8e61f235539ec7de8a5")
                .containsEntry("number", 184645L).containsEntry("patchSet", 1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) i.attributes().get("specFiles");
        assertThat(files).singleElement().satisfies(f -> assertThat(f).containsEntry("path", "specs/mitaka/approved/no-more-soft-delete.rst")
                .containsEntry("spec", "spec:nova/no-more-soft-delete").containsEntry("change", "proposes"));
    }

    @Test
    void anIronicSpecChangeInTheReleaseOnlyLayoutProposesTheIronicSpec() throws Exception {
        Item i = item(change(188528));
        assertThat(i.project()).isEqualTo("ironic");
        assertThat(i.title()).isEqualTo("Update of the Ironic Neutron Integration spec");
        assertThat(i.release()).isEqualTo("liberty");
        assertThat(i.refs()).extracting(Ref::target, Ref::relation).containsExactly(
                tuple("spec:ironic/ironic-ml2-integration", "proposes"),
                tuple("bp:ironic/ironic-ml2-integration", "implements"));
    }

    @Test
    void anAbandonedChangeWithoutRevisionOrOwnerNameStillIsAnItem() throws Exception {
        Item i = item(change(184637));
        assertThat(i.title()).isEqualTo("Purge soft deleted rows");
        assertThat(i.status()).isEqualTo("abandoned");
        assertThat(i.statusRaw()).isEqualTo("ABANDONED");
        assertThat(i.text()).isEmpty();
        assertThat(i.author()).isEqualTo("account 0");
        assertThat(i.refs()).isEmpty();
    }

    @Test
    void commitMessageTagsAndTopicsBecomeTypedReferences() throws Exception {
        ObjectNode c = change(184645);
        c.put("topic", "bug/1512345");
        c.put("status", "NEW");
        c.putArray("hashtags").add("nova-priority");
        ObjectNode commit = (ObjectNode) c.get("revisions").elements().next().get("commit");
        commit.put("message", "Fix the thing\n\nCloses-Bug: #1500001\nPartial-Bug: #1500002\nRelated-Bug: 1500003\n"
                + "Partially-Implements: blueprint cells-v2\nImplements: blueprint numa-topology\n"
                + "See https://review.openstack.org/#/c/184645/ and https://review.opendev.org/c/openstack/nova/+/200496/3\n"
                + "Change-Id: I0123\n");
        ObjectNode files = GerritFixtures.JSON.createObjectNode();
        files.set("specs/mitaka/approved/no-more-soft-delete.rst", GerritFixtures.JSON.createObjectNode());  // modified
        files.set("specs/mitaka/approved/removed.rst", GerritFixtures.JSON.createObjectNode().put("status", "D"));
        ((ObjectNode) c.get("revisions").elements().next()).set("files", files);
        Item i = item(c);
        assertThat(i.status()).isEqualTo("in-progress");
        assertThat(i.release()).isNull(); // it adds no spec
        assertThat(i.attributes().get("hashtags")).isEqualTo(List.of("nova-priority"));
        assertThat(i.refs()).extracting(Ref::target, Ref::relation).containsExactlyInAnyOrder(
                tuple("spec:nova/no-more-soft-delete", "amends"),
                tuple("bug:1500001", "closes"), tuple("bug:1500002", "partial"), tuple("bug:1500003", "related"),
                tuple("bp:nova/cells-v2", "partial"), tuple("bp:nova/numa-topology", "implements"),
                tuple("review:200496", "cites"), tuple("bug:1512345", "related"));
    }

    @Test
    void pagesWithAndWithoutTheXssiLineAndTheirMoreFlag() throws Exception {
        GerritPage p = GerritPage.parse(bytes(body(List.of(change(184645), change(188528)), true)));
        assertThat(p.hadXssiPrefix()).isTrue();
        assertThat(p.more()).isTrue();
        assertThat(p.changes()).hasSize(2);
        GerritPage last = GerritPage.parse(bytes(body(List.of(change(184645)), false)));
        assertThat(last.more()).isFalse();
        // A proxy that strips the guard line: the same list.
        GerritPage bare = GerritPage.parse(bytes(body(List.of(change(184645)), true).substring(5)));
        assertThat(bare.hadXssiPrefix()).isFalse();
        assertThat(bare.more()).isTrue();
        assertThat(bare.changes()).hasSize(1);
        assertThat(GerritPage.parse(bytes(")]}'\n[]\n")).changes()).isEmpty();
    }

    @Test
    void brokenTruncatedAndForeignAnswersAreClearErrors() {
        String good = body(List.of(change(184645), change(188528)), true);
        assertThatThrownBy(() -> GerritPage.parse(bytes(good.substring(0, good.length() / 2))))
                .isInstanceOf(GerritFormatException.class).hasMessageStartingWith("truncated JSON");
        assertThatThrownBy(() -> GerritPage.parse(bytes(")]}'\n[{\"_number\": 1,, }]")))
                .hasMessageStartingWith("malformed JSON at line 1");
        assertThatThrownBy(() -> GerritPage.parse(bytes("<!DOCTYPE html><html><body>Sign in</body></html>")))
                .hasMessageContaining("not a Gerrit change list").hasMessageContaining("<!DOCTYPE html>");
        assertThatThrownBy(() -> GerritPage.parse(bytes(")]}'\n")))
                .hasMessageContaining("cut off");
        assertThatThrownBy(() -> GerritPage.parse(new byte[0])).hasMessageContaining("empty answer");
        assertThatThrownBy(() -> GerritPage.parse(bytes(")]}'\n{\"message\": \"not a list\"}")))
                .hasMessageContaining("not a Gerrit change list");
    }

    @Test
    void aMisEncodedByteCostsOneCharacterNotThePage() throws Exception {
        ObjectNode c = change(188528);
        c.put("subject", "Update of the Ironic Neutron Integration spec MARKER");
        byte[] utf8 = bytes(body(List.of(c, change(184645)), false));
        String s = new String(utf8, StandardCharsets.UTF_8);
        int at = s.indexOf("MARKER");
        byte[] broken = Arrays.copyOf(utf8, utf8.length);
        broken[at] = (byte) 0xE9; // a Latin-1 é where UTF-8 was promised
        GerritPage p = GerritPage.parse(broken);
        assertThat(p.changes()).hasSize(2);
        Item i = item((ObjectNode) p.changes().get(0));
        assertThat(i.title()).isEqualTo("Update of the Ironic Neutron Integration spec \uFFFDARKER");
        assertThat(item((ObjectNode) p.changes().get(1)).title()).isEqualTo("No more soft delete");
    }

    @Test
    void aHugeCommitMessageIsCutForTheTextButItsReferencesAreKept() throws Exception {
        ObjectNode c = change(184645);
        ObjectNode commit = (ObjectNode) c.get("revisions").elements().next().get("commit");
        String huge = "No more soft delete\n\n" + "x".repeat(3_000_000) + "\nCloses-Bug: #1555555\n";
        commit.put("message", huge);
        byte[] body = bytes(body(List.of(c), false));
        GerritPage p = GerritPage.parse(body);
        GerritChanges.Parsed parsed = GerritChanges.item(p.changes().get(0), BASE, "s", "nova", 65_536);
        assertThat(parsed.item().text()).hasSizeLessThan(66_000).endsWith("characters cut to 65536]");
        assertThat(parsed.note()).contains("commit message of " + huge.length() + " characters cut to 65536");
        assertThat(parsed.item().refs()).extracting(Ref::target).contains("bug:1555555", "spec:nova/no-more-soft-delete");
    }

    @Test
    void aChangeWithoutNumberOrWithABadTimeIsAnErrorNamingIt() {
        ObjectNode noNumber = change(184645);
        noNumber.remove("_number");
        assertThatThrownBy(() -> item(noNumber)).isInstanceOf(GerritFormatException.class)
                .hasMessageContaining("without a valid _number").hasMessageContaining("nova-specs~master~If9200823");
        ObjectNode badTime = change(184645);
        badTime.put("updated", "20 Oct 2015");
        assertThatThrownBy(() -> item(badTime)).hasMessageContaining("change 184645: 'updated' is not a Gerrit time");
        ObjectNode noTime = change(184645);
        noTime.remove("updated");
        assertThatThrownBy(() -> item(noTime)).hasMessageContaining("no 'updated' time");
    }

    @Test
    void gerritTimesAreUtcWithOptionalFractions() {
        assertThat(GerritChanges.parseTime("2017-07-20 12:09:11.306000000")).isEqualTo(Instant.parse("2017-07-20T12:09:11.306Z"));
        assertThat(GerritChanges.parseTime("2017-07-20 12:09:11")).isEqualTo(Instant.parse("2017-07-20T12:09:11Z"));
        assertThat(GerritChanges.queryTime(Instant.parse("2017-07-20T12:09:11.306Z"))).isEqualTo("2017-07-20 12:09:11.306");
        assertThat(GerritChanges.projectOf("openstack/nova-specs", null)).isEqualTo("nova");
        assertThat(GerritChanges.projectOf("openstack/python-novaclient", null)).isEqualTo("python-novaclient");
        assertThat(GerritChanges.projectOf(null, "nova")).isEqualTo("nova");
    }

}
