package dev.liaison.item;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventDataTest {

    private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

    private static Event event(String type, Map<String, Object> data) {
        return new Event(type + ":x", type, AT, "src", "spec:nova/a", data);
    }

    @Test
    void everyTypedPayloadReadsBackAsWritten() {
        List<EventData> all = List.of(
                new EventData.ItemNew("spec", "Rolling upgrades", "approved", "https://specs.openstack.org/x.html"),
                new EventData.ItemChanged("spec", "Rolling upgrades", "h2", "h1"),
                new EventData.ItemStatus("bp", "Cells", "New", "Implemented", "2024.1", "2024.2", "proposed", "implemented"),
                new EventData.LinkChange(EventData.LinkChange.NEW, "rolling-upgrades", "declared", 1.0, "suggested", "tracker lists it"),
                new EventData.LinkChange(EventData.LinkChange.CONFIRMED, "rolling-upgrades", "similar", 0.42, "confirmed", null),
                new EventData.SourceUnhealthy(3, "HTTP 503 (after 4 attempts)", "pipermail"),
                EventData.PageChanged.of("https://wiki.openstack.org/p", "Priorities", 7, "h7", "h6", "2026-12-02T10:00:00Z",
                        "2026-12-03T10:00:00Z", Map.of("summary", "1 item added", "unifiedDiff", "+ x",
                                "listItemsAdded", List.of(Map.of("section", "Nova", "text", "x")))));
        for (EventData d : all) {
            assertThat(EventData.of(event(d.type(), d.toMap()))).as(d.type()).isEqualTo(d);
        }
    }

    @Test
    void aPageChangeKeepsItsStructuredDifferencesApartFromItsFields() {
        EventData.PageChanged p = EventData.PageChanged.of("u", "t", 2, "h2", "h1", "a", "b",
                Map.of("summary", "s", "unifiedDiff", "d", "url", "not this one", "sectionsAdded", List.of(Map.of("section", "New"))));
        assertThat(p.summary()).isEqualTo("s");
        assertThat(p.unifiedDiff()).isEqualTo("d");
        assertThat(p.url()).isEqualTo("u");
        assertThat(p.differences()).containsOnlyKeys("sectionsAdded");
        assertThat(p.toMap()).containsEntry("url", "u").containsEntry("summary", "s").containsKey("sectionsAdded");
    }

    @Test
    void eventsWrittenByOlderVersionsOrWithBrokenFieldsStillRead() {
        EventData.LinkChange link = (EventData.LinkChange) EventData.of(event("link.new", Map.of("story", "s", "confidence", " 0.5 ")));
        assertThat(link.confidence()).isEqualTo(0.5);
        assertThat(link.how()).isNull();
        EventData.LinkChange garbled = (EventData.LinkChange) EventData.of(event("link.new", Map.of("confidence", "high")));
        assertThat(garbled.confidence()).isNull();
        EventData.SourceUnhealthy u = (EventData.SourceUnhealthy) EventData.of(event("source.unhealthy", Map.of()));
        assertThat(u.failures()).isNull();
        assertThat(u.toMap()).isEmpty();
        EventData.PageChanged p = (EventData.PageChanged) EventData.of(event("page.changed", Map.of("version", 3L)));
        assertThat(p.version()).isEqualTo(3L);
        assertThat(p.differences()).isEmpty();
    }

    @Test
    void anUnknownTypeKeepsItsDataAndALinkPayloadRefusesAnotherType() {
        EventData other = EventData.of(event("something.else", Map.of("k", "v")));
        assertThat(other).isEqualTo(new EventData.Other("something.else", Map.of("k", "v")));
        assertThatThrownBy(() -> new EventData.LinkChange("item.new", "s", "how", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
