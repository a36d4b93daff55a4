package gmvae4j.datasets.images;

import gmvae4j.io.TerminalText;
import gmvae4j.datasets.DataException;
import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Progress;
import gmvae4j.datasets.Split;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a folder of pictures as an {@link ImageSet}: list ({@link ImageFolder}), pick the layout,
 * read the labels (folders or a CSV, checked before any decoding), take the pixels from the
 * {@link ImageCache} or decode them on all cores ({@link ParallelDecode}) with a progress bar,
 * then report what was skipped. Nothing in the folder is written.
 */
public final class ImageSets {
    private ImageSets() {}

    /** Files named when some are skipped; the rest are only counted. */
    public static final int SHOWN_SKIPPED = 5;

    /**
     * How to load.
     *
     * @param labels    a labels CSV for a flat folder, or null
     * @param forceFlat treat the folder as flat even if it looks like class folders (--layout flat)
     * @param strict    any unreadable picture or folder is an error instead of being skipped
     * @param cache     read and write the cache
     * @param needLabels fail (before decoding) when no picture would have a label
     */
    public record Options(ConversionOptions conversion, Path labels, boolean forceFlat, boolean strict, boolean cache,
                          boolean needLabels) {
        public Options(ConversionOptions conversion, Path labels, boolean forceFlat, boolean strict, boolean cache) {
            this(conversion, labels, forceFlat, strict, cache, false);
        }

        public static Options defaults() { return new Options(ConversionOptions.defaults(), null, false, false, true); }

        public Options needingLabels() { return new Options(conversion, labels, forceFlat, strict, cache, true); }
    }

    /** Loads {@code root}; progress and notes go to {@code log} (stderr in the CLI; null for silence). */
    public static ImageSet load(Path root, Options o, PrintStream log) {
        long t0 = System.nanoTime();
        ImageFolder.Listing listing = ImageFolder.list(root);
        double listed = (System.nanoTime() - t0) / 1e9;
        String where = TerminalText.safe(root.toString());
        List<ImageFolder.Entry> files = listing.files();
        if (files.isEmpty())
            throw new DataException("--images " + where + ": no pictures (.png, .jpg, .jpeg, .bmp, .gif) found"
                    + (listing.ignored() > 0 ? " (" + listing.ignored() + " other files)" : "")
                    + (listing.problems().isEmpty() ? "" : "; " + listing.problems().getFirst()));
        if (o.strict() && !listing.problems().isEmpty())
            throw new DataException("--images " + where + ": " + listing.problems().getFirst() + " (--strict)");
        ImageFolder.Layout layout = ImageFolder.layout(listing, o.forceFlat() || o.labels() != null);

        // Labels before pixels: a bad labels file should cost nothing.
        Set<String> paths = new HashSet<>(files.size() * 2);
        for (ImageFolder.Entry e : files) paths.add(e.path());
        Map<String, String> csv = o.labels() == null ? null : LabelsCsv.read(o.labels(), root, paths);
        List<String> classNames = classNames(layout, files, csv);
        if (layout != ImageFolder.Layout.FLAT && classNames.size() < 2)
            throw new DataException("--images " + where + ": class folders name only one class ('" + TerminalText.safe(classNames.getFirst())
                    + "'); a classifier needs at least two (or use --layout flat for unlabeled pictures)");
        if (o.needLabels() && classNames.isEmpty())
            throw new DataException("--images " + where + ": no picture has a label (" + layout.description
                    + "); give class folders or --labels FILE.csv");
        if (csv != null && csv.isEmpty())
            throw new DataException("--labels " + TerminalText.safe(o.labels().toString()) + ": no rows");

        if (log != null) {
            log.printf(Locale.ROOT, "images: %s: %s, %,d pictures%s (listed in %.1f s)%n", where, layout.description, files.size(),
                    classNames.isEmpty() ? ", unlabeled" : ", " + classNames.size() + " classes"
                            + (csv != null ? " (" + csv.size() + " labeled by " + TerminalText.safe(o.labels().toString()) + ")" : ""),
                    listed);
            for (String p : listing.problems().stream().limit(SHOWN_SKIPPED).toList()) log.println("  note: " + p);
        }

        ImageCache.Decoded decoded = decode(listing, o, log);
        int skipped = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (decoded.bad()[i] == null) continue;
            String line = TerminalText.safe(files.get(i).path()) + ": " + decoded.bad()[i];
            if (o.strict()) throw new DataException("--images " + where + ": " + line + " (--strict)");
            if (skipped++ < SHOWN_SKIPPED) examples.add(line);
        }
        if (log != null && skipped > 0) {
            log.printf(Locale.ROOT, "skipped %,d of %,d pictures (--strict makes this an error):%n", skipped, files.size());
            for (String e : examples) log.println("  " + e);
            if (skipped > examples.size()) log.println("  ... and " + (skipped - examples.size()) + " more");
        }
        if (skipped == files.size())
            throw new DataException("--images " + where + ": none of the " + files.size() + " pictures could be read (" + examples.getFirst() + ")");
        return assemble(root, layout, listing, decoded, csv, classNames, skipped, examples, o.conversion(),
                decoded.key() == null);
    }

    /** Cached pixels when the cache holds this listing, else decoded now (and cached). */
    private static ImageCache.Decoded decode(ImageFolder.Listing listing, Options o, PrintStream log) {
        ConversionOptions c = o.conversion();
        List<ImageFolder.Entry> files = listing.files();
        byte[] key = ImageCache.key(listing, c);
        Path entry = ImageCache.entry(listing.root(), c);
        if (o.cache()) {
            long t0 = System.nanoTime();
            ImageCache.Decoded hit = ImageCache.load(entry, key, files, c.size());
            if (hit != null) {
                if (log != null) log.printf(Locale.ROOT, "loaded from the cache %s in %.1f s%n", TerminalText.safe(entry.toString()), (System.nanoTime() - t0) / 1e9);
                return new ImageCache.Decoded(null, hit.size(), hit.pixels(), hit.bad()); // key null: marks "from the cache"
            }
        }
        int d = c.size() * c.size();
        byte[] all = new byte[Math.multiplyExact(files.size(), d)];
        String[] bad = new String[files.size()];
        List<Path> paths = new ArrayList<>(files.size());
        for (ImageFolder.Entry e : files) paths.add(listing.root().resolve(e.path()));
        long t0 = System.nanoTime();
        Progress bar = log == null ? null : Progress.items(log, "decoding", files.size(), "images");
        int nBad = ParallelDecode.run(paths, c, all, bad, bar == null ? null : bar::update);
        if (bar != null) bar.finish(files.size());
        if (log != null) log.printf(Locale.ROOT, "decoded %,d pictures in %.1f s on %d threads%n", files.size(),
                (System.nanoTime() - t0) / 1e9, ParallelDecode.threads());
        // keep only the good ones, in listing order: what the cache stores
        byte[] good = nBad == 0 ? all : new byte[(files.size() - nBad) * d];
        if (nBad > 0)
            for (int i = 0, at = 0; i < files.size(); i++)
                if (bad[i] == null) { System.arraycopy(all, i * d, good, at, d); at += d; }
        ImageCache.Decoded out = new ImageCache.Decoded(key, c.size(), good, bad);
        if (o.cache()) {
            String why = ImageCache.store(entry, out, files);
            if (why != null && log != null) log.println("note: could not write the cache " + TerminalText.safe(entry.toString()) + " (" + TerminalText.safe(why) + ")");
        }
        return out;
    }

    /** Pool order: train then test, each by path; labels from the folders or the CSV. */
    private static ImageSet assemble(Path root, ImageFolder.Layout layout, ImageFolder.Listing listing, ImageCache.Decoded dec,
                                     Map<String, String> csv, List<String> classNames, int skipped, List<String> examples,
                                     ConversionOptions c, boolean fromCache) {
        List<ImageFolder.Entry> files = listing.files();
        int[] off = dec.offsets();
        List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (off[i] < 0) continue;
            (ImageFolder.isTest(layout, files.get(i).path()) ? test : train).add(i);
        }
        List<Integer> order = new ArrayList<>(train);
        order.addAll(test);
        int d = c.size() * c.size(), n = order.size();
        byte[] px = new byte[Math.multiplyExact(n, d)];
        int[] labels = classNames.isEmpty() ? null : new int[n];
        List<String> paths = new ArrayList<>(n);
        Map<String, Integer> classIndex = new java.util.HashMap<>();
        for (int k = 0; k < classNames.size(); k++) classIndex.put(classNames.get(k), k);
        for (int j = 0; j < n; j++) {
            int i = order.get(j);
            String p = files.get(i).path();
            System.arraycopy(dec.pixels(), off[i], px, j * d, d);
            paths.add(p);
            if (labels != null) {
                String name = csv != null ? csv.get(p) : ImageFolder.classOf(layout, p);
                labels[j] = name == null ? ImageSet.UNLABELED : classIndex.get(name);
            }
        }
        Dataset pool = new Dataset(datasetName(root), Split.POOL, px, labels, n, c.size(), c.size(), classNames);
        return new ImageSet(root, layout, pool, train.size(), paths, skipped, examples, c, fromCache);
    }

    /** Class names: folder names or CSV labels, sorted (numerically when all are integers). */
    static List<String> classNames(ImageFolder.Layout layout, List<ImageFolder.Entry> files, Map<String, String> csv) {
        Set<String> names = new TreeSet<>();
        if (csv != null) names.addAll(csv.values());
        else if (layout != ImageFolder.Layout.FLAT) for (ImageFolder.Entry e : files) names.add(ImageFolder.classOf(layout, e.path()));
        List<String> sorted = new ArrayList<>(names);
        if (sorted.stream().allMatch(s -> s.matches("-?\\d{1,9}"))) sorted.sort(Comparator.comparingInt(Integer::parseInt));
        return List.copyOf(sorted);
    }

    /** A name for reports and report folders: the folder's own name, reduced to letters, digits, '.', '_' and '-'. */
    static String datasetName(Path root) {
        Path n = root.toAbsolutePath().normalize().getFileName();
        String s = n == null ? "" : n.toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "images" : s;
    }
}
