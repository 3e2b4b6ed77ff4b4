package dev.liaison.sources;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A kind-specific key a source may set in {@code sources.yaml}: its name, what it means, its
 * default (null when it has none) and a check of its value.
 */
public record OptionSpec(String name, String description, Object defaultValue, boolean required,
                         Predicate<Object> valid, String expected) {

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        valid = valid == null ? v -> true : valid;
        expected = expected == null ? "a value" : expected;
    }

    public static OptionSpec string(String name, String description, String defaultValue) {
        return new OptionSpec(name, description, defaultValue, false, v -> v instanceof String s && !s.isBlank(), "a text");
    }

    public static OptionSpec integer(String name, String description, int defaultValue, int min, int max) {
        return new OptionSpec(name, description, defaultValue, false, v -> {
            try {
                int i = v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim());
                return i >= min && i <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        }, "a whole number from " + min + " to " + max);
    }

    public static OptionSpec bool(String name, String description, boolean defaultValue) {
        return new OptionSpec(name, description, defaultValue, false,
                v -> v instanceof Boolean || "true".equals(String.valueOf(v)) || "false".equals(String.valueOf(v)), "true or false");
    }
}
