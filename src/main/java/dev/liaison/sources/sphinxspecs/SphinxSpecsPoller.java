package dev.liaison.sources.sphinxspecs;

import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.Validators;
import dev.liaison.item.Item;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.SpecIdMigration;
import dev.liaison.store.SpecSiteCursor;
import dev.liaison.store.ValidatorStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of a Sphinx specs site. Discovery: the root and the release indexes it links to
 * (conditional GETs; an index answered 304 gives the links stored in the cursor). Crawl: every
 * spec page, one per (release, name), fetched conditionally and parsed once on a worker pool,
 * while the poll thread batches the items and a store thread writes each batch (one query and
 * bulk writes). Redirect stubs are followed within the site. Page validators (once their items
 * are stored), index validators, stub validators and the cursor (links per index, stub targets)
 * are saved last, after every batch is stored: a crash anywhere leaves at worst pages to fetch
 * again. (Page validators go with a batch instead once {@value #VALIDATORS_PER_WRITE} wait.)
 */
final class SphinxSpecsPoller implements Poller {

    private static final Logger LOG = LoggerFactory.getLogger(SphinxSpecsPoller.class);
    private static final int MAX_STUB_HOPS = 3;
    private static final int MAX_INDEX_PAGES = 500;

    private final SourceConfig source;
    private final PollContext context;
    private final SiteLayout layout;
    private final int batchSize;
    private final int maxPages;
    /**
     * Spec pages parsed at the same time: one core fewer than the machine has (at least one), so
     * the store thread, whose batches are the crawl's one serial path, is never starved by parsing
     * (fetching is not limited by this, only by the fetcher's per-host concurrency).
     */
    private final Semaphore parsing = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

    SphinxSpecsPoller(SourceConfig source, PollContext context, SiteLayout layout, int batchSize, int maxPages) {
        this.source = source;
        this.context = context;
        this.layout = layout;
        this.batchSize = batchSize;
        this.maxPages = maxPages;
    }

    /** A spec page to read: its URL, place on the site, and the spec (item id) it is a copy of. */
    private record Target(URI url, SiteLayout.SpecLocation where, String id) {}

    /** The cursor's mark that the source's items have ids of one item per spec (see {@link SpecIdMigration}). */
    static final String ID_SCHEME = "project-name";
    /**
     * The cursor's mark that the source's items hold every reference their page gives, story
     * references included (earlier versions dropped those): without it every page is read again.
     */
    static final String REFS_SCHEME = "all-with-stories";

    /** What reading one target gave. */
    private record Outcome(Item item, Map<String, ValidatorStore.Entry> pageValidators,
                           Map<String, ValidatorStore.Entry> stubValidators, Map<String, String> redirects, boolean notSpec,
                           SiteLayout.SpecLocation at, String id) {

        Outcome(Item item, Map<String, ValidatorStore.Entry> pageValidators,
                Map<String, ValidatorStore.Entry> stubValidators, Map<String, String> redirects) {
            this(item, pageValidators, stubValidators, redirects, false, null, null);
        }

        static Outcome nothing() {
            return new Outcome(null, Map.of(), Map.of(), Map.of(), false, null, null);
        }

        /** A page that was fetched whole but is no spec page (no heading, a redirect off the specs). */
        static Outcome notASpec() {
            return new Outcome(null, Map.of(), Map.of(), Map.of(), true, null, null);
        }

        /** A spec page answered 304: stored as it is, at this place. */
        static Outcome unchanged(SiteLayout.SpecLocation at) {
            return new Outcome(null, Map.of(), Map.of(), Map.of(), false, at, null);
        }

        /** The same, as a copy of this spec (item id). */
        Outcome of(String spec) {
            return new Outcome(item, pageValidators, stubValidators, redirects, notSpec, at, spec);
        }
    }

    /** What discovery found: the spec pages to read and what the indexes listed. */
    private record Discovery(List<Target> targets, int listed, int unplaced, List<String> unplacedSamples) {}

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        String sid = source.id();
        SpecSiteCursor cursor = context.store().sourceState().specSiteCursor(sid);
        boolean migrate = !ID_SCHEME.equals(cursor.ids());
        int perHost = context.fetcher().settings().perHostConcurrency();
        int threads = Math.max(2, Math.min(32, perHost + Runtime.getRuntime().availableProcessors()));
        ExecutorService workers = Executors.newFixedThreadPool(threads, named(sid + "-read"));
        ExecutorService storer = Executors.newSingleThreadExecutor(named(sid + "-store"));
        try {
            Map<String, ValidatorStore.Entry> validators;
            Future<?> migrating = null;
            if (migrate) {
                // A first poll, or items of an earlier version (one per release copy): moved to one
                // item per spec and every page read again. The move clears the source's validators,
                // so nothing is conditional: discovery starts while the store thread moves them.
                migrating = storer.submit(() -> {
                    SpecIdMigration.Result moved = SpecIdMigration.run(context.store(), sid);
                    if (moved.oldItems() > 0) {
                        LOG.info("{}: {} spec items of the old id form (release in the id) replaced by one item per spec; "
                                + "{} links moved, {} duplicate links dropped; every page is read again", sid, moved.oldItems(),
                                moved.linksMoved(), moved.linksDropped());
                    }
                    return null;
                });
                cursor = SpecSiteCursor.NONE;
                validators = Map.of();
            } else if (!REFS_SCHEME.equals(cursor.refs())) {
                // Items stored by a version that dropped story references: every page read again
                // (unchanged items stay as they are; the others gain their references).
                LOG.info("{}: spec items stored without their story references; every page is read again", sid);
                cursor = SpecSiteCursor.NONE;
                validators = Map.of();
            } else {
                validators = context.store().validators().load(sid);
            }
            loadParsersWhileTheRootIsFetched(workers);
            Map<String, IndexLinks> storedLinks = readLinks(cursor);
            Map<String, String> storedRedirects = cursor.redirects();
            Map<String, IndexLinks> links = new LinkedHashMap<>();
            Map<String, ValidatorStore.Entry> indexValidators = new LinkedHashMap<>();
            Discovery found;
            try {
                found = discover(workers, validators, storedLinks, links, indexValidators, stats);
            } finally {
                await(migrating); // its failure, if any, is the poll's
            }
            List<Target> targets = found.targets();
            if (targets.isEmpty()) {
                // Zero yield is a failure, never a quiet success: say what the indexes held.
                throw new NoSpecsFoundException(found.listed() == 0
                        ? "the site root " + layout.root() + " links no spec page and no index that does"
                        : "index lists " + found.listed() + " pages; none matched a known spec layout (e.g. "
                                + String.join(", ", found.unplacedSamples()) + ")");
            }
            Map<String, String> redirects = new LinkedHashMap<>();
            Map<String, ValidatorStore.Entry> stubValidators = new LinkedHashMap<>();
            Map<String, ValidatorStore.Entry> pageValidators = new HashMap<>();
            int notSpecs = crawl(targets, workers, storer, threads, validators, storedRedirects, redirects, stubValidators,
                    pageValidators, stats);
            // Everything the pages gave is stored: now the cursor, then the validators that rely on it.
            Map<String, String> keep = new LinkedHashMap<>();
            for (Target t : targets) {
                String to = redirects.containsKey(t.url().toString()) ? redirects.get(t.url().toString())
                        : storedRedirects.get(t.url().toString());
                if (to != null) {
                    keep.put(t.url().toString(), to);
                }
            }
            context.store().sourceState().saveSpecSiteCursor(sid, cursorOf(links, keep));
            Map<String, ValidatorStore.Entry> last = new LinkedHashMap<>(indexValidators);
            last.putAll(stubValidators);
            last.putAll(pageValidators);
            context.store().validators().save(sid, last, validators);
            // Far fewer specs than the indexes list is a failure too (what was read is stored).
            if (notSpecs * 2 > targets.size()) {
                List<String> errors = stats.errorMessages();
                throw new NoSpecsFoundException("index lists " + targets.size() + " spec pages; " + notSpecs
                        + " of them are no spec page" + (errors.isEmpty() ? "" : " (first: " + errors.get(0) + ")"));
            }
            if (found.unplaced() > 3 * found.listed() / 4 && found.unplaced() > targets.size()) {
                throw new NoSpecsFoundException("index lists " + found.listed() + " pages; only " + targets.size()
                        + " matched a known spec layout (not matched, e.g. " + String.join(", ", found.unplacedSamples()) + ")");
            }
        } finally {
            workers.shutdownNow();
            storer.shutdownNow();
        }
    }

    /** Whether a poll in this process has had the HTML parsers loaded (see below). */
    private static final AtomicBoolean PARSERS_LOADED = new AtomicBoolean();

    /** A small spec page with an index's links: what loading the parsers reads. */
    private static final String PARSERS_SAMPLE = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head>"
            + "<body><div class=\"docs-body\"><section id=\"s\"><h1>Sample spec<a class=\"headerlink\" href=\"#s\">x</a></h1>"
            + "<p><a href=\"https://blueprints.launchpad.net/x/+spec/sample-spec\">bp</a> bug #123456, see"
            + " <a href=\"../other/index.html\">index</a> and <a href=\"other-spec.html\">other</a>.</p><ul><li>a</li></ul>"
            + "<pre>code</pre><table><tr><td>c</td></tr></table></section></div></body></html>";

    /**
     * The first poll in a fresh process (a one-shot {@code poll --once}) would load and first run
     * the HTML parser and the spec and index parsers only once the root page is in, on the one
     * thread discovery has, while the other cores idle; here a worker does that on a small page
     * while the root is fetched. Later polls in the same process skip it.
     */
    private void loadParsersWhileTheRootIsFetched(ExecutorService workers) {
        if (!PARSERS_LOADED.compareAndSet(false, true)) {
            return;
        }
        workers.submit(() -> {
            try {
                byte[] page = PARSERS_SAMPLE.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                URI index = layout.root().resolve("specs/sample/index.html");
                IndexPageParser.parse(page, Optional.empty(), index, layout);
                SpecPageParser.parse(page, Optional.empty(), index.resolve("sample-spec.html"),
                        new SiteLayout.SpecLocation("sample", "approved", "sample-spec"), layout, source.id());
            } catch (RuntimeException e) {
                LOG.debug("Loading the parsers on a sample page failed: {}", e.toString());
            }
        });
    }

    // ---- discovery -------------------------------------------------------------------------

    /** What one index page gave: links null when it could not be read and nothing is stored for it. */
    private record IndexOutcome(URI url, IndexLinks links, ValidatorStore.Entry validators) {}

    /** An index's links as kept in the cursor: indexes, spec pages with the index's hints, other documents. */
    record IndexLinks(List<String> indexes, Map<String, IndexPageParser.Hint> specs, List<String> others) {}

    private Discovery discover(ExecutorService workers, Map<String, ValidatorStore.Entry> validators,
                               Map<String, IndexLinks> storedLinks, Map<String, IndexLinks> links,
                               Map<String, ValidatorStore.Entry> indexValidators, PollStats stats) throws Exception {
        Set<String> seen = new LinkedHashSet<>(); // an index folder and its index.html are one page
        List<URI> frontier = List.of(layout.root());
        seen.add(indexPage(layout.root()));
        Map<String, IndexPageParser.Hint> hints = new LinkedHashMap<>();
        Set<String> others = new LinkedHashSet<>();
        while (!frontier.isEmpty()) {
            List<Future<IndexOutcome>> futures = new ArrayList<>();
            for (URI u : frontier) {
                futures.add(workers.submit(() -> readIndex(u, validators, storedLinks, stats)));
            }
            List<URI> next = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                IndexOutcome o;
                try {
                    o = futures.get(i).get();
                } catch (ExecutionException e) {
                    // Only the root's failure comes here: without the root there is nothing to read.
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
                if (o.links() == null) {
                    continue;
                }
                links.put(o.url().toString(), o.links());
                if (o.validators() != null) {
                    indexValidators.put(o.url().toString(), o.validators());
                }
                o.links().specs().forEach((u, h) -> {
                    IndexPageParser.Hint before = hints.get(u);
                    if (before == null || before.equals(IndexPageParser.Hint.NONE)) {
                        hints.put(u, h);
                    }
                });
                others.addAll(o.links().others());
                for (String s : o.links().indexes()) {
                    URI link;
                    try {
                        link = URI.create(s);
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    if (layout.isIndex(link) && seen.size() < MAX_INDEX_PAGES && seen.add(indexPage(link))) {
                        next.add(link);
                    }
                }
            }
            frontier = next;
        }
        Map<String, List<Target>> byId = new LinkedHashMap<>();
        for (Map.Entry<String, IndexPageParser.Hint> e : hints.entrySet()) {
            URI link;
            try {
                link = URI.create(e.getKey());
            } catch (IllegalArgumentException ex) {
                continue;
            }
            Optional<String> rel = layout.relative(link);
            Optional<SiteLayout.SpecLocation> where = rel.flatMap(SiteLayout::specPath);
            if (where.isEmpty()) {
                others.add(e.getKey());
                continue;
            }
            SiteLayout.SpecLocation at = where.get().refine(e.getValue(), SiteLayout.pathNamesState(rel.get()));
            String id = at.id(layout.project());
            byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new Target(link, at, id));
        }
        // Every copy of a spec (one per release it was proposed for) is read, side by side, so its
        // item is made from its current copy once all are in; an index answered 304 still lists them.
        List<Target> targets = new ArrayList<>();
        byId.values().forEach(targets::addAll);
        if (targets.size() > maxPages) {
            stats.error("source " + source.id(), targets.size() + " spec pages found, more than max-pages=" + maxPages
                    + ": only the first " + maxPages + " were read");
            String cut = targets.get(maxPages).id();
            targets = new ArrayList<>(targets.subList(0, maxPages));
            targets.removeIf(t -> t.id().equals(cut)); // never half a spec's copies
        }
        Set<String> listed = new LinkedHashSet<>(hints.keySet());
        listed.addAll(others);
        List<String> samples = others.stream().limit(3).map(u -> layout.relative(URI.create(u)).orElse(u)).toList();
        return new Discovery(targets, listed.size(), others.size(), samples);
    }

    /** The page an index URL names: {@code specs/} and {@code specs/index.html} are the same page. */
    private static String indexPage(URI index) {
        String u = index.toString();
        return u.endsWith("/index.html") ? u.substring(0, u.length() - "index.html".length()) : u;
    }

    /** Reads one index page; links null when it could not be read and nothing is stored for it. */
    private IndexOutcome readIndex(URI url, Map<String, ValidatorStore.Entry> validators,
                                   Map<String, IndexLinks> storedLinks, PollStats stats) throws FetchException {
        String key = url.toString();
        ValidatorStore.Entry before = validators.get(key);
        IndexLinks stored = storedLinks.get(key);
        FetchResult r;
        try {
            r = context.fetcher().get(url, before == null || stored == null ? Validators.NONE : before.validators(), stats);
        } catch (FetchException e) {
            if (url.equals(layout.root())) {
                throw e;
            }
            return new IndexOutcome(url, stored, null); // recorded by the fetcher; the stored links still count
        }
        if (r.notModified()) {
            return new IndexOutcome(url, stored, null);
        }
        IndexPageParser.Links found = IndexPageParser.parse(r.body(), r.declaredCharset(), r.finalUrl(), layout);
        Map<String, IndexPageParser.Hint> specs = new LinkedHashMap<>();
        found.specHints().forEach((u, h) -> specs.put(u.toString(), h));
        return new IndexOutcome(url, new IndexLinks(found.indexes().stream().map(URI::toString).toList(), specs,
                found.others().stream().map(URI::toString).toList()), new ValidatorStore.Entry(r.validators(), null));
    }

    // ---- crawl -----------------------------------------------------------------------------

    /**
     * Reads every target; returns how many were fetched whole but turned out to be no spec page.
     * The validators of pages whose items are stored and that were not saved yet are left in
     * {@code pageValidators}, for the caller to save with the cursor.
     */
    private int crawl(List<Target> targets, ExecutorService workers, ExecutorService storer, int threads,
                       Map<String, ValidatorStore.Entry> validators, Map<String, String> storedRedirects,
                       Map<String, String> redirects, Map<String, ValidatorStore.Entry> stubValidators,
                       Map<String, ValidatorStore.Entry> pageValidators, PollStats stats) throws Exception {
        Map<String, Boolean> claimed = new ConcurrentHashMap<>(); // spec page URLs read, or about to be
        targets.forEach(t -> claimed.put(t.url().toString(), Boolean.TRUE));
        // A spec's item is made once every copy of it is read: its current copy, and every release it appeared in.
        Map<String, Integer> remaining = new HashMap<>();
        Map<String, Set<String>> releases = new HashMap<>();
        for (Target t : targets) {
            remaining.merge(t.id(), 1, Integer::sum);
            if (t.where().release() != null) {
                releases.computeIfAbsent(t.id(), k -> new LinkedHashSet<>()).add(t.where().release());
            }
        }
        Map<String, List<Outcome>> copies = new HashMap<>();
        CompletionService<Outcome> done = new ExecutorCompletionService<>(workers);
        int window = Math.max(32, threads * 16);
        Iterator<Target> next = targets.iterator();
        int pending = 0;
        while (pending < window && next.hasNext()) {
            Target t = next.next();
            done.submit(() -> read(t.url(), t.where(), 0, validators, storedRedirects, claimed, stats).of(t.id()));
            pending++;
        }
        int minBatch = Math.max(1, batchSize / 4);
        List<Item> batch = new ArrayList<>(batchSize);
        // Page validators wait for their items; written with a batch only once many wait (one
        // write and one commit fewer per batch), else with the cursor at the end.
        Map<String, ValidatorStore.Entry> batchValidators = new HashMap<>();
        Future<?> storing = null;
        int notSpecs = 0;
        while (pending > 0) {
            Outcome o;
            try {
                o = done.take().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
            pending--;
            if (o.notSpec()) {
                notSpecs++;
            }
            if (next.hasNext()) {
                Target t = next.next();
                done.submit(() -> read(t.url(), t.where(), 0, validators, storedRedirects, claimed, stats).of(t.id()));
                pending++;
            }
            redirects.putAll(o.redirects());
            stubValidators.putAll(o.stubValidators());
            List<Outcome> got = copies.computeIfAbsent(o.id(), k -> new ArrayList<>());
            got.add(o);
            if (remaining.merge(o.id(), -1, Integer::sum) > 0) {
                continue;
            }
            copies.remove(o.id());
            // The validators of every copy go with the item: saved only once it is stored.
            for (Outcome c : got) {
                batchValidators.putAll(c.pageValidators());
            }
            Item item = current(got, releases.getOrDefault(o.id(), Set.of()));
            if (item != null) {
                batch.add(item);
            }
            // A batch goes to the store thread when full, or as soon as that thread is idle and a
            // few items wait: storing starts early in the crawl and the last batch stays small.
            boolean storeIdle = storing == null || storing.isDone();
            if (batch.size() >= batchSize || (storeIdle && batch.size() >= minBatch)) {
                boolean withValidators = batchValidators.size() >= VALIDATORS_PER_WRITE;
                storing = store(storer, storing, batch, withValidators ? batchValidators : Map.of(), validators, stats);
                batch = new ArrayList<>(batchSize);
                if (withValidators) {
                    batchValidators = new HashMap<>();
                }
            }
        }
        if (!batch.isEmpty()) {
            storing = store(storer, storing, batch, Map.of(), validators, stats);
        }
        await(storing);
        pageValidators.putAll(batchValidators);
        return notSpecs;
    }

    /**
     * The item of a spec from what its copies gave: the current copy (the latest release, then the
     * later state) with every release the spec appeared in; null when the current copy is unchanged
     * (answered 304) or no copy is a spec.
     */
    private static Item current(List<Outcome> copies, Set<String> listedReleases) {
        Outcome best = null;
        for (Outcome c : copies) {
            if (c.at() != null && (best == null || later(c.at(), best.at()))) {
                best = c;
            }
        }
        if (best == null || best.item() == null) {
            return null;
        }
        Set<String> all = new LinkedHashSet<>(listedReleases);
        copies.stream().filter(c -> c.at() != null && c.at().release() != null).forEach(c -> all.add(c.at().release()));
        List<String> ordered = new ArrayList<>(all);
        ordered.sort(java.util.Comparator.comparingDouble(SiteLayout::releaseOrder).thenComparing(r -> r));
        return best.item().toBuilder().attribute("releases", ordered).build();
    }

    private static boolean later(SiteLayout.SpecLocation a, SiteLayout.SpecLocation b) {
        int byRelease = Double.compare(SiteLayout.releaseOrder(a.release()), SiteLayout.releaseOrder(b.release()));
        return byRelease != 0 ? byRelease > 0 : a.rank() > b.rank();
    }

    /**
     * Page validators saved with a batch once this many wait for it; fewer are saved at the end of
     * the poll (a crash before then costs a full fetch of those pages, never a lost item).
     */
    static final int VALIDATORS_PER_WRITE = 500;

    /** Hands a batch to the store thread once the previous one is written (one batch in flight). */
    private Future<?> store(ExecutorService storer, Future<?> previous, List<Item> items,
                            Map<String, ValidatorStore.Entry> pageValidators, Map<String, ValidatorStore.Entry> validators,
                            PollStats stats) throws Exception {
        await(previous);
        return storer.submit(() -> {
            if (!items.isEmpty()) {
                stats.stored(context.store().items().upsert(items));
            }
            // Only now: a validator saved before its item would turn a lost write into a 304.
            if (!pageValidators.isEmpty()) {
                context.store().validators().save(source.id(), pageValidators, validators);
            }
            return null;
        });
    }

    private static void await(Future<?> f) throws Exception {
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** Fetches and parses one spec URL (on a worker thread), following redirect stubs on the site. */
    private Outcome read(URI url, SiteLayout.SpecLocation where, int hops, Map<String, ValidatorStore.Entry> validators,
                         Map<String, String> storedRedirects, Map<String, Boolean> claimed, PollStats stats) {
        String key = url.toString();
        ValidatorStore.Entry before = validators.get(key);
        FetchResult r;
        try {
            r = context.fetcher().get(url, before == null ? Validators.NONE : before.validators(), stats);
        } catch (FetchException e) {
            return Outcome.nothing(); // recorded by the fetcher; no validator saved, so read again next poll
        }
        if (r.notModified()) {
            String to = storedRedirects.get(key);
            if (to == null) {
                return Outcome.unchanged(where);
            }
            if (to.isEmpty()) {
                return new Outcome(null, Map.of(), Map.of(), Map.of(key, "")); // a stub off the site, as before
            }
            return follow(url, URI.create(to), where, hops, null, validators, storedRedirects, claimed, stats);
        }
        Optional<SiteLayout.SpecLocation> at = r.finalUrl().equals(url) ? Optional.of(where) : layout.spec(r.finalUrl());
        if (at.isEmpty()) {
            stats.error("spec " + url, "redirected to " + r.finalUrl() + ", which is not a spec page of this site");
            return Outcome.notASpec();
        }
        SpecPage page;
        try {
            parsing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the poll is being stopped
            return Outcome.nothing();
        }
        try {
            try {
                page = SpecPageParser.parse(r.body(), r.declaredCharset(), r.finalUrl(), at.get(), layout, source.id());
            } finally {
                parsing.release();
            }
        } catch (RuntimeException | StackOverflowError e) {
            stats.error("spec " + url, "could not be parsed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return Outcome.nothing();
        }
        ValidatorStore.Entry now = new ValidatorStore.Entry(r.validators(), null);
        if (page instanceof SpecPage.Spec spec) {
            spec.warnings().forEach(w -> stats.error("spec " + url, w));
            return new Outcome(spec.item(), Map.of(key, now), Map.of(), Map.of(), false, at.get(), null);
        }
        if (page instanceof SpecPage.Redirect redirect) {
            return follow(url, redirect.target(), where, hops, now, validators, storedRedirects, claimed, stats);
        }
        SpecPage.Failure failure = (SpecPage.Failure) page;
        stats.error("spec " + url, failure.message());
        return failure.notASpec() ? Outcome.notASpec() : Outcome.nothing();
    }

    private Outcome follow(URI stub, URI target, SiteLayout.SpecLocation where, int hops, ValidatorStore.Entry stubNow,
                           Map<String, ValidatorStore.Entry> validators, Map<String, String> storedRedirects,
                           Map<String, Boolean> claimed, PollStats stats) {
        String key = stub.toString();
        Map<String, ValidatorStore.Entry> stubValidators = stubNow == null ? Map.of() : Map.of(key, stubNow);
        Optional<SiteLayout.SpecLocation> to = layout.spec(target);
        if (to.isEmpty()) {
            // A spec moved off this site (another project's docs): nothing of ours to read there.
            LOG.debug("{}: redirect stub to {}, outside the specs of this site; not followed", key, target);
            return new Outcome(null, Map.of(), stubValidators, Map.of(key, ""));
        }
        if (hops >= MAX_STUB_HOPS) {
            stats.error("spec " + stub, "more than " + MAX_STUB_HOPS + " redirect stubs in a row; not followed");
            return Outcome.nothing();
        }
        if (claimed.putIfAbsent(target.toString(), Boolean.TRUE) != null) {
            return new Outcome(null, Map.of(), stubValidators, Map.of(key, target.toString())); // read under its own URL
        }
        Outcome o = read(target, to.get(), hops + 1, validators, storedRedirects, claimed, stats);
        Map<String, ValidatorStore.Entry> stubs = new HashMap<>(o.stubValidators());
        stubs.putAll(stubValidators); // saved with the cursor, which records where the stub leads
        Map<String, String> redirects = new HashMap<>(o.redirects());
        redirects.put(key, target.toString());
        return new Outcome(o.item(), o.pageValidators(), stubs, redirects, o.notSpec(), o.at(), null);
    }

    // ---- cursor ----------------------------------------------------------------------------

    private Map<String, IndexLinks> readLinks(SpecSiteCursor cursor) {
        Map<String, IndexLinks> out = new HashMap<>();
        for (SpecSiteCursor.Index index : cursor.indexes()) {
            List<String> indexes = new ArrayList<>(index.indexLinks());
            Map<String, IndexPageParser.Hint> specs = new LinkedHashMap<>();
            index.specs().forEach(sl -> specs.put(sl.url(), new IndexPageParser.Hint(sl.state(), sl.series())));
            // A cursor of an earlier version holds links only: placed again by their paths.
            for (String l : index.links()) {
                try {
                    if (layout.isIndex(URI.create(l))) {
                        indexes.add(l);
                    } else {
                        specs.put(l, IndexPageParser.Hint.NONE);
                    }
                } catch (IllegalArgumentException e) {
                    // not a link to keep
                }
            }
            out.put(index.url(), new IndexLinks(indexes, specs, new ArrayList<>(index.others())));
        }
        return out;
    }

    private static SpecSiteCursor cursorOf(Map<String, IndexLinks> links, Map<String, String> redirects) {
        List<SpecSiteCursor.Index> pages = new ArrayList<>();
        links.forEach((url, l) -> {
            List<SpecSiteCursor.SpecLink> specs = new ArrayList<>();
            l.specs().forEach((u, h) -> specs.add(new SpecSiteCursor.SpecLink(u, h.state(), h.series())));
            pages.add(new SpecSiteCursor.Index(url, l.indexes(), specs, l.others(), List.of()));
        });
        return new SpecSiteCursor(ID_SCHEME, REFS_SCHEME, pages, redirects);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
