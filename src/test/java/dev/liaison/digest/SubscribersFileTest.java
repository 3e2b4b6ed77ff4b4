package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.config.ConfigException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscribersFileTest {

    static final Set<String> STORIES = Set.of("rolling-upgrades", "quotas");

    @Test
    void badEntriesAreReportedAndSkippedWhileTheOthersLoad() {
        SubscribersFile.Result r = SubscribersFile.parse("subscribers.yaml", """
                subscribers:
                  - address: Owner@Example.org
                    name: Story Owner
                    timezone: Europe/Berlin
                    hour: 7
                    stories: [rolling-upgrades]
                    pages: [nova-priorities-newton]
                  - address: "not an address"
                  - address: lead@example.org
                    timezone: Mars/Olympus
                  - address: pm@example.org
                    stories: [no-such-story]
                  - address: late@example.org
                    hour: 25
                  - address: extra@example.org
                    colour: blue
                  - address: "evil@example.org\\r\\nBcc: all@example.org"
                  - address: owner@example.org
                  - address: ops@example.org
                    projects: [nova]
                    digest: false
                """, STORIES::contains);
        assertThat(r.subscribers()).extracting(Subscriber::address).containsExactly("owner@example.org", "pm@example.org", "ops@example.org");
        assertThat(r.subscribers().get(1).stories()).as("kept: the story may come later").containsExactly("no-such-story");
        assertThat(r.notices()).containsExactly("subscribers.yaml: subscriber 'pm@example.org': story 'no-such-story' "
                + "does not exist yet; kept, followed from when it is imported");
        Subscriber owner = r.subscribers().get(0);
        assertThat(owner.hour()).isEqualTo(7);
        assertThat(owner.timezone().getId()).isEqualTo("Europe/Berlin");
        assertThat(owner.pages()).containsExactly("nova-priorities-newton");
        assertThat(r.subscribers().get(2).digest()).isFalse();
        assertThat(r.problems()).hasSize(6);
        assertThat(String.join("\n", r.problems()))
                .contains("subscriber 'not an address': key 'address': 'not an address' is not a mail address")
                .contains("subscriber 'lead@example.org': key 'timezone': unknown timezone 'Mars/Olympus'")
                .contains("subscriber 'late@example.org': key 'hour': 25 is not an hour 0..23")
                .contains("subscriber 'extra@example.org': key 'colour': unknown key")
                .contains("subscriber 'owner@example.org': key 'address': listed twice")
                .contains("is not a mail address (entry skipped)");
        assertThat(r.problems()).allMatch(p -> !p.contains("\n") && !p.contains("\r"));
    }

    @Test
    void aBrokenFileIsAConfigurationError() {
        assertThatThrownBy(() -> SubscribersFile.parse("subscribers.yaml", "subscribers: [", s -> true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> SubscribersFile.parse("subscribers.yaml", "subscribers: 3", s -> true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'subscribers' list");
        assertThat(SubscribersFile.parse("subscribers.yaml", "", s -> true).subscribers()).isEmpty();
    }
}
