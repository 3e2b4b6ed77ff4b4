package dev.liaison.item;

import static org.assertj.core.api.Assertions.assertThat;


import java.util.List;
import org.junit.jupiter.api.Test;

/** Story references, and the typed references the linker relies on (existing behaviour kept). */
class ReferenceExtractorStoryTest {

    static List<String> targets(String text) {
        return ReferenceExtractor.extract(text, "nova").stream().map(Ref::target).toList();
    }

    @Test
    void storyUrlsInTheShapesTheRepositoriesServe() {
        assertThat(targets("see https://github.com/openstack/openstack-user-stories/blob/master/user-stories/proposed/rolling-upgrades.rst"))
                .containsExactly("story:rolling-upgrades");
        assertThat(targets("https://github.com/openstack/openstack-user-stories/tree/master/user-stories/proposed/categorized-configs.rst"))
                .containsExactly("story:categorized-configs");
        assertThat(targets("http://git.openstack.org/cgit/openstack/openstack-user-stories/tree/user-stories/proposed/ha_vm.rst"))
                .containsExactly("story:ha-vm");
        assertThat(targets("https://opendev.org/openstack/openstack-user-stories/src/branch/master/user-stories/tracked/rolling-upgrades/rolling-upgrades.rst"))
                .containsExactly("story:rolling-upgrades");
        assertThat(targets("https://specs.openstack.org/openstack/openstack-user-stories/user-stories/proposed/fleet-management.html"))
                .containsExactly("story:fleet-management");
    }

    @Test
    void theQuickWordChecksBeforeEachPatternMissNothing() {
        // A product-wg URL need not contain "stor"; upper case must not hide a typed footer.
        assertThat(targets("https://github.com/openstack/product-wg/blob/master/ha-vm.rst")).containsExactly("story:ha-vm");
        assertThat(ReferenceExtractor.extractStories("https://github.com/openstack/product-wg/blob/master/ha-vm.rst"))
                .extracting(Ref::target).containsExactly("story:ha-vm");
        assertThat(ReferenceExtractor.extract("CLOSES-BUG: #1521928", "nova")).singleElement()
                .satisfies(r -> assertThat(r.relation()).isEqualTo("closes"));
        assertThat(targets("LP #1521928 and BLUEPRINT online-schema-changes, see HTTPS://review.opendev.org/c/openstack/nova/+/123456"))
                .containsExactly("bug:1521928", "bp:nova/online-schema-changes");
        assertThat(targets("plain prose about boots, upgrades and reviews")).isEmpty();
    }

    @Test
    void storySlugsInText() {
        List<Ref> refs = ReferenceExtractor.extract("Implements the work.\nUser-Story: rolling-upgrades\n", "nova");
        assertThat(refs).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo(Ref.STORY);
            assertThat(r.target()).isEqualTo("story:rolling-upgrades");
            assertThat(r.relation()).isEqualTo("declares");
            assertThat(r.evidence()).contains("User-Story: rolling-upgrades");
        });
        assertThat(targets("This serves the user story `complex-instance-placement` directly")).containsExactly("story:complex-instance-placement");
        assertThat(targets("tracked as story/db-hygiene")).containsExactly("story:db-hygiene");
        assertThat(targets("a user story about quotas; the user story is good")).as("needs a slug, not a word").isEmpty();
        assertThat(targets("https://github.com/openstack/nova/blob/master/README.rst")).isEmpty();
    }

    @Test
    void typedReferencesWithWordBoundaries() {
        assertThat(targets("debug: 500 errors; rebug #123456")).isEmpty();
        assertThat(ReferenceExtractor.extract("Closes-Bug: #1521928", "nova")).singleElement()
                .satisfies(r -> assertThat(r.relation()).isEqualTo("closes"));
        assertThat(targets("Implements: blueprint online-schema-changes")).containsExactly("bp:nova/online-schema-changes");
        assertThat(targets("https://blueprints.launchpad.net/nova/+spec/centralize-config-options-newton"))
                .containsExactly("bp:nova/centralize-config-options-newton");
        assertThat(targets("https://review.openstack.org/#/c/295543 (WIP)")).containsExactly("review:295543");
        assertThat(targets("https://github.com/openstack/nova-specs/blob/master/specs/mitaka/approved/cells-db-connection-switching.rst"))
                .containsExactly("spec:nova/cells-db-connection-switching");
    }
}
