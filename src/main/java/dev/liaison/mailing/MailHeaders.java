package dev.liaison.mailing;

/** Header values from untrusted text: no CR, LF or other control characters, bounded length. */
public final class MailHeaders {

    public static final int MAX = 250;

    private MailHeaders() {}

    public static String clean(String value) {
        if (value == null) {
            return "";
        }
        String s = value.replaceAll("[\\r\\n\\t\\x00-\\x1F\\x7F]+", " ").replaceAll(" {2,}", " ").trim();
        return s.length() > MAX ? s.substring(0, MAX - 1) + "…" : s;
    }
}
