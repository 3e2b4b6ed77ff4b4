package dev.liaison.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void intervalsBecomeTimerRoutes() {
        Schedule s = Schedule.parse("30m");
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.camelUri("nova-bugs", Duration.ofSeconds(5))).isEqualTo("timer:liaison-nova-bugs?period=1800000&delay=5000");
        assertThat(Schedule.parse("PT6H").interval()).isEqualTo(Duration.ofHours(6));
        assertThat(Schedule.parse("1d").interval()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void unixAndQuartzCronBecomeQuartzRoutes() {
        Schedule unix = Schedule.parse("15 */2 * * *");
        assertThat(unix.quartzCron()).isEqualTo("0 15 */2 * * ?");
        assertThat(unix.camelUri("x", Duration.ZERO)).isEqualTo("quartz:liaison/x?cron=0+15+*/2+*+*+?");
        assertThat(Schedule.parse("0 30 6 ? * MON-FRI").isCron()).isTrue();
        assertThat(Schedule.parse("0 6 * * 1").quartzCron()).isEqualTo("0 0 6 ? * 1");
    }

    @Test
    void nonsenseIsRefusedWithAReason() {
        assertThatThrownBy(() -> Schedule.parse("61 * * * *")).hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> Schedule.parse("100ms")).hasMessageContaining("shorter than 1s");
        assertThatThrownBy(() -> Schedule.parse("")).hasMessageContaining("required");
        assertThatThrownBy(() -> Schedule.parse("every day")).hasMessageContaining("neither an interval");
        assertThatThrownBy(() -> Schedule.parse("PXYZ")).hasMessageContaining("not an ISO-8601 duration");
    }
}
