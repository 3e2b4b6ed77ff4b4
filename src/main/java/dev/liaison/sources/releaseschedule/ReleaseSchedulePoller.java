package dev.liaison.sources.releaseschedule;

import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.Validators;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.store.ValidatorStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of a release schedule: one conditional GET (a 304, or a body with the hash of the last
 * one stored, writes nothing), the feed parsed, and the source's stored entries made exactly the
 * feed's: new and changed ones written, vanished ones removed. A feed that shrank by more than
 * {@code max-shrink-percent} of what is stored is refused as probably truncated, and the stored
 * schedule kept. Validators move only after the entries are stored.
 */
final class ReleaseSchedulePoller implements Poller {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseSchedulePoller.class);
    private final SourceConfig source;
    private final PollContext context;
    private final ReleaseScheduleStore schedules;
    private final String series;
    private final int maxShrinkPercent;

    ReleaseSchedulePoller(SourceConfig source, PollContext context) {
        this.source = source;
        this.context = context;
        this.schedules = new ReleaseScheduleStore(context.store());
        ReleaseScheduleOptions options = ReleaseScheduleOptions.of(source);
        this.series = options.series();
        this.maxShrinkPercent = options.maxShrinkPercent();
    }

    /** "indri" in ".../indri/schedule.ics" or ".../doc/source/indri/schedule.yaml"; null for the all-series feed. */
    static String seriesOf(String path) {
        if (path == null) {
            return null;
        }
        String[] parts = path.split("/");
        if (parts.length < 2) {
            return null;
        }
        String folder = parts[parts.length - 2];
        return folder.matches("[a-z][a-z0-9]*") && !folder.equals("source") ? folder : null;
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        String url = source.url().toString();
        long storedEntries = schedules.count(source.id());
        ValidatorStore.Entry stored = storedEntries == 0 ? null : context.store().validators().load(source.id()).get(url);
        // Nothing stored: the validators mean nothing, fetch the whole feed.
        Validators send = stored == null || request.isBackfill() ? Validators.NONE : stored.validators();
        FetchResult r = context.fetcher().get(source.url(), send, stats);
        if (r.notModified()) {
            return;
        }
        String bodyHash = sha(r.body());
        if (stored != null && bodyHash.equals(stored.bodyHash()) && !request.isBackfill()) {
            if (!r.validators().equals(stored.validators())) {
                saveValidators(url, r, bodyHash);
            }
            stats.itemsStored(0, 0, (int) storedEntries);
            return;
        }
        String text = decode(r, stats);
        Schedule schedule = IcsSchedule.looksLikeIcs(text) ? IcsSchedule.parse(text) : YamlSchedule.parse(text, series);
        for (String problem : schedule.problems()) {
            stats.error("feed " + url, problem);
        }
        int fresh = schedule.entries().size();
        if (storedEntries > 0 && fresh * 100L < storedEntries * (100L - maxShrinkPercent)) {
            throw new ScheduleFormatException("the feed holds " + fresh + " entries where " + storedEntries
                    + " are stored: probably truncated, the stored schedule is kept");
        }
        ReleaseScheduleStore.Result result = schedules.replace(source.id(), schedule.entries(), Instant.now());
        // Removed entries count as changed: the schedule moved.
        stats.itemsStored(result.added(), result.changed() + result.removed(), result.unchanged());
        if (result.wrote()) {
            LOG.info("Release schedule {}: {} entries added, {} changed, {} removed", source.id(), result.added(),
                    result.changed(), result.removed());
        }
        saveValidators(url, r, bodyHash);
    }

    /** The body as text: the declared charset, else UTF-8 (RFC 5545); not UTF-8 after all is read as Windows-1252 and said. */
    private static String decode(FetchResult r, PollStats stats) {
        Charset declared = r.declaredCharset().orElse(StandardCharsets.UTF_8);
        try {
            String text = declared.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(r.body())).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            stats.error("feed " + r.finalUrl(), "not valid " + declared.name() + "; read as windows-1252");
            return new String(r.body(), Charset.forName("windows-1252"));
        }
    }

    private void saveValidators(String url, FetchResult r, String hash) {
        context.store().validators().save(source.id(), Map.of(url, new ValidatorStore.Entry(r.validators(), hash)));
    }

    private static String sha(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
