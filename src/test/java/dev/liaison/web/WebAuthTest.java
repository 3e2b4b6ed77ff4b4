package dev.liaison.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Sessions of the pages end after their lifetime; repeated failed sign-ins are slowed. */
class WebAuthTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    final WebAuth auth = new WebAuth("s3cret", Duration.ofHours(4), clock);

    static String cookie(String session) {
        return "theme=dark; " + WebAuth.SESSION_COOKIE + "=" + session;
    }

    @Test
    void aSessionEndsAfterItsLifetime() {
        String session = auth.login("s3cret");
        assertThat(auth.validSession(cookie(session))).isTrue();
        clock.advance(Duration.ofHours(4).minusSeconds(1));
        assertThat(auth.validSession(cookie(session))).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(auth.validSession(cookie(session))).as("expired").isFalse();
        assertThat(auth.validSession(cookie(session))).as("and forgotten").isFalse();
        assertThat(auth.validSession(cookie("made-up"))).isFalse();
        assertThat(auth.validSession(null)).isFalse();
    }

    @Test
    void repeatedFailedSignInsAreRefusedForAGrowingWaitEvenWithTheRightToken() {
        for (int i = 0; i < WebAuth.FREE_FAILURES; i++) {
            assertThatThrownBy(() -> auth.login("guess")).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(403));
        }
        // Now waiting 2 s: even the right token is refused until then.
        assertThatThrownBy(() -> auth.login("s3cret")).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(429))
                .hasMessageContaining("try again in");
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> auth.login("guess again")).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(403));
        // The next wait is longer (4 s).
        clock.advance(Duration.ofSeconds(3));
        assertThatThrownBy(() -> auth.login("s3cret")).satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(429));
        clock.advance(Duration.ofSeconds(1));
        String session = auth.login("s3cret");
        assertThat(auth.validSession(cookie(session))).isTrue();
        // A success resets the count.
        assertThatThrownBy(() -> auth.login("typo")).satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(403));
        assertThat(auth.login("s3cret")).isNotBlank();
    }
}
