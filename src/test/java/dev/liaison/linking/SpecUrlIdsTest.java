package dev.liaison.linking;

import dev.liaison.item.ReferenceExtractor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Ref;
import dev.liaison.item.SpecIds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec URLs of every published layout map to the one item per (project, name); old ids still resolve. */
class SpecUrlIdsTest {

    static List<String> specs(String text) {
        return ReferenceExtractor.extract(text, "nova").stream().filter(r -> r.type().equals(Ref.SPEC)).map(Ref::target).toList();
    }

    @Test
    void everyLayoutsUrlGivesTheProjectAndName() {
        String base = "https://specs.openstack.org/openstack/";
        assertThat(specs(base + "cinder-specs/specs/2024.1/quota-system.html")).containsExactly("spec:cinder/quota-system");
        assertThat(specs(base + "keystone-specs/specs/keystonemiddleware/juno/service-tokens.html"))
                .as("the project is the site's, not the deliverable folder's").containsExactly("spec:keystone/service-tokens");
        assertThat(specs(base + "glance-specs/specs/2026.1/approved/glance_store/rbd-erasure-coded-pools.html"))
                .containsExactly("spec:glance/rbd-erasure-coded-pools");
        assertThat(specs(base + "ironic-specs/specs/not-implemented/async-metrics.html")).containsExactly("spec:ironic/async-metrics");
        assertThat(specs(base + "nova-specs/specs/liberty/approved/x-y.html " + base + "nova-specs/specs/mitaka/implemented/x-y.html"))
                .as("two releases of one spec: one item").containsExactly("spec:nova/x-y");
        assertThat(specs("https://opendev.org/openstack/neutron-specs/src/branch/master/specs/backlog/pike/diagnostics.rst"))
                .containsExactly("spec:neutron/diagnostics");
        assertThat(specs(base + "nova-specs/specs/kilo/index.html " + base + "nova-specs/specs/kilo/template.html "
                + base + "keystone-specs/specs/keystone/backlog/README.html")).isEmpty();
    }

    @Test
    void oldIdsMapToTheOneItemAndCrossProjectSpecsKeepTheirFolder() {
        assertThat(SpecIds.canonical("spec:nova/liberty/online-schema-changes")).isEqualTo("spec:nova/online-schema-changes");
        assertThat(SpecIds.canonical("spec:nova/online-schema-changes")).isEqualTo("spec:nova/online-schema-changes");
        assertThat(SpecIds.canonical("spec:openstack/cross-project/eventlet-best-practices"))
                .isEqualTo("spec:openstack/cross-project/eventlet-best-practices");
        assertThat(SpecIds.canonical("bp:nova/a/b")).isEqualTo("bp:nova/a/b");
        assertThat(SpecIds.isOld("spec:cinder/2024.1/quota-system")).isTrue();
        assertThat(SpecIds.isOld("spec:cinder/quota-system")).isFalse();
        assertThat(Trackers.urlOf("spec:cinder/quota-system")).as("exported, imported back to the same id")
                .satisfies(url -> assertThat(specs(url)).containsExactly("spec:cinder/quota-system"));
    }
}
