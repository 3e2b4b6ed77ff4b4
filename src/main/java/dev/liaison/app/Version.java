package dev.liaison.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Liaison's version, from the build. */
public final class Version {

    private static final String VERSION = load();

    private Version() {}

    public static String get() {
        return VERSION;
    }

    /** The User-Agent every fetch sends: names Liaison, its version, and how to reach whoever runs it. */
    public static String userAgent(String contact) {
        String ua = "Liaison/" + VERSION + " (+https://github.com/liaison-dev/liaison; story-to-work tracker";
        if (contact != null && !contact.isBlank()) {
            ua += "; contact " + contact.replaceAll("[\\r\\n()]", "");
        }
        return ua + ")";
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/liaison/version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
