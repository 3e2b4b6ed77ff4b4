package dev.liaison.sources.mail;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who wrote a mail: display name and address. Reads the forms archives write:
 * {@code Name <x@y>}, {@code x@y (Name)}, pipermail's obfuscated {@code x at y} and HyperKitty's
 * {@code x (a) y}. Either part may be empty; neither contains CR/LF.
 */
public record Sender(String name, String address) {

    private static final Pattern ANGLE = Pattern.compile("^(.*?)<([^<>]*)>\\s*(?:\\((.*)\\))?\\s*$");
    private static final Pattern SPELLED_AT = Pattern.compile("(?i)^(\\S+)\\s+at\\s+(\\S+)$");
    private static final Pattern PAREN_A = Pattern.compile("^(\\S+)\\s+\\(a\\)\\s+(\\S+)$");
    private static final Pattern CONTROLS = Pattern.compile("[\\r\\n\\u0000-\\u001f]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern PAREN = Pattern.compile("^([^()]*?)\\s*\\((.*)\\)\\s*$");

    public Sender {
        name = clean(name);
        address = clean(address);
    }

    /** {@code x at y} and {@code x (a) y} turned back into {@code x@y}; other text unchanged. */
    public static String deobfuscate(String address) {
        if (address == null) {
            return "";
        }
        String a = address.trim();
        a = SPELLED_AT.matcher(a).replaceFirst("$1@$2");
        a = PAREN_A.matcher(a).replaceFirst("$1@$2");
        return a;
    }

    /** Reads a From header (already RFC 2047-decoded). */
    public static Sender parse(String from) {
        String f = clean(from);
        if (f.isEmpty()) {
            return new Sender("", "");
        }
        Matcher m = ANGLE.matcher(f);
        if (m.matches()) {
            String name = unquote(m.group(1));
            if (name.isEmpty() && m.group(3) != null) {
                name = unquote(m.group(3));
            }
            return new Sender(name, normalise(m.group(2)));
        }
        m = PAREN.matcher(f);
        if (m.matches()) {
            return new Sender(unquote(m.group(2)), normalise(m.group(1)));
        }
        String addr = normalise(f);
        return addr.contains("@") ? new Sender("", addr) : new Sender(unquote(f), "");
    }

    /** An address as both archive kinds store it: deobfuscated, domain in lower case, no spaces. */
    public static String normalisedAddress(String address) {
        return address == null ? "" : normalise(address);
    }

    private static String normalise(String address) {
        String a = deobfuscate(address).trim();
        int at = a.lastIndexOf('@');
        if (at > 0) {
            a = a.substring(0, at) + "@" + a.substring(at + 1).toLowerCase(Locale.ROOT);
        }
        return SPACES.matcher(a).replaceAll("");
    }

    private static String unquote(String s) {
        String t = clean(s);
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1).replace("\\\"", "\"").trim();
        }
        return t.equals(".") ? "" : t;
    }

    private static String clean(String s) {
        return s == null ? "" : SPACES.matcher(CONTROLS.matcher(s).replaceAll(" ")).replaceAll(" ").trim();
    }

    /** The name when there is one, else the address. */
    public String display() {
        return name.isEmpty() ? address : name;
    }
}
