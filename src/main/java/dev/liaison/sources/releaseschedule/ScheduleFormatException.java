package dev.liaison.sources.releaseschedule;

/** A schedule feed that cannot be read: not iCalendar or YAML, broken, or holding no schedule. */
public final class ScheduleFormatException extends Exception {

    public ScheduleFormatException(String message) {
        super(message);
    }

    public ScheduleFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
