package gmvae4j.datasets.images;

import gmvae4j.io.TerminalText;
import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A folder of pictures loaded as a data set ({@link ImageSets#load}).
 *
 * <ul>
 *   <li>{@code pool}: every usable picture, the train split first, then test (split layout: the
 *       folders; otherwise by hash, see {@link ImageFolder}), each part sorted by path; S×S bytes
 *       like the IDX path. {@code pool.labels()} is null when nothing is labeled; in a partially
 *       labeled set (a flat folder with a labels CSV naming some pictures) an unlabeled picture
 *       has label {@link #UNLABELED} (-1): use {@link #labeledIndices()} or {@link #labeledOnly()}
 *       before anything that reads labels. Class names are the folder names or the CSV's labels,
 *       sorted.</li>
 *   <li>{@code trainCount}: pool images 0..trainCount-1 are the train split.</li>
 *   <li>{@code paths}: the path of pool image i relative to {@code root}, {@code /}-separated.</li>
 *   <li>{@code skipped}: pictures left out (unreadable, corrupt, over the pixel cap), with the
 *       first few as {@code path: reason} lines in {@code skippedExamples}.</li>
 * </ul>
 *
 * @param layout    {@code split}, {@code classes} or {@code flat}
 * @param fromCache whether the pixels came from the cache rather than decoding
 */
public record ImageSet(Path root, ImageFolder.Layout layout, Dataset pool, int trainCount, List<String> paths,
                       int skipped, List<String> skippedExamples, ConversionOptions options, boolean fromCache) {

    public static final int UNLABELED = -1;

    public ImageSet {
        if (paths.size() != pool.n()) throw new IllegalArgumentException(paths.size() + " paths for " + pool.n() + " images");
        if (trainCount < 0 || trainCount > pool.n()) throw new IllegalArgumentException("train count " + trainCount);
        paths = List.copyOf(paths);
        skippedExamples = List.copyOf(skippedExamples);
    }

    /** Pool indices of the labeled pictures, ascending. */
    public int[] labeledIndices() {
        int[] l = pool.labels();
        if (l == null) return new int[0];
        return java.util.stream.IntStream.range(0, l.length).filter(i -> l[i] != UNLABELED).toArray();
    }

    /** Whether every picture has a label. */
    public boolean fullyLabeled() { return pool.labels() != null && labeledIndices().length == pool.n(); }

    /** Only the labeled pictures (the same set when all are; an empty set when none is). */
    public ImageSet labeledOnly() {
        if (fullyLabeled()) return this;
        int[] keep = labeledIndices();
        int d = pool.dim(), train = 0;
        byte[] px = new byte[keep.length * d];
        int[] lb = new int[keep.length];
        List<String> p = new ArrayList<>(keep.length);
        for (int j = 0; j < keep.length; j++) {
            int i = keep[j];
            System.arraycopy(pool.pixels(), i * d, px, j * d, d);
            lb[j] = pool.labels()[i];
            p.add(paths.get(i));
            if (i < trainCount) train++;
        }
        Dataset ds = new Dataset(pool.name(), Split.POOL, px, lb, keep.length, pool.rows(), pool.cols(), pool.classNames());
        return new ImageSet(root, layout, ds, train, p, skipped, skippedExamples, options, fromCache);
    }

    /** Where the images came from, one line: for the first line of output, reports and model files. */
    public String describe() {
        int labeled = labeledIndices().length;
        return String.format(java.util.Locale.ROOT, "%s (%s): %d images (%d train + %d test), %s, %d skipped; %s",
                TerminalText.safe(root.toString()), layout.description, pool.n(), trainCount, pool.n() - trainCount,
                pool.labels() == null ? "unlabeled" : labeled == pool.n() ? pool.numClasses() + " classes"
                        : labeled + " labeled in " + pool.numClasses() + " classes",
                skipped, options.describe());
    }

    /** The same facts as key/value pairs, for model files and results.json. */
    public java.util.Map<String, String> provenance() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("images.folder", root.toAbsolutePath().normalize().toString());
        m.put("images.layout", layout.id());
        m.put("images.count", Integer.toString(pool.n()));
        m.put("images.train", Integer.toString(trainCount));
        m.put("images.labeled", Integer.toString(labeledIndices().length));
        m.put("images.skipped", Integer.toString(skipped));
        m.put("images.size", Integer.toString(options.size()));
        m.put("images.invert", options.invert().id());
        m.put("images.max_pixels", Long.toString(options.maxPixels()));
        return m;
    }

    @Override public String toString() { return "ImageSet[" + describe() + ", paths " + Arrays.toString(paths.stream().limit(3).toArray()) + "...]"; }
}
