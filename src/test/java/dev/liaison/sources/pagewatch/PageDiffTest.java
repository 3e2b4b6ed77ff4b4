package dev.liaison.sources.pagewatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageDiffTest {

    private static Map<String, Object> diff(String before, String after) throws PageException {
        return PageDiff.diff(PageFixtures.extract(before), PageFixtures.extract(after), "old", "new");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> diff, String key) {
        return (List<Map<String, Object>>) diff.get(key);
    }

    @Test
    void kiloFilledOutNamesTheNewPrioritiesTheirOwnersAndSections() throws Exception {
        List<PageFixtures.Version> kilo = PageFixtures.history("kilo");
        Map<String, Object> d = diff(kilo.get(0).html(), kilo.get(1).html());

        assertThat(list(d, "tableRowsAdded")).extracting(r -> r.get("row")).containsExactly("Priority", "Cells V2", "Objects",
                "Scheduler", "V2.1 API", "Functional testing", "Nova-network/Neutron Migration", "No downtime DB upgrades",
                "Bugs", "CI");
        assertThat(list(d, "tableRowsAdded")).filteredOn(r -> r.get("row").equals("Cells V2")).singleElement()
                .satisfies(r -> {
                    assertThat(r.get("cells")).isEqualTo(List.of("Cells V2", "Andrew Laski"));
                    assertThat(r.get("columns")).isEqualTo(List.of("Priority", "Owner"));
                    assertThat(r.get("links")).isEqualTo(List.of("https://launchpad.net/~alaski"));
                });
        assertThat(list(d, "sectionsAdded")).extracting(s -> s.get("section")).contains("Cells v2", "Objects", "Scheduler",
                "V2.1 API", "Bugs", "CI");
        assertThat(list(d, "sectionsRemoved")).isEmpty();
        assertThat(list(d, "tableRowsChanged")).isEmpty();
        assertThat(d.get("summary").toString()).contains("sections added", "10 table rows added");
        assertThat(d.get("unifiedDiff").toString()).startsWith("--- old\n+++ new\n@@ ")
                .contains("\n+| Cells V2 | Andrew Laski |  <https://launchpad.net/~alaski>\n", "\n+## Cells v2\n");
    }

    @Test
    void mitakaLinkFixIsOneChangedTableRowNamingTheLink() throws Exception {
        List<PageFixtures.Version> mitaka = PageFixtures.history("mitaka");
        Map<String, Object> d = diff(mitaka.get(1).html(), mitaka.get(2).html());

        assertThat(list(d, "tableRowsChanged")).singleElement().satisfies(r -> {
            assertThat(r.get("section")).isEqualTo("Mitaka Project Priorities");
            assertThat(r.get("row")).isEqualTo("Scheduler");
            assertThat(r.get("linksAdded")).isEqualTo(List.of("https://launchpad.net/~sylvain-bauza"));
            assertThat(r.get("cells")).as("the text is the same, only the link is new").isEqualTo(List.of());
        });
        assertThat(d.get("linksAdded")).isEqualTo(List.of("https://launchpad.net/~sylvain-bauza"));
        for (String key : List.of("sectionsAdded", "sectionsRemoved", "sectionsChanged", "listItemsAdded", "listItemsRemoved",
                "listItemsChanged", "tableRowsAdded", "tableRowsRemoved")) {
            assertThat(list(d, key)).as(key).isEmpty();
        }
        assertThat(d.get("summary")).isEqualTo("1 table row changed (Scheduler); 1 link added");
        assertThat(d.get("unifiedDiff").toString())
                .contains("\n-| Scheduler | Sylvain Bauza, Jay Pipes |  <https://launchpad.net/~jaypipes>\n")
                .contains("\n+| Scheduler | Sylvain Bauza, Jay Pipes |  <https://launchpad.net/~sylvain-bauza https://launchpad.net/~jaypipes>\n");
    }

    private static String page(String table, String list, String text) {
        return "<html><body><div class='body' role='main'><section><h1>Newton Priorities</h1><table><tr><th>Priority</th>"
                + "<th>Owner</th></tr>" + table + "</table><section><h2>Goals</h2><ul>" + list + "</ul><p>" + text
                + "</p></section></section></div></body></html>";
    }

    @Test
    void anOwnerChangeIsAChangedRowColumnByColumn() throws Exception {
        Map<String, Object> d = diff(
                page("<tr><td>Cells v2</td><td>Andrew Laski</td></tr><tr><td>Scheduler</td><td>Jay Pipes</td></tr>", "", "x"),
                page("<tr><td>Cells v2</td><td>Dan Smith</td></tr><tr><td>Scheduler</td><td>Jay Pipes</td></tr>"
                        + "<tr><td>Placement</td><td>Chris Dent</td></tr>", "", "x"));

        assertThat(list(d, "tableRowsChanged")).singleElement().satisfies(r -> {
            assertThat(r.get("row")).isEqualTo("Cells v2");
            assertThat(r.get("cells")).isEqualTo(List.of(Map.of("column", "Owner", "before", "Andrew Laski", "after", "Dan Smith")));
            assertThat(r.get("before")).isEqualTo(List.of("Cells v2", "Andrew Laski"));
            assertThat(r.get("after")).isEqualTo(List.of("Cells v2", "Dan Smith"));
        });
        assertThat(list(d, "tableRowsAdded")).extracting(r -> r.get("cells")).containsExactly(List.of("Placement", "Chris Dent"));
        assertThat(d.get("summary")).isEqualTo("1 table row added; 1 table row changed (Cells v2)");
    }

    @Test
    void listItemsAddedRemovedAndChangedAndParagraphsOfASection() throws Exception {
        Map<String, Object> d = diff(
                page("", "<li>Finish the cells v2 migration</li><li>Drop nova-network</li><li>Keep CI green</li>", "Old plan."),
                page("", "<li>Finish the cells v2 migration in Newton</li><li>Keep CI green</li><li>Add placement API</li>", "New plan."));

        assertThat(list(d, "listItemsChanged")).singleElement().satisfies(i -> {
            assertThat(i.get("section")).isEqualTo("Goals");
            assertThat(i.get("before")).isEqualTo("Finish the cells v2 migration");
            assertThat(i.get("after")).isEqualTo("Finish the cells v2 migration in Newton");
        });
        assertThat(list(d, "listItemsRemoved")).extracting(i -> i.get("text")).containsExactly("Drop nova-network");
        assertThat(list(d, "listItemsAdded")).extracting(i -> i.get("text")).containsExactly("Add placement API");
        assertThat(list(d, "sectionsChanged")).singleElement().satisfies(s -> {
            assertThat(s.get("section")).isEqualTo("Goals");
            assertThat(s.get("paragraphsAdded")).isEqualTo(List.of("New plan."));
            assertThat(s.get("paragraphsRemoved")).isEqualTo(List.of("Old plan."));
        });
    }

    @Test
    void aHugeChangeIsSummarisedWithinBounds() throws Exception {
        StringBuilder before = new StringBuilder("<html><body><main><h1>Big</h1><table>");
        StringBuilder after = new StringBuilder("<html><body><main><h1>Big</h1><table>");
        for (int i = 0; i < 6_000; i++) {
            before.append("<tr><td>old ").append(i).append("</td><td>").append("o".repeat(3_000)).append("</td></tr>");
            after.append("<tr><td>new ").append(i).append("</td><td>owner</td></tr>");
        }
        Map<String, Object> d = diff(before.append("</table></main></body></html>").toString(),
                after.append("</table></main></body></html>").toString());

        assertThat(list(d, "tableRowsAdded")).hasSize(PageDiff.MAX_ENTRIES);
        assertThat(list(d, "tableRowsRemoved")).hasSize(PageDiff.MAX_ENTRIES)
                .allSatisfy(r -> assertThat(((List<?>) r.get("cells")).get(1).toString()).hasSizeLessThan(PageDiff.MAX_ENTRY_TEXT + 10));
        assertThat(d.get("unifiedDiff").toString()).hasSizeLessThan(UnifiedDiff.MAX_CHARS + 100).endsWith("characters]\n");
        assertThat(d.get("summary").toString()).as("true counts, within the extraction limits: 5000 blocks, 1M characters").isEqualTo("4999 table rows added; 332 table rows removed");
    }

    @Test
    void unifiedDiffHasHunksWithContext() {
        List<String> a = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
        List<String> b = List.of("1", "2", "3", "4", "5", "six", "7", "8", "9", "10", "11", "12", "13", "14", "15");

        assertThat(UnifiedDiff.diff(a, b, "a", "b")).isEqualTo("""
                --- a
                +++ b
                @@ -3,7 +3,7 @@
                 3
                 4
                 5
                -6
                +six
                 7
                 8
                 9
                @@ -12,3 +12,4 @@
                 12
                 13
                 14
                +15
                """);
    }
}
