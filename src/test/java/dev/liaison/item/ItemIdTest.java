package dev.liaison.item;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The id grammar read in one place: kind, project and address of every prefix, and ids round-trip through their URL. */
class ItemIdTest {

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "spec:nova/online-schema-changes | spec      | nova   | -",
            "bp:cinder/volume-multiattach      | blueprint | cinder | https://blueprints.launchpad.net/cinder/+spec/volume-multiattach",
            "bug:1521928                       | bug       | -      | https://bugs.launchpad.net/bugs/1521928",
            "review:295543                     | review    | -      | https://review.opendev.org/#/c/295543/",
            "mail:product-wg/2015-September/000123 | mail  | -      | -",
            "thread:product-wg/abc             | mail      | -      | -",
            "page:nova-priorities              | page      | -      | -",
            "no-prefix                         | -         | -      | -"}, delimiter = '|')
    void whatAnIdSaysByItself(String id, String kind, String project, String address) {
        assertThat(ItemId.kindOf(id)).isEqualTo(kind);
        assertThat(ItemId.projectOf(id)).isEqualTo(project);
        assertThat(ItemId.addressOf(id)).isEqualTo(address);
    }

    @ParameterizedTest
    @CsvSource({"spec:nova/online-schema-changes", "bp:cinder/volume-multiattach", "bug:1521928", "review:295543",
            "mail:product-wg/2015-September/000123"})
    void theUrlOfAnIdIsReadBackAsTheSameId(String id) {
        assertThat(ReferenceExtractor.extract(ItemId.urlOf(id), null)).extracting(Ref::target).contains(id);
    }

    @ParameterizedTest
    @CsvSource({"spec, nova, x, spec:nova/x", "bp, Nova, x, bp:nova/x"})
    void formatsLowerCaseTheProject(String kind, String project, String name, String id) {
        assertThat(kind.equals("spec") ? ItemId.spec(project, name) : ItemId.blueprint(project, name)).isEqualTo(id);
        assertThat(ItemId.bug(7)).isEqualTo("bug:7");
        assertThat(ItemId.review(42)).isEqualTo("review:42");
        assertThat(ItemId.isItemId(id)).isTrue();
        assertThat(ItemId.isItemId("https://example.org")).isFalse();
    }
}
