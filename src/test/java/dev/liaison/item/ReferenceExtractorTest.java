package dev.liaison.item;

import static org.assertj.core.api.Assertions.assertThat;


import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceExtractorTest {

    static List<String> targets(String text) {
        return ReferenceExtractor.extract(text, "nova").stream().map(Ref::target).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "https://bugs.launchpad.net/nova/+bug/1521928 | bug:1521928",
            "see https://launchpad.net/bugs/1404867 please | bug:1404867",
            "Closes-Bug: #1467582 | bug:1467582",
            "fixes bug #1443898 in compute | bug:1443898",
            "LP: #1505471 | bug:1505471",
            "LP #1505471 | bug:1505471",
            "see bug 1521928 | bug:1521928",
            "https://blueprints.launchpad.net/nova/+spec/online-schema-changes | bp:nova/online-schema-changes",
            "Implements: blueprint online-schema-changes | bp:nova/online-schema-changes",
            "topic:bp/cells-v2-multi-cell | bp:nova/cells-v2-multi-cell",
            "this work is tracked in blueprint cells-v2-multi-cell | bp:nova/cells-v2-multi-cell",
            "Implements: blueprint multiattach | bp:nova/multiattach",
            "Blueprint: multiattach | bp:nova/multiattach",
            "http://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/online-schema-changes.html | spec:nova/online-schema-changes",
            "https://specs.openstack.org/openstack/nova-specs/specs/2023.1/approved/assisted-volume-extend.html | spec:nova/assisted-volume-extend",
            "https://opendev.org/openstack/nova-specs/src/branch/master/specs/newton/approved/ironic-multiple-compute-hosts.rst | spec:nova/ironic-multiple-compute-hosts",
            "https://review.openstack.org/#/c/215315/ | review:215315",
            "https://review.opendev.org/c/openstack/nova/+/876543 | review:876543",
            "https://review.openstack.org/198789 | review:198789",
            "https://review.openstack.org/#/c/207209/8 | review:207209",
            "https://review.opendev.org/#/c/277853 | review:277853",
            "https://review.opendev.org/c/openstack/nova-specs/+/184645/3 | review:184645",
            "https://review.opendev.org/#/c/openstack/nova/+/876543/ | review:876543",
            "https://review.opendev.org/c/876543 | review:876543",
            "see review.openstack.org/290977 for the spec | review:290977",
            "http://lists.openstack.org/pipermail/openstack-dev/2015-December/082765.html | mail:openstack-dev/2015-December/082765",
            "https://lists.openstack.org/archives/list/openstack-discuss@lists.openstack.org/thread/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567/ | thread:openstack-discuss/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    })
    void findsTypedReferences(String text, String target) {
        assertThat(targets(text)).containsExactly(target);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "debug: 500",
            "DEBUG #500 messages",
            "the debugger bug-fix release 2015",
            "a blueprint is a plan",
            "This blueprint proposes adding a new filter",
            "The blueprint describes nothing; the blueprint introduces less",
            "ebp/foo-bar is not a blueprint",
            "https://example.org/+bug/123 is another tracker",
            "issue #1234 on github",
            "https://myreview.openstack.org/12345 is not Gerrit",
            "https://review.openstack.org/#/q/status:open is a query",
    })
    void wordBoundariesMatter(String text) {
        assertThat(targets(text)).isEmpty();
    }

    @Test
    void aTypedRelationBeatsAPlainCitationAndEvidenceIsASnippet() {
        String text = "This change fixes https://bugs.launchpad.net/nova/+bug/1467582 for good.\n\nCloses-Bug: #1467582\n";
        List<Ref> refs = ReferenceExtractor.extract(text, "nova");
        assertThat(refs).hasSize(1);
        assertThat(refs.get(0).relation()).isEqualTo("closes");
        assertThat(refs.get(0).evidence()).contains("Closes-Bug: #1467582");
    }

    @Test
    void emptyAndHugeInputAreFine() {
        assertThat(ReferenceExtractor.extract(null, "nova")).isEmpty();
        assertThat(ReferenceExtractor.extract("", "nova")).isEmpty();
        String huge = "bug #1234567 ".repeat(50_000);
        assertThat(targets(huge)).containsExactly("bug:1234567");
    }
}
