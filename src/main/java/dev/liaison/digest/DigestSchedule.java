package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a subscriber's digest is due: once per local day, at their hour in their timezone. The
 * period key is the local date. Across daylight-saving changes the hour is kept in local time: an
 * hour that does not exist that day (the spring gap) is taken as the first instant after the gap,
 * an hour that happens twice (autumn) the first time it happens.
 */
public final class DigestSchedule {

    private DigestSchedule() {}

    /** The instant the digest of {@code date} is due for this subscriber. */
    public static Instant dueAt(Subscriber s, LocalDate date) {
        return ZonedDateTime.of(date, LocalTime.of(s.hour(), 0), s.timezone()).toInstant();
    }

    /** The period whose digest is due now and not yet sent, if any. */
    public static Optional<String> duePeriod(Subscriber s, String lastPeriod, Instant now) {
        LocalDate today = now.atZone(s.timezone()).toLocalDate();
        if (now.isBefore(dueAt(s, today))) {
            return Optional.empty();
        }
        return today.toString().equals(lastPeriod) ? Optional.empty() : Optional.of(today.toString());
    }

    /** Today's period for this subscriber, whatever the hour (for "send now"). */
    public static String currentPeriod(Subscriber s, Instant now) {
        return now.atZone(s.timezone()).toLocalDate().toString();
    }
}
