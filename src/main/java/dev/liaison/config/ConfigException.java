package dev.liaison.config;

/**
 * A configuration problem a person can fix: names the file, the source (when there is one) and
 * the key. {@link #getMessage()} is one line, meant to be printed without a stack trace.
 */
public final class ConfigException extends RuntimeException {

    private final String file;
    private final String sourceId;
    private final String key;

    public ConfigException(String file, String sourceId, String key, String problem) {
        super(format(file, sourceId, key, problem));
        this.file = file;
        this.sourceId = sourceId;
        this.key = key;
    }

    private static String format(String file, String sourceId, String key, String problem) {
        StringBuilder sb = new StringBuilder(file == null ? "configuration" : file);
        if (sourceId != null) {
            sb.append(": source '").append(sourceId).append('\'');
        }
        if (key != null) {
            sb.append(": key '").append(key).append('\'');
        }
        return sb.append(": ").append(problem.replaceAll("[\\r\\n]+", " ")).toString();
    }

    public String file() { return file; }
    public String sourceId() { return sourceId; }
    public String key() { return key; }
}
